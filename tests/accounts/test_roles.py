"""The staff roles matrix: who may see and do what, and nothing granted from elsewhere."""

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from jiedan.accounts import roles
from jiedan.accounts.models import User
from tests.factories import StaffFactory, UserFactory

ROLES = ["support", "finance", "moderator", "mediator", "admin"]

# The matrix as the product defines it, written out by hand: capability → roles holding it.
EXPECTED = {
    "accounts.view": {"support", "finance", "moderator", "admin"},
    "accounts.manage": {"admin"},
    "accounts.security": {"support", "admin"},
    "roles.manage": {"admin"},
    "payments.view": {"finance"},
    "payouts.manage": {"finance"},
    "identity.view": {"moderator"},
    "verification.review": {"moderator"},
    "content.moderate": {"moderator"},
    "contracts.view": {"support"},
    "deliveries.view": set(),
    "notifications.view": {"support"},
    "messages.read": set(),
    "disputes.mediate_assigned": {"mediator"},
    "disputes.assign": {"admin"},
    "disputes.status": {"support"},
    "audit.view": {"admin"},
    "integrations.manage": {"admin"},
    "taxonomy.manage": {"moderator", "admin"},
}

EXPECTED_BY_ROLE = {role: {c for c, held in EXPECTED.items() if role in held} for role in ROLES}

# Django permissions each role must (✔) and must not (✘) end up with.
EXPECTED_PERMISSIONS = {
    "support": {
        "accounts.view_user": True,
        "accounts.change_user": False,
        "accounts.view_personalaccesstoken": True,
        "accounts.change_personalaccesstoken": True,
        "axes.delete_accessattempt": True,
        "auth.view_group": False,
        "auth.change_group": False,
        "socialaccount.change_socialapp": False,
        "contracts.view_contract": True,
        "contracts.view_delivery": False,
        "notifications.view_notification": True,
        "notifications.change_notification": False,
        "ledger.view_account": False,
        "messaging.view_safetyflag": False,
        "messaging.view_message": False,
        "disputes.view_dispute": True,
        "disputes.view_disputeoffer": False,
        "disputes.view_disputeevidence": False,
        "disputes.change_dispute": False,
        "audit.view_auditentry": False,
    },
    "finance": {
        "accounts.view_user": True,
        "accounts.change_user": False,
        "accounts.view_personalaccesstoken": False,
        "axes.view_accessattempt": False,
        "auth.view_group": False,
        "messaging.view_safetyflag": False,
        "messaging.view_message": False,
        "reviews.view_reviewreport": False,
        "trust.view_queueitem": False,
        "trust.change_enforcement": False,
    },
    "moderator": {
        "accounts.view_user": True,
        "accounts.change_user": False,
        "accounts.view_personalaccesstoken": False,
        "taxonomy.change_skill": True,
        "taxonomy.delete_skill": False,
        "verification.view_identitysubmission": True,
        "catalog.view_service": True,
        "messaging.view_safetyflag": True,
        "messaging.change_safetyflag": True,
        "messaging.view_message": False,
        "reviews.view_reviewreport": True,
        "reviews.change_reviewreport": True,
        "reviews.view_review": True,
        "reviews.delete_review": False,
        "trust.view_queueitem": True,
        "trust.view_enforcement": True,
        "trust.change_enforcement": False,
    },
    "mediator": {
        "disputes.view_dispute": False,
        "accounts.view_user": False,
        "accounts.view_personalaccesstoken": False,
        "account.view_emailaddress": False,
    },
    "admin": {
        "accounts.view_user": True,
        "accounts.change_user": True,
        "accounts.add_user": False,
        "accounts.delete_user": False,
        "auth.view_group": True,
        "auth.change_group": False,
        "auth.add_group": False,
        "socialaccount.add_socialapp": True,
        "accounts.change_personalaccesstoken": True,
        "audit.view_auditentry": True,
        "audit.change_auditentry": False,
        "audit.delete_auditentry": False,
    },
}


def test_expected_table_covers_every_capability_and_role():
    # a new capability or role must be placed in the table above before anything else passes
    assert set(EXPECTED) == set(roles.CAPABILITIES)
    assert roles.Role.values == ROLES


