from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "jiedan.trust"
    verbose_name = _("Trust and safety")

    def ready(self):
        from . import receivers  # noqa: F401  (sign-up and sign-in risk events)
