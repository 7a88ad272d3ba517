from django.core.management.base import BaseCommand

from jiedan.accounts.roles import matrix_markdown


class Command(BaseCommand):
    help = "Print the staff roles matrix as Markdown (the table in docs/ROLES.md)."

    def handle(self, *args, **options):
        self.stdout.write(matrix_markdown(), ending="")
