"""``manage.py skilltests_load [file]``: load the shipped skill-test question banks."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from jiedan.verification.services import skill_test_bank_load

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "skilltests.json"


class Command(BaseCommand):
    help = "Load skill-test question banks, matched to taxonomy skills by slug (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DATA_FILE))

    def handle(self, *args, path, **options):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        report = skill_test_bank_load(data=data)
        for slug in report.missing_skills:
            self.stderr.write(self.style.WARNING(f"skipped: no skill with slug {slug!r}"))
        self.stdout.write(
            f"tests: {report.tests}, questions: {report.questions}, "
            f"questions retired: {report.retired_questions}"
        )
