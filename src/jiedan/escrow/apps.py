from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscrowConfig(AppConfig):
    name = "jiedan.escrow"
    verbose_name = _("Escrow")
