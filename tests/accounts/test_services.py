import pytest
from django.core.exceptions import ValidationError

from jiedan.accounts import services
from jiedan.accounts.models import User
from jiedan.core.errors import InvalidInput
from tests.accounts.helpers import mode_of


@pytest.mark.parametrize("mode", ["freelancer", "client"])
def test_mode_switch_to_a_known_mode(user, mode):
    # given a client
    assert mode_of(user) == "client"
    # when they switch
    returned = services.user_mode_switch(user=user, mode=mode)
    # then the stored mode and the object in hand agree
    assert mode_of(user) == mode
    assert returned.mode == mode


def test_mode_switch_back_and_forth(user):
    # given a freelancer
    services.user_mode_switch(user=user, mode="freelancer")
    # when they switch back
    services.user_mode_switch(user=user, mode="client")
    # then they are a client again
    assert mode_of(user) == "client"


@pytest.mark.parametrize("mode", ["", "admin", "Freelancer", "staff"])
def test_mode_switch_to_an_unknown_mode_is_refused_and_changes_nothing(user, mode):
    # given a freelancer
    services.user_mode_switch(user=user, mode="freelancer")
    # when they ask for a mode that does not exist
    with pytest.raises(InvalidInput) as error:
        services.user_mode_switch(user=user, mode=mode)
    # then the error says so and the mode is unchanged
    assert error.value.code == "unknown_mode"
    assert error.value.status == 422
    assert mode_of(user) == "freelancer"
    assert user.mode == "freelancer"


@pytest.mark.parametrize("language", ["zh-hans", "en", ""])
def test_settings_update_saves_name_and_language(user, language):
    # when the person saves a name (with stray spaces) and a supported language
    services.user_settings_update(user=user, display_name="  李明  ", language=language)
    # then both are stored, the name trimmed
    user.refresh_from_db()
    assert user.display_name == "李明"
    assert user.language == language


@pytest.mark.parametrize("language", ["fr", "zh", "zh-hant", "EN", "xx"])
def test_settings_update_refuses_an_unsupported_language(user, language):
    # given saved settings
    services.user_settings_update(user=user, display_name="Emma", language="en")
    # when an unsupported language is chosen
    with pytest.raises(InvalidInput) as error:
        services.user_settings_update(user=user, display_name="Someone else", language=language)
    # then nothing changes
    assert error.value.code == "unsupported_language"
    stored = User.objects.get(pk=user.pk)
    assert (stored.display_name, stored.language) == ("Emma", "en")


def test_settings_update_refuses_a_name_longer_than_the_field(user):
    # given saved settings
    services.user_settings_update(user=user, display_name="Emma", language="en")
    # when the name is too long for the column
    with pytest.raises(ValidationError):
        services.user_settings_update(
            user=User.objects.get(pk=user.pk), display_name="x" * 81, language="en"
        )
    # then the stored name is unchanged
    assert User.objects.get(pk=user.pk).display_name == "Emma"
