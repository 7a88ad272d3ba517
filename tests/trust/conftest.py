import pytest

from jiedan.trust.services import enforcement_apply
from tests.factories import StaffFactory, UserFactory


@pytest.fixture
def moderator(db):
    return StaffFactory(roles=["moderator"])


@pytest.fixture
def support(db):
    return StaffFactory(roles=["support"])


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def apply(moderator):
    def make(user, action, reason="We saw something unusual; a moderator is checking.", **kw):
        return enforcement_apply(user=user, action=action, reason=reason, actor=moderator, **kw)

    return make


@pytest.fixture(autouse=True)
def _jobs_run_in_place(eager_tasks):
    """Risk events are evaluated by background jobs; here they run where they are sent."""
