"""Writes for matching: keeping each searchable object's vector in step with its text.

The search index is the single place that knows every searchable object's text
(``search.services.search_document_put``); it asks for a refresh here after its own write
commits, and the vector is computed in a background job (in-process when there is no
broker). Unchanged text under the same encoder is not encoded again, and a job whose text
is no longer what the search index holds (edited again, or removed, meanwhile) does nothing:
jobs may run out of order, the index is the truth.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from jiedan.core.jobs import enqueue_after_commit
from jiedan.search.models import SearchDocument
from jiedan.search.tokens import text_tokens

from ..encoders import text_encoder
from ..models import (
    REMOVALS_KEPT,
    Embedding,
    EmbeddingRemoval,
    vector_to_bytes,
    version_bump,
)

REFRESH_TASK = "jiedan.matching.tasks.embed_text"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def embedding_refresh(*, kind: str, object_id: int, text: str) -> Embedding | None:
    """Encode ``text`` as the object's vector now (nothing for empty text, which removes it)."""
    if not (text or "").strip():
        embedding_remove(kind=kind, object_id=object_id)
        return None
    encoder, digest = text_encoder(), _sha256(text)
    current = Embedding.objects.filter(kind=kind, object_id=object_id).first()
    if current and (current.encoder, current.text_sha256) == (encoder.name, digest):
        return current
    vector = encoder.passages([text])[0]
    embedding, _created = Embedding.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "encoder": encoder.name,
            "text_sha256": digest,
            "vector": vector_to_bytes(vector),
        },
    )
    _changed(kind)
    return embedding


def embedding_refresh_if_current(*, kind: str, object_id: int, text: str) -> Embedding | None:
    """``embedding_refresh`` when ``text`` is still the object's indexed text; else None."""
    indexed = (
        SearchDocument.objects.filter(kind=kind, object_id=object_id)
        .values_list("tokens", flat=True)
        .first()
    )
    if indexed is None:
        embedding_remove(kind=kind, object_id=object_id)
        return None
    if indexed != " ".join(text_tokens(text)):
        return None
    return embedding_refresh(kind=kind, object_id=object_id, text=text)


def embedding_refresh_later(*, kind: str, object_id: int, text: str) -> None:
    """Queue ``embedding_refresh`` for after the surrounding transaction commits."""
    enqueue_after_commit(REFRESH_TASK, (kind, object_id, text))


def embedding_remove(*, kind: str, object_id: int) -> None:
    """Delete the object's vector and note the removal for every process's index."""
    with transaction.atomic():
        if Embedding.objects.filter(kind=kind, object_id=object_id).delete()[0]:
            EmbeddingRemoval.objects.update_or_create(
                kind=kind, object_id=object_id, defaults={"removed_at": timezone.now()}
            )
            _changed(kind)


def embedding_removals_purge() -> int:
    """Forget removals older than ``REMOVALS_KEPT`` (every index has seen them, or reloads)."""
    cutoff = timezone.now() - REMOVALS_KEPT
    return EmbeddingRemoval.objects.filter(removed_at__lt=cutoff).delete()[0]


def _changed(kind: str) -> None:
    """Tell every process's index of ``kind`` to refresh, once this write is committed."""
    transaction.on_commit(lambda: version_bump(kind))
