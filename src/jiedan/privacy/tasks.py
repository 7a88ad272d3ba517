"""Background jobs for privacy. Each takes primary keys and is safe to run again."""

from celery import shared_task

from . import services


@shared_task
def build_data_export(export_id: int) -> None:
    """Write the archive of one requested export and tell its owner."""
    services.data_export_build(export_id=export_id)


@shared_task
def expire_data_exports() -> int:
    """Periodic (beat): delete archives older than their 7-day lifetime."""
    return services.data_exports_expire()


@shared_task
def scrub_identifiers(scrub_id: int) -> int:
    """Replace a deleted person's identifiers in every other text (slow on a big database)."""
    return services.identifiers_scrub(scrub_id=scrub_id)


@shared_task
def resume_identifier_scrubs() -> int:
    """Periodic (beat): send again the identifier replacements the queue lost."""
    return services.identifier_scrubs_resume()
