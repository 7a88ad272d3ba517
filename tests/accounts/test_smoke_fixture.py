from jiedan.accounts.models import User


def test_user_factory_creates_verified_user_with_usable_password(user, password):
    assert User.objects.filter(pk=user.pk).exists()
    assert user.check_password(password)
    assert user.emailaddress_set.get().verified
