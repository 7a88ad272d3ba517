"""Factories for the core app's records."""

import factory

from jiedan.core.models import IdempotencyState, IdempotentRequest
from tests.factories import UserFactory


class IdempotentRequestFactory(factory.django.DjangoModelFactory):
    """A claim on an idempotency key, still in progress unless told otherwise."""

    class Meta:
        model = IdempotentRequest

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    scope = "jiedan.piecework.api.task_publish"
    fingerprint = factory.Faker("sha256")
    state = IdempotencyState.IN_PROGRESS
