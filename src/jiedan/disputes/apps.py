from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "jiedan.disputes"
    verbose_name = _("Disputes")

    def ready(self):
        from jiedan.ledger.audit import register_check

        from .audit import dispute_hold_problems, dispute_split_problems

        register_check(dispute_hold_problems)
        register_check(dispute_split_problems)
