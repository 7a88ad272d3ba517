import shutil

import pytest
from django.conf import settings
from django.core.cache import cache

from jiedan.config.celery import app
from tests.factories import PASSWORD, StaffFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _remove_test_files():
    """Uploaded files of the whole run live in one temporary folder, removed at the end."""
    yield
    shutil.rmtree(settings.TEST_FILES_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_factory(db):
    def make(*roles):
        return StaffFactory(roles=list(roles))

    return make


@pytest.fixture
def eager_tasks():
    """Background jobs run where they are sent, also in the live server of browser tests (the
    default without ``REDIS_URL``; with it, a job would wait for a worker that tests do not
    run)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
