import pytest
from django.test import Client

from jiedan.accounts.roles import Role
from tests.factories import UserFactory

from .factories import CategoryFactory, published_service


@pytest.fixture
def freelancer(db):
    return UserFactory(mode="freelancer")


@pytest.fixture
def buyer(db):
    return UserFactory()


@pytest.fixture
def category(db):
    return CategoryFactory()


@pytest.fixture
def service(freelancer):
    """A published three-tier service owned by ``freelancer``."""
    return published_service(owner=freelancer, tiers=3)


@pytest.fixture
def moderator(staff_factory):
    return staff_factory(Role.MODERATOR)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def freelancer_client(freelancer):
    return signed_in(freelancer)


@pytest.fixture
def buyer_client(buyer):
    return signed_in(buyer)
