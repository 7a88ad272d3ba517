from django.core.management.base import BaseCommand

from jiedan.catalog.services import service_search_rebuild
from jiedan.profiles.services import freelancer_search_rebuild
from jiedan.projects.services import project_search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (words, and vectors after commit) from the database."

    def handle(self, *args, **options):
        self.stdout.write(f"Services looked at: {service_search_rebuild()}")
        self.stdout.write(f"Projects looked at: {project_search_rebuild()}")
        self.stdout.write(f"Freelancers looked at: {freelancer_search_rebuild()}")
