from django.core.management.base import BaseCommand

from jiedan.matching.assistants.services import DEAL_BATCH, deals_embed_missing


class Command(BaseCommand):
    help = (
        "Give every completed deal (fixed-price contract from a project) a vector for the "
        "pricing assistant, batch by batch, until none is left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=DEAL_BATCH)

    def handle(self, *args, batch: int, **options):
        total = 0
        while done := deals_embed_missing(limit=max(batch, 1)):
            total += done
        self.stdout.write(f"{total} deals embedded.")
