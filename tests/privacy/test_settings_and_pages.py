"""Privacy settings (safe defaults, edits the profile's own fields), tiered disclosure of
contacts on running contracts only, the matching opt-out, the deletion page and API, and the
policy pages in both languages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.contracts.services import contract_pause
from jiedan.matching.recommend import listed_freelancers
from jiedan.privacy.models import PrivacySettings
from jiedan.privacy.selectors import privacy_settings_of, shared_contacts
from jiedan.privacy.services import privacy_settings_update
from jiedan.privacy.services.choices import PrivacyChoices
from jiedan.profiles import services as profiles
from jiedan.profiles.models import FreelancerProfile
from tests.contracts.factories import active_contract, offered_contract
from tests.factories import PASSWORD, UserFactory, bearer
from tests.profiles.helpers import details

pytestmark = pytest.mark.django_db
PHONE, WECHAT = "13700001111", "designer_wx"


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def freelancer_with_contacts(freelancer):
    profiles.freelancer_profile_update(user=freelancer, details=details())
    profiles.freelancer_contacts_update(
        user=freelancer, contacts=profiles.ContactDetails(phone=PHONE, wechat_id=WECHAT)
    )


def test_defaults_share_nothing_and_do_not_promote(user):
    chosen = privacy_settings_of(user=user)
    assert chosen.shared_fields == ()
    assert FreelancerProfile._meta.get_field("allow_promotion").default is False


def test_the_page_edits_the_profiles_own_visibility_and_promotion(user):
    profiles.freelancer_profile_update(user=user, details=details())
    with translation.override("en"):
        response = signed_in(user).post(
            url("privacy:settings"),
            {"visibility": "hidden", "allow_promotion": "on", "share_phone": "on"},
        )
    assert response.status_code == 302
    profile = FreelancerProfile.objects.get(user=user)
    assert (profile.visibility, profile.allow_promotion) == ("hidden", True)
    chosen = PrivacySettings.objects.get(user=user)
    assert chosen.shared_fields == ("phone",) and chosen.allow_recommendations is False


def test_the_counterpart_sees_only_the_chosen_contacts_while_the_contract_runs():
    # given
    contract = active_contract()
    freelancer_with_contacts(contract.freelancer)
    page = url("contracts:detail", contract.pk)
    with translation.override("en"):
        assert PHONE not in signed_in(contract.client).get(page).content.decode()
    # when the freelancer shares the phone only
    privacy_settings_update(user=contract.freelancer, choices=PrivacyChoices(share_phone=True))
    # then
    with translation.override("en"):
        html = signed_in(contract.client).get(page).content.decode()
    assert PHONE in html and WECHAT not in html
    api = f"/api/v1/privacy/contracts/{contract.pk}/contacts"
    assert [c["value"] for c in Client().get(api, **bearer(contract.client)).json()] == [PHONE]
    assert Client().get(api, **bearer(UserFactory())).status_code == 404
    assert shared_contacts(contract=contract, viewer=UserFactory()) == []
    assert (
        shared_contacts(contract=contract, viewer=contract.freelancer) == []
    )  # nothing of the client
    contract_pause(client=contract.client, contract_id=contract.pk)
    contract.refresh_from_db()
    with translation.override("en"):
        assert shared_contacts(contract=contract, viewer=contract.client) == [("Phone", PHONE)]


def test_an_offered_contract_discloses_nothing():
    contract = offered_contract()
    freelancer_with_contacts(contract.freelancer)
    privacy_settings_update(user=contract.freelancer, choices=PrivacyChoices(share_phone=True))
    assert shared_contacts(contract=contract, viewer=contract.client) == []


def test_switching_recommendations_off_takes_the_freelancer_out_of_matching(user):
    profiles.freelancer_profile_update(user=user, details=details())
    assert listed_freelancers().filter(user=user).exists()
    privacy_settings_update(user=user, choices=PrivacyChoices(allow_recommendations=False))
    assert not listed_freelancers().filter(user=user).exists()


def test_settings_through_the_api(user):
    headers = bearer(user)
    got = Client().get("/api/v1/privacy/settings", **headers).json()
    assert got["share_phone"] is False and got["visibility"] is None
    put = Client().put(
        "/api/v1/privacy/settings",
        data={"share_qq": True, "allow_recommendations": False},
        content_type="application/json",
        **headers,
    )
    assert put.status_code == 200 and put.json()["share_qq"] is True


@pytest.mark.parametrize("value", [1, 0, "true", "yes"])
def test_a_setting_that_is_not_a_json_boolean_is_refused_and_changes_nothing(user, value):
    # when a setting comes as a number or a word instead of true or false
    response = Client().put(
        "/api/v1/privacy/settings",
        data={"share_phone": value},
        content_type="application/json",
        **bearer(user),
    )
    # then it is a validation error on that setting, and nothing is stored
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == ["body", "payload", "share_phone"]
    assert not PrivacySettings.objects.filter(user=user).exists()


def test_the_deletion_page_explains_blockers_and_deletes_with_the_password():
    contract = active_contract()
    with translation.override("en"):
        blocked = signed_in(contract.client).get(url("privacy:delete")).content.decode()
    assert 'data-code="open_contracts"' in blocked and "What we keep" in blocked
    person = UserFactory()
    client = signed_in(person)
    with translation.override("en"):
        wrong = client.post(url("privacy:delete"), {"password": "nope", "confirm": "on"})
        assert wrong.status_code == 200
        done = client.post(url("privacy:delete"), {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert not person.is_active and person.email.endswith("@deleted.invalid")


def test_deletion_through_the_api():
    person = UserFactory()
    headers = bearer(person)
    state = Client().get("/api/v1/privacy/deletion", **headers).json()
    assert state == {"can_delete": True, "blockers": []}
    wrong = Client().post(
        "/api/v1/privacy/deletion", {"password": "x"}, content_type="application/json", **headers
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_password"
    done = Client().post(
        "/api/v1/privacy/deletion",
        {"password": PASSWORD},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200
    # the token went with the account
    assert Client().get("/api/v1/privacy/settings", **headers).status_code == 401


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_policy_and_terms_pages_in_both_languages_are_linked_from_the_footer(lang):
    with translation.override(lang):
        policy_url, terms_url = reverse("privacy:policy"), reverse("privacy:terms")
        policy = Client().get(policy_url)
        terms = Client().get(terms_url)
    assert policy.status_code == terms.status_code == 200
    html = policy.content.decode()
    assert policy_url in html and terms_url in html  # the footer links
    assert "7" in html  # the export lifetime


def test_policy_names_the_retention_periods_in_english():
    with translation.override("en"):
        html = Client().get(reverse("privacy:policy")).content.decode()
    for phrase in ("How long we keep it", "7 days", "30 days", "Who sees what", "Your rights"):
        assert phrase in html
