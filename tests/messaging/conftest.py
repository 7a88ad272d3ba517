import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from tests.messaging.factories import proposal_conversation


@pytest.fixture(autouse=True)
def _empty_channel_layer():
    """Every test starts with no group membership left over from an earlier test or run."""
    async_to_sync(get_channel_layer().flush)()
    yield
    async_to_sync(get_channel_layer().flush)()


@pytest.fixture
def conversation(db):
    """A proposal conversation between a client and a freelancer (no contract yet)."""
    return proposal_conversation()
