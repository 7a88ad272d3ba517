import shutil

import pytest
from channels.layers import channel_layers
from django.conf import settings
from django.core.cache import cache

from jiedan.config.celery import app
from jiedan.matching.selectors import _indexes as vector_indexes
from tests.factories import PASSWORD, StaffFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _remove_test_files():
    """Uploaded files of the whole run live in one temporary folder, removed at the end."""
    yield
    shutil.rmtree(settings.TEST_FILES_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and vector stamps live in the cache, and each process keeps its
    vectors in memory (``matching.selectors``); every test starts from zero. (Rolling a
    test back removes vectors without the removal notes a real removal leaves.)"""
    cache.clear()
    vector_indexes.clear()
    yield
    cache.clear()
    vector_indexes.clear()


@pytest.fixture(autouse=True)
def _fresh_channel_layers():
    """Each test gets its own channel-layer objects: a socket an earlier test left receiving
    when its event loop closed cannot leave receive state (bound to that loop) behind."""
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


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
