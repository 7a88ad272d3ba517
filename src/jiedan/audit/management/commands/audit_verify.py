from django.core.management.base import BaseCommand, CommandError

from jiedan.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check that the audit trail's hash chain is unbroken (exit 1 when it is not)."

    def handle(self, *args, **options):
        check = audit_chain_verify()
        if not check.intact:
            raise CommandError(
                f"Audit chain broken at entry {check.first_broken_id} "
                f"({check.entries} entries read)."
            )
        self.stdout.write(f"Audit chain intact: {check.entries} entries.")
