"""Writes to the search index. Domain apps call these after their own writes commit."""

from django.db import transaction

from .models import SearchDocument
from .tokens import text_tokens


@transaction.atomic
def search_document_put(*, kind: str, object_id: int, text: str) -> SearchDocument | None:
    """Index (or re-index) one object; text without any token removes it from the index."""
    tokens = " ".join(text_tokens(text))
    if not tokens:
        search_document_remove(kind=kind, object_id=object_id)
        return None
    document, _created = SearchDocument.objects.update_or_create(
        kind=kind, object_id=object_id, defaults={"tokens": tokens}
    )
    return document


def search_document_remove(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
