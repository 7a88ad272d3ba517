"""``manage.py ledger_audit``: check the ledger's invariants; exit 1 with a report if one breaks."""

import sys

from django.core.management.base import BaseCommand

from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Account, Journal


class Command(BaseCommand):
    help = "Check that the ledger balances; exits non-zero and lists every problem if not."

    def handle(self, *args, **options):
        problems = ledger_audit()
        summary = f"{Journal.objects.count()} journals, {Account.objects.count()} accounts"
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"Ledger audit passed: {summary}."))
            return
        self.stderr.write(self.style.ERROR(f"Ledger audit FAILED ({summary}):"))
        for problem in problems:
            self.stderr.write(f"  {problem.check}: {problem.detail}")
        sys.exit(1)
