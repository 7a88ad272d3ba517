"""Writes to the search index. Domain apps call these after their own writes commit.

The index has two halves: the words (``SearchDocument``, kept in step at once) and the
meaning (``matching.Embedding``, a vector of the same text computed in a background job
after commit).
"""

from django.db import transaction

from jiedan.matching.services import embedding_refresh_later, embedding_remove

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
    embedding_refresh_later(kind=kind, object_id=object_id, text=text)
    return document


def search_document_remove(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
    embedding_remove(kind=kind, object_id=object_id)
