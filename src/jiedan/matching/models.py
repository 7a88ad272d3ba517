"""Stored text vectors, one per searchable object and encoder."""

from uuid import uuid4

import numpy as np
from django.core.cache import cache
from django.db import models


class Embedding(models.Model):
    """The vector of one object's text (``kind`` as in the search index: project, service,
    freelancer), made by ``encoder``. ``text_sha256`` lets a refresh skip unchanged text."""

    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    encoder = models.CharField(max_length=40)
    text_sha256 = models.CharField(max_length=64)
    vector = models.BinaryField()  # float32, little-endian
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="embedding_once")]
        indexes = [models.Index(fields=["kind", "encoder"], name="embedding_kind_encoder")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} ({self.encoder})"

    def as_array(self) -> np.ndarray:
        return vector_from_bytes(self.vector)


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")


def _version_key(kind: str) -> str:
    return f"matching:embeddings:{kind}"


def version_of(kind: str) -> str:
    """The stamp of the current state of ``kind``'s vectors (shared by every process)."""
    return cache.get_or_set(_version_key(kind), lambda: uuid4().hex, timeout=None)


def version_bump(kind: str) -> None:
    """Mark ``kind``'s vectors changed, so every process's index refreshes."""
    cache.set(_version_key(kind), uuid4().hex, timeout=None)
