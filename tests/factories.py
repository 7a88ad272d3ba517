"""factory_boy factories shared by every test package."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from jiedan.accounts.models import User
from jiedan.accounts.services import access_token_create

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary e-mail address, unless ``verified=False`` is passed."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class StaffFactory(UserFactory):
    """A staff member holding the roles named in ``roles=[...]``."""

    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


def bearer(user) -> dict:
    """Request headers that call the API as ``user`` with a new read-write access token."""
    issued = access_token_create(
        user=user, name="test", scopes=["read", "write"], expires_in_days=None
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
