from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavedSearchesConfig(AppConfig):
    name = "jiedan.savedsearches"
    verbose_name = _("Saved searches")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
