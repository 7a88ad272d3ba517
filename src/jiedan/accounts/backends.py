"""Authentication backend whose permissions come from staff roles only (see ``roles``)."""

from allauth.account.auth_backends import AuthenticationBackend

from . import roles


class RoleAwareAuthenticationBackend(AuthenticationBackend):
    """allauth's e-mail login, with permissions derived from the roles matrix.

    Permissions stored on users or groups in the database are deliberately ignored, so the
    matrix in code cannot be widened by a tick box in the back office.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(roles.permissions_of(user_obj))

    def get_all_permissions(self, user_obj, obj=None):
        return self.get_group_permissions(user_obj, obj)


def axes_username(request, credentials):
    """django-axes counts failures per e-mail (allauth passes ``email``, Django ``username``)."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or ""
    return value.strip().lower()
