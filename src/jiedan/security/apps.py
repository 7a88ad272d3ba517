from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "jiedan.security"
    verbose_name = _("Account security")

    def ready(self):
        from . import receivers  # noqa: F401 - connects allauth's sign-in signal
