"""Reads for matching: ranking stored vectors against a query by cosine similarity.

Vectors of one kind live in a per-process ``VectorIndex`` (a numpy matrix), loaded once and
kept fresh through a version stamp in the shared cache that every write changes
(``services._changed``): while the stamp is the same, a search costs no query; when it
moved, new or changed rows are read incrementally, and a count that no longer matches the
table (something was removed) makes it reload. Ranking is exact (a matrix product and a
partial sort); callers narrow the candidates with SQL first and pass their ids.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from .encoders import text_encoder
from .models import Embedding, vector_from_bytes, version_of

DEFAULT_LIMIT = 200


@dataclass
class VectorIndex:
    """The vectors of one kind made by one encoder, by object id."""

    kind: str
    encoder: str
    dim: int
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    matrix: np.ndarray | None = None
    seen_until: datetime | None = None
    version: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _rows(self):
        return Embedding.objects.filter(kind=self.kind, encoder=self.encoder)

    def _load(self, rows) -> tuple[np.ndarray, np.ndarray, datetime | None]:
        ids, vectors, latest = [], [], None
        for object_id, data, updated in rows.values_list("object_id", "vector", "updated_at"):
            ids.append(object_id)
            vectors.append(vector_from_bytes(data))
            latest = updated if latest is None or updated > latest else latest
        matrix = np.vstack(vectors) if vectors else np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(ids, dtype=np.int64), matrix, latest

    def _merge(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        keep = ~np.isin(self.ids, ids)
        self.ids = np.concatenate([self.ids[keep], ids])
        self.matrix = np.vstack([self.matrix[keep], matrix])

    def refresh(self) -> None:
        """Bring the matrix in step with the table when the version stamp moved."""
        version = version_of(self.kind)
        if self.matrix is not None and version == self.version:
            return
        if self.matrix is None or self.seen_until is None:
            self.ids, self.matrix, self.seen_until = self._load(self._rows())
        else:
            ids, matrix, latest = self._load(self._rows().filter(updated_at__gte=self.seen_until))
            self._merge(ids, matrix)
            self.seen_until = max(filter(None, [latest, self.seen_until]))
            if self._rows().count() != len(self.ids):
                self.ids, self.matrix, self.seen_until = self._load(self._rows())
        self.version = version

    def top(self, query: np.ndarray, candidates: np.ndarray | None, limit: int):
        """(object id, similarity) best first, among ``candidates`` when given."""
        with self.lock:
            self.refresh()
            ids, matrix = self.ids, self.matrix
        if candidates is not None:
            chosen = np.isin(ids, candidates)
            ids, matrix = ids[chosen], matrix[chosen]
        if not len(ids):
            return []
        scores = matrix @ query
        count = min(limit, len(ids))
        best = np.argpartition(-scores, count - 1)[:count]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in best]


_indexes: dict[tuple[str, str], VectorIndex] = {}
_indexes_lock = threading.Lock()


def vector_index(kind: str) -> VectorIndex:
    """This process's index of ``kind`` for the active encoder."""
    encoder = text_encoder()
    with _indexes_lock:
        key = (kind, encoder.name)
        if key not in _indexes:
            _indexes[key] = VectorIndex(kind=kind, encoder=encoder.name, dim=encoder.dim)
        return _indexes[key]


def semantic_ranked(
    *, kind: str, query: str, candidate_ids: Iterable[int] | None = None, limit=DEFAULT_LIMIT
) -> list[tuple[int, float]]:
    """Objects of ``kind`` nearest in meaning to ``query``: (id, cosine similarity), best
    first; only among ``candidate_ids`` when given (an empty list ranks nothing)."""
    if not (query or "").strip():
        return []
    candidates = None if candidate_ids is None else np.fromiter(candidate_ids, dtype=np.int64)
    if candidates is not None and not len(candidates):
        return []
    vector = text_encoder().queries([query])[0]
    return vector_index(kind).top(vector, candidates, limit)


def stored_vector(*, kind: str, object_id: int) -> np.ndarray | None:
    """The object's vector under the active encoder, when it has one."""
    data = (
        Embedding.objects.filter(kind=kind, object_id=object_id, encoder=text_encoder().name)
        .values_list("vector", flat=True)
        .first()
    )
    return None if data is None else vector_from_bytes(data)


def nearest_to_vector(
    *, kind: str, vector: np.ndarray, limit: int = DEFAULT_LIMIT
) -> dict[int, float]:
    """The ``limit`` objects of ``kind`` nearest to ``vector``: {id: cosine similarity}."""
    return dict(vector_index(kind).top(vector, None, limit))
