"""manage.py seed_demo: bilingual demo accounts, one staff member per role, idempotent."""

import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from jiedan.accounts import roles
from jiedan.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from jiedan.accounts.models import User
from jiedan.projects.models import Project
from jiedan.proposals.models import Invitation, Proposal


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_creates_every_demo_account_once(db):
    # when the demo data is loaded twice
    first = _seed()
    count = User.objects.count()
    second = _seed()
    # then the accounts were created the first time only
    assert count == len(DEMO_ACCOUNTS)
    assert User.objects.count() == count
    assert EmailAddress.objects.count() == count
    assert f"({len(DEMO_ACCOUNTS)} new accounts)" in first
    assert "(0 new accounts)" in second


def test_seed_does_not_overwrite_an_existing_account(db):
    # given a demo account that someone already changed
    _seed()
    User.objects.filter(email="client.acme@demo.jiedan.local").update(display_name="Renamed")
    user = User.objects.get(email="client.acme@demo.jiedan.local")
    user.set_password("changed-password-123")
    user.save()
    # when the demo data is loaded again
    _seed()
    # then the change stays
    user.refresh_from_db()
    assert user.display_name == "Renamed"
    assert user.check_password("changed-password-123")


def test_one_staff_member_per_role_with_that_role_only(db):
    _seed()
    staff = User.objects.filter(is_staff=True)
    assert staff.count() == len(roles.Role.values)
    for role in roles.Role.values:
        member = staff.get(groups__name=role)
        assert roles.roles_of(member) == {role}
        assert not member.is_superuser


def test_clients_and_freelancers_are_not_staff(db):
    _seed()
    people = User.objects.filter(is_staff=False)
    assert people.count() == len(DEMO_ACCOUNTS) - len(roles.Role.values)
    assert set(people.values_list("mode", flat=True)) == {"client", "freelancer"}
    assert not people.filter(groups__isnull=False).exists()


def test_every_demo_address_is_verified_and_primary(db):
    _seed()
    for user in User.objects.all():
        address = EmailAddress.objects.get(user=user)
        assert address.email == user.email
        assert address.verified
        assert address.primary


def test_demo_accounts_use_both_languages_and_the_demo_password(db):
    _seed()
    assert set(User.objects.values_list("language", flat=True)) == {"zh-hans", "en"}
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.all())


def test_a_demo_account_can_sign_in_to_the_api(client, db):
    _seed()
    response = client.post(
        "/api/v1/auth/token",
        data=json.dumps(
            {
                "email": "freelancer.li@demo.jiedan.local",
                "password": DEMO_PASSWORD,
                "name": "demo",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201


def test_seed_refuses_production_settings(db, settings):
    # given production settings
    settings.JIEDAN_ENVIRONMENT = "production"
    # when the demo data is loaded
    with pytest.raises(CommandError):
        _seed()
    # then nothing was created
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


def test_seed_under_production_only_when_forced(db, settings):
    settings.JIEDAN_ENVIRONMENT = "production"
    _seed("--allow-production")
    assert User.objects.count() == len(DEMO_ACCOUNTS)


def test_seed_posts_open_projects_with_a_proposal_and_an_invitation(db):
    # when the demo data is loaded twice
    _seed()
    _seed()
    # then each demo client has open projects, once, with a proposal and an invitation to try
    assert Project.objects.filter(status="open").count() == 3
    proposal = Proposal.objects.get()
    assert proposal.milestones.count() == 3
    assert proposal.answers[0]["answer"]
    assert Invitation.objects.count() == 1
