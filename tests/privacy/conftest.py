import pytest

from .helpers import person_with_everything


@pytest.fixture(autouse=True)
def _jobs_run_in_place(eager_tasks):
    """Exports are built by a background job; here it runs where it is sent."""


@pytest.fixture
def person(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return person_with_everything()