@pytest.mark.parametrize("capability", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_capability_matrix(staff_factory, role, capability):
    # given a staff member holding one role
    staff = staff_factory(role)
    # then they hold the capability exactly when the table says so
    assert roles.user_can(staff, capability) is (role in EXPECTED[capability])


@pytest.mark.parametrize(
    ("role", "perm", "granted"),
    [
        (role, perm, granted)
        for role, perms in EXPECTED_PERMISSIONS.items()
        for perm, granted in perms.items()
    ],
)
def test_role_django_permissions(staff_factory, role, perm, granted):
    staff = staff_factory(role)
    assert staff.has_perm(perm) is granted


def test_separation_that_must_hold(staff_factory):
    # the separations promised in docs/ROLES.md, spelled out
    support, finance, mediator, admin = (
        staff_factory(r) for r in ("support", "finance", "mediator", "admin")
    )
    assert not roles.user_can(support, "payments.view")
    assert not roles.user_can(support, "identity.view")
    assert not roles.user_can(finance, "messages.read")
    assert roles.capabilities_of(mediator) == {"disputes.mediate_assigned"}
    assert roles.user_can(admin, "roles.manage")
    assert not any(roles.user_can(staff_factory(r), "roles.manage") for r in ROLES if r != "admin")


def test_roles_combine(staff_factory):
    # given someone in support and finance
    staff = staff_factory("support", "finance")
    # then they hold the union, and nothing more
    assert roles.roles_of(staff) == {"support", "finance"}
    assert roles.capabilities_of(staff) == EXPECTED_BY_ROLE["support"] | EXPECTED_BY_ROLE["finance"]


def test_superuser_holds_every_capability_and_permission(db):
    # given a superuser without any role
    root = User.objects.create_superuser("root@example.com", "pw-123456789")
    # then every capability is theirs
    assert all(roles.user_can(root, c) for c in EXPECTED)
    assert root.has_perm("auth.change_group")


def test_inactive_superuser_holds_nothing(db):
    root = User.objects.create_superuser("root@example.com", "pw-123456789", is_active=False)
    assert roles.capabilities_of(root) == frozenset()
    assert not root.has_perm("accounts.view_user")


@pytest.mark.parametrize("role", ROLES)
def test_inactive_staff_with_a_role_holds_nothing(db, role):
    # given a deactivated staff member who still is in the group
    staff = StaffFactory(roles=[role], is_active=False)
    assert staff.groups.filter(name=role).exists()
    # then the role counts for nothing
    assert roles.roles_of(staff) == frozenset()
    assert roles.capabilities_of(staff) == frozenset()
    assert staff.get_all_permissions() == set()
    assert not staff.has_perm("accounts.view_user")


@pytest.mark.parametrize("role", ROLES)
def test_non_staff_with_a_role_holds_nothing(db, role):
    # given an ordinary account that was put in a role group
    person = UserFactory()
    person.groups.add(Group.objects.get(name=role))
    # then the role counts for nothing
    assert roles.roles_of(person) == frozenset()
    assert roles.capabilities_of(person) == frozenset()
    assert person.get_all_permissions() == set()
    assert not any(roles.user_can(person, c) for c in EXPECTED)


def test_groups_that_are_not_roles_count_for_nothing(db):
    staff = StaffFactory()
    staff.groups.add(Group.objects.create(name="superheroes"))
    assert roles.roles_of(staff) == frozenset()
    assert staff.get_all_permissions() == set()


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_permission_ticked_on_a_user_grants_nothing(db):
    # given a staff member without a role, with permissions ticked directly on them
    staff = StaffFactory()
    staff.user_permissions.add(
        _permission("accounts.change_user"), _permission("auth.change_group")
    )
    staff = User.objects.get(pk=staff.pk)  # no cached permissions
    # then none of them counts
    assert not staff.has_perm("accounts.change_user")
    assert not staff.has_perm("auth.change_group")
    assert staff.get_user_permissions() == set()
    assert staff.get_all_permissions() == set()


def test_permission_ticked_on_a_role_group_grants_nothing_beyond_the_matrix(db):
    # given the support group with an extra permission ticked on it
    Group.objects.get(name="support").permissions.add(_permission("accounts.change_user"))
    staff = User.objects.get(pk=StaffFactory(roles=["support"]).pk)
    # then support still cannot change accounts, but keeps what the matrix gives
    assert not staff.has_perm("accounts.change_user")
    assert staff.has_perm("accounts.view_user")


def test_permission_ticked_on_another_group_grants_nothing(db):
    group = Group.objects.create(name="editors")
    group.permissions.add(_permission("accounts.view_user"))
    person = UserFactory(is_staff=True)
    person.groups.add(group)
    person = User.objects.get(pk=person.pk)
    assert not person.has_perm("accounts.view_user")
    assert not person.has_module_perms("accounts")


def test_object_permissions_are_not_granted(staff_factory):
    admin = staff_factory("admin")
    other = UserFactory()
    assert not admin.has_perm("accounts.change_user", obj=other)


def test_unknown_capability_is_an_error(user):
    with pytest.raises(KeyError):
        roles.user_can(user, "payments.steal")


def test_the_five_role_groups_exist_after_migrations(db):
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


def test_role_groups_carry_no_database_permissions(db):
    # the migration creates bare groups: powers come from code only
    assert not Permission.objects.filter(group__name__in=ROLES).exists()


def test_roles_matrix_command_matches_the_documentation():
    # given the table in docs/ROLES.md between its markers
    text = (settings.BASE_DIR / "docs" / "ROLES.md").read_text(encoding="utf-8")
    start, end = "<!-- roles-matrix:start -->", "<!-- roles-matrix:end -->"
    assert start in text
    assert end in text
    documented = text.split(start, 1)[1].split(end, 1)[0].strip()
    # when the command prints the matrix
    out = io.StringIO()
    call_command("roles_matrix", stdout=out)
    # then both are the same table (run `manage.py roles_matrix` to refresh the docs)
    assert out.getvalue().strip() == documented


def test_roles_matrix_output_reflects_the_expected_table():
    # the generated table agrees with the hand-written one, row by row
    out = io.StringIO()
    call_command("roles_matrix", stdout=out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| `")]
    assert len(rows) == len(EXPECTED)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        capability = cells[0].strip("`")
        marks = cells[2:]
        assert {r for r, mark in zip(ROLES, marks, strict=True) if mark == "✔"} == EXPECTED[
            capability
        ]
