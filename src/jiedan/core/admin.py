"""Back-office building blocks shared by the apps' admin modules."""


class ReadOnlyMixin:
    """For a ModelAdmin or inline that only shows records: nobody adds, changes or deletes
    them from the back office (changes go through the services, corrections as new rows)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
