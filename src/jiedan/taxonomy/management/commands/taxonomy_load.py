"""``manage.py taxonomy_load [--file PATH] [--dry-run]``: upsert the shipped taxonomy.

Idempotent; safe on every deploy. What it overwrites (names, positions, a skill's category)
and what it keeps (aliases and relations added by admins, ``is_active``, rows that are not in
the file) is described in ``jiedan.taxonomy.loading``. It never deletes: a skill dropped from
the product goes under ``retired`` in the file and is deactivated.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiedan.taxonomy.loading import DATA_FILE, TaxonomyDataError, read_taxonomy_file
from jiedan.taxonomy.services import taxonomy_load


class Command(BaseCommand):
    help = "Load categories, skills, aliases and relations from taxonomy.json (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE), help="taxonomy JSON to load")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            data = read_taxonomy_file(file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            with transaction.atomic():
                report = taxonomy_load(data=data)
                if dry_run:
                    transaction.set_rollback(True)
        except TaxonomyDataError as exc:
            raise CommandError("\n".join(["Nothing was loaded:", *exc.problems])) from exc
        prefix = "Would change" if dry_run else "Loaded"
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"{prefix}: {report}"))
        else:
            self.stdout.write("The taxonomy is up to date; nothing changed.")
