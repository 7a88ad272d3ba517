from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "jiedan.contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from jiedan.ledger.audit import register_check

        from .audit import milestone_escrow_problems, statement_escrow_problems

        register_check(milestone_escrow_problems)
        register_check(statement_escrow_problems)
