"""The back office follows the roles matrix: who may open, change and grant what."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from jiedan.accounts import roles, services
from jiedan.accounts.models import PersonalAccessToken, User
from jiedan.accounts.selectors import access_token_by_secret
from tests.factories import StaffFactory, UserFactory


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _groups_of(user) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def _change_form_data(user, **overrides) -> dict:
    """What the user change form posts when saved as it is (plus ``overrides``)."""
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "mode": user.mode,
        "language": user.language,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def _role_id(name: str) -> str:
    return str(Group.objects.get(name=name).pk)


def _url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


# --- support --------------------------------------------------------------------------------


def test_support_opens_the_user_list_and_a_user_page_read_only(staff_factory, user):
    # given someone in support
    client = _signed_in(staff_factory("support"))
    # when they open the user list and a user's page
    listing = client.get("/admin/accounts/user/")
    page = client.get(_url(user))
    # then both open, the page without any editable field for roles
    assert listing.status_code == 200
    assert user.email in listing.content.decode()
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "groups" not in form.fields
    assert "is_staff" not in form.fields
    assert 'name="groups"' not in page.content.decode()


def test_support_cannot_grant_a_role(staff_factory):
    # given someone in support and an ordinary account
    client = _signed_in(staff_factory("support"))
    target = UserFactory()
    # when they post a change giving the account a role and staff status
    response = client.post(
        _url(target), _change_form_data(target, is_staff="on", groups=[_role_id("admin")])
    )
    # then it is refused and the account is unchanged
    assert response.status_code == 403
    target_now = User.objects.get(pk=target.pk)
    assert _groups_of(target) == set()
    assert target_now.is_staff is False


def test_support_cannot_grant_themself_a_role(staff_factory):
    support = staff_factory("support")
    client = _signed_in(support)
    response = client.post(
        _url(support), _change_form_data(support, groups=[_role_id("support"), _role_id("admin")])
    )
    assert response.status_code == 403
    assert _groups_of(support) == {"support"}


def test_support_sees_access_tokens_and_lockouts(staff_factory, user, issue_token):
    issue_token(user, name="phone")
    client = _signed_in(staff_factory("support"))
    tokens = client.get("/admin/accounts/personalaccesstoken/")
    assert tokens.status_code == 200
    assert "phone" in tokens.content.decode()
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_support_revokes_a_token_in_the_back_office(staff_factory, user, issue_token):
    # given someone's token
    issued = issue_token(user, name="phone")
    client = _signed_in(staff_factory("support"))
    # when support sets its revocation time
    response = client.post(
        f"/admin/accounts/personalaccesstoken/{issued.token.pk}/change/",
        {"revoked_at_0": "2026-01-01", "revoked_at_1": "00:00:00"},
    )
    # then it is revoked
    assert response.status_code == 302
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).revoked_at is not None


def test_a_revoked_token_cannot_be_brought_back_in_the_back_office(
    staff_factory, user, issue_token
):
    # given a revoked token (its secret may have leaked)
    issued = issue_token(user, name="leaked")
    services.access_token_revoke(user=user, token_id=issued.token.pk)
    revoked_at = PersonalAccessToken.objects.get(pk=issued.token.pk).revoked_at
    client = _signed_in(staff_factory("admin"))
    # when someone clears its revocation time in the back office
    client.post(
        f"/admin/accounts/personalaccesstoken/{issued.token.pk}/change/",
        {"revoked_at_0": "", "revoked_at_1": ""},
    )
    # then it stays revoked
    assert PersonalAccessToken.objects.get(pk=issued.token.pk).revoked_at == revoked_at
    assert access_token_by_secret(issued.secret) is None


def test_nobody_adds_access_tokens_in_the_back_office(staff_factory, db):
    client = _signed_in(staff_factory("admin"))
    response = client.post("/admin/accounts/personalaccesstoken/add/", {"name": "x"})
    assert response.status_code == 403
    assert not PersonalAccessToken.objects.exists()


# --- admin ----------------------------------------------------------------------------------


def test_admin_grants_a_role(staff_factory):
    # given an admin and an account
    client = _signed_in(staff_factory("admin"))
    target = UserFactory()
    # when the admin makes it staff in support
    response = client.post(
        _url(target), _change_form_data(target, is_staff="on", groups=[_role_id("support")])
    )
    # then the account holds the support role
    assert response.status_code == 302, response.context["adminform"].form.errors
    target = User.objects.get(pk=target.pk)
    assert target.is_staff
    assert _groups_of(target) == {"support"}
    assert roles.roles_of(target) == {"support"}


def test_admin_removes_a_role(staff_factory):
    client = _signed_in(staff_factory("admin"))
    target = StaffFactory(roles=["finance", "support"])
    response = client.post(_url(target), _change_form_data(target, groups=[_role_id("support")]))
    assert response.status_code == 302
    assert _groups_of(target) == {"support"}


def test_admin_can_only_choose_role_groups(staff_factory, user):
    # given a group that is not a role
    other = Group.objects.create(name="not a role")
    client = _signed_in(staff_factory("admin"))
    # when the admin opens a user page, and when they try to post that group
    page = client.get(_url(user))
    response = client.post(_url(user), _change_form_data(user, groups=[str(other.pk)]))
    # then only roles are offered and the other group is refused
    offered = set(
        page.context["adminform"].form.fields["groups"].queryset.values_list("name", flat=True)
    )
    assert offered == {"support", "finance", "moderator", "mediator", "admin"}
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert _groups_of(user) == set()


def test_admin_cannot_make_anyone_superuser(staff_factory):
    # given an admin (not a superuser)
    client = _signed_in(staff_factory("admin"))
    target = UserFactory()
    # when they post a change that ticks superuser
    response = client.post(_url(target), _change_form_data(target, is_superuser="on"))
    # then the field is ignored
    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).is_superuser is False


def test_admin_cannot_change_a_superuser_account(staff_factory):
    # given a superuser and an admin
    root = User.objects.create_superuser("root@example.com", "pw-123456789")
    client = _signed_in(staff_factory("admin"))
    # when the admin tries to take over the superuser's e-mail address or set its password
    change = client.post(_url(root), _change_form_data(root, email="attacker@example.com"))
    password = client.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": "new-pass-98765!", "password2": "new-pass-98765!"},
    )
    # then both are refused and the superuser is untouched
    assert change.status_code == 403
    assert password.status_code == 403
    root = User.objects.get(pk=root.pk)
    assert root.email == "root@example.com"
    assert root.check_password("pw-123456789")


def test_user_changelist_query_count_is_bounded(staff_factory, django_assert_max_num_queries):
    # given many accounts, some staff with roles
    client = _signed_in(staff_factory("admin"))
    UserFactory.create_batch(15)
    StaffFactory.create_batch(5, roles=["support"])
    client.get("/admin/accounts/user/")  # the first request records the session
    # when the list is opened
    with django_assert_max_num_queries(12):
        response = client.get("/admin/accounts/user/")
    # then it lists them in a bounded number of queries
    assert response.status_code == 200
    assert response.context["cl"].result_count == 21


def test_user_changelist_filters_by_role(staff_factory):
    client = _signed_in(staff_factory("admin"))
    finance = StaffFactory(roles=["finance"])
    former = UserFactory()
    former.groups.add(Group.objects.get(name="finance"))  # in the group but not staff
    response = client.get("/admin/accounts/user/", {"role": "finance"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [finance]


# --- other roles ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/accounts/user/", "/admin/accounts/personalaccesstoken/"])
def test_mediator_cannot_open_accounts(staff_factory, path):
    client = _signed_in(staff_factory("mediator"))
    assert client.get(path).status_code == 403


def test_mediator_cannot_open_a_user_page(staff_factory, user):
    client = _signed_in(staff_factory("mediator"))
    assert client.get(_url(user)).status_code == 403


@pytest.mark.parametrize("role", ["finance", "moderator", "mediator"])
def test_only_security_roles_see_access_tokens(staff_factory, user, issue_token, role):
    # given someone's token
    issued = issue_token(user, name="phone")
    client = _signed_in(staff_factory(role))
    # then the token admin is closed to this role, list and page alike
    assert client.get("/admin/accounts/personalaccesstoken/").status_code == 403
    page = client.get(f"/admin/accounts/personalaccesstoken/{issued.token.pk}/change/")
    assert page.status_code == 403
    # and it is not offered on the index
    assert "personalaccesstoken" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", ["finance", "moderator"])
def test_viewing_roles_cannot_change_accounts(staff_factory, role):
    client = _signed_in(staff_factory(role))
    target = UserFactory(display_name="Before")
    response = client.post(_url(target), _change_form_data(target, display_name="After"))
    assert response.status_code == 403
    assert User.objects.get(pk=target.pk).display_name == "Before"


def test_non_staff_is_sent_to_the_admin_login(user):
    client = _signed_in(user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_in_a_role_group_is_sent_to_the_admin_login(db):
    person = UserFactory()
    person.groups.add(Group.objects.get(name="admin"))
    response = _signed_in(person).get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_is_sent_to_the_admin_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- groups: nobody edits them --------------------------------------------------------------


def _superuser():
    return User.objects.create_superuser("root@example.com", "pw-123456789")


def test_admin_sees_roles_read_only(staff_factory):
    # given an admin
    client = _signed_in(staff_factory("admin"))
    group = Group.objects.get(name="support")
    # when they open the role list and a role
    listing = client.get("/admin/auth/group/")
    page = client.get(f"/admin/auth/group/{group.pk}/change/")
    # then both open, without any field to edit and without permissions
    assert listing.status_code == 200
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}
    assert 'name="permissions"' not in page.content.decode()


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_nobody_edits_a_role_groups_permissions(staff_factory, who):
    # given someone with the most powers
    actor = _superuser() if who == "superuser" else staff_factory("admin")
    client = _signed_in(actor)
    group = Group.objects.get(name="support")
    permission = Permission.objects.get(content_type__app_label="accounts", codename="change_user")
    # when they post permissions (and a new name) to the role
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": "support-plus", "permissions": [str(permission.pk)]},
    )
    # then it is refused and the role is unchanged
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == "support"
    assert not group.permissions.exists()


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_nobody_adds_or_deletes_roles(staff_factory, who):
    actor = _superuser() if who == "superuser" else staff_factory("admin")
    client = _signed_in(actor)
    group = Group.objects.get(name="mediator")
    assert client.post("/admin/auth/group/add/", {"name": "god"}).status_code == 403
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert set(Group.objects.values_list("name", flat=True)) == {
        "support",
        "finance",
        "moderator",
        "mediator",
        "admin",
    }


def test_support_cannot_see_roles(staff_factory):
    client = _signed_in(staff_factory("support"))
    assert client.get("/admin/auth/group/").status_code == 403


def test_role_list_counts_active_staff_members(staff_factory):
    client = _signed_in(staff_factory("admin"))
    StaffFactory.create_batch(2, roles=["finance"])
    StaffFactory(roles=["finance"], is_active=False)
    UserFactory().groups.add(Group.objects.get(name="finance"))
    response = client.get("/admin/auth/group/")
    members = {g.name: g.members for g in response.context["cl"].result_list}
    assert members["finance"] == 2
    assert members["admin"] == 1


# --- staff accounts and passwords ----------------------------------------------------------


def test_admin_cannot_grant_themself_another_role(staff_factory):
    # given an admin
    admin = staff_factory("admin")
    before = _groups_of(admin)
    # when they add the finance role to their own account
    data = _change_form_data(admin, groups=[_role_id("admin"), _role_id("finance")])
    _signed_in(admin).post(_url(admin), data)
    # then their roles are unchanged
    assert _groups_of(admin) == before


def test_admin_cannot_change_another_staff_members_email(staff_factory):
    # given an admin and a finance colleague
    admin, finance = staff_factory("admin"), staff_factory("finance")
    # when the admin changes the colleague's e-mail address
    data = _change_form_data(finance, email="taken-over@example.com")
    response = _signed_in(admin).post(_url(finance), data)
    # then the form saves (the field is read-only for them) and the address is unchanged
    assert response.status_code == 302
    assert User.objects.get(pk=finance.pk).email == finance.email


def test_admin_corrects_a_customers_email(staff_factory, user):
    # given an admin and an ordinary account
    admin = staff_factory("admin")
    # when the admin corrects the account's e-mail address
    response = _signed_in(admin).post(
        _url(user), _change_form_data(user, email="fixed@example.com")
    )
    # then it is saved
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).email == "fixed@example.com"


@pytest.mark.parametrize("role", ["admin", "support"])
def test_only_superusers_set_passwords_in_the_back_office(staff_factory, user, password, role):
    # given a staff member who may see accounts
    staff = staff_factory(role)
    url = f"/admin/accounts/user/{user.pk}/password/"
    # when they try to set someone's password
    client = _signed_in(staff)
    page = client.get(url)
    client.post(url, {"password1": "Fresh-pass-2026!", "password2": "Fresh-pass-2026!"})
    # then they are refused and the password is unchanged
    assert page.status_code == 403
    assert User.objects.get(pk=user.pk).check_password(password)


def test_superuser_sets_a_password(db, user):
    # given a superuser
    superuser = User.objects.create_superuser("root@example.com", "root-pass-2026!")
    url = f"/admin/accounts/user/{user.pk}/password/"
    # when they set a new password
    response = _signed_in(superuser).post(
        url,
        {
            "password1": "Fresh-pass-2026!",
            "password2": "Fresh-pass-2026!",
            "usable_password": "true",
        },
    )
    # then it is saved
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("Fresh-pass-2026!")
