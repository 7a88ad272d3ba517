from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jiedan.accounts.demo import DEMO_PASSWORD
from jiedan.web.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Load bilingual demo data: clients, freelancers with profiles and published services, "
        "one staff user per role. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with production settings (never do this on a real site).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.JIEDAN_ENVIRONMENT == "production" and not allow_production:
            raise CommandError("Refusing to load demo accounts with production settings.")
        accounts, created = seed_demo()
        self.stdout.write(
            f"Demo data ready ({created} new accounts). Password for all: {DEMO_PASSWORD}"
        )
        for account in accounts:
            label = f"staff: {account.role}" if account.role else account.mode
            self.stdout.write(f"  {account.email:<38} {label:<18} {account.display_name}")
