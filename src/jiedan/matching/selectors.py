"""Reads for matching: ranking stored vectors against a query by cosine similarity.

Vectors of one kind live in a per-process ``VectorIndex`` (a numpy matrix), loaded once and
kept fresh through a version stamp in the shared cache that every write changes
(``services._changed``): while the stamp is the same, a search costs no query; when it moved,
the index reads the vectors written and the removals noted (``EmbeddingRemoval``) since its
last look, a few rows through an index whatever the size, and applies them in place.

Ranking is exact (a matrix product and a partial sort) below ``JIEDAN_ANN_MIN_VECTORS``
vectors. From there a ranking over all vectors, or over more candidates than
``EXACT_CANDIDATES``, first asks an approximate index (``ApproximateIndex``) for the ``fetch``
nearest ids and ranks those exactly, so only the membership of the list is approximate
(recall@20 and latency at 10k–1M vectors in ``bench/RESULTS-vectors.md``). The approximate
index is built in a background thread while rankings stay exact, follows every change after
that, and is rebuilt when the number of vectors has doubled or halved since it was built;
once it answers, the matrix keeps float16 (half the memory; similarities move by about 1e-3).
Callers narrow the candidates with SQL first and pass their ids.
"""

import math
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from .encoders import text_encoder
from .models import REMOVALS_TRUSTED, Embedding, EmbeddingRemoval, vector_from_bytes, version_of

DEFAULT_LIMIT = 200
LOAD_CHUNK = 5000  # rows read from the database per round trip
BLOCK = 65_536  # float16 rows widened to float32 at a time
# A row is stamped before its transaction commits, so a look may miss a row stamped just
# before it: each look reads again from this long before the previous one.
LOOK_OVERLAP = timedelta(seconds=30)
# Candidate sets up to this size are ranked exactly even above the threshold: gathering
# their rows costs less than the approximate search's setup (bench/RESULTS-vectors.md).
EXACT_CANDIDATES = 10_000
# The approximate answer holds this many ids (at least twice the limit) for the exact re-rank.
FETCH_MIN = 100
# IVF lists: about 4·√n of them (each trained on ≥ 39 vectors). A search scans the lists
# nearest to the query covering PROBED_SHARE of the vectors and at least PROBED_MIN of them:
# recall@20 ≥ 0.95 from 100k to 1M vectors on the benchmark's data (bench/RESULTS-vectors.md).
LISTS_PER_ROOT = 4
POINTS_PER_LIST = 39
PROBED_SHARE = 1 / 8
PROBED_MIN = 50_000
REBUILD_FACTOR = 2  # rebuild when the count grew or shrank by this factor since the build


class ApproximateIndex:
    """An inverted-file index (faiss ``IndexIVFScalarQuantizer``: k-means lists of 8-bit
    quantised vectors, a quarter of the float32 memory) keyed by object id. It proposes
    ids near a query; ``VectorIndex`` ranks them exactly."""

    def __init__(self, dim: int, ids: np.ndarray, matrix: np.ndarray):
        import faiss

        self.built_size = count = len(ids)
        lists = max(1, min(round(LISTS_PER_ROOT * math.sqrt(count)), count // POINTS_PER_LIST))
        self.index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dim), dim, lists, faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )  # fmt: skip
        self.index.cp.min_points_per_centroid = 1  # tiny indexes (tests) train without warnings
        self.index.set_direct_map_type(faiss.DirectMap.Hashtable)  # removal by id in O(1)
        sample = np.random.default_rng(count).choice(count, min(count, 64 * lists), replace=False)
        self.index.train(_widened(matrix[np.sort(sample)]))
        for start in range(0, count, BLOCK):
            block = slice(start, start + BLOCK)
            self.index.add_with_ids(_widened(matrix[block]), ids[block])
        self.probes = min(lists, math.ceil(lists * max(PROBED_SHARE, PROBED_MIN / count)))

    def apply(self, ids: np.ndarray, vectors: np.ndarray | None) -> None:
        """Take a change: new vectors for ``ids``, or (``vectors`` None) their removal."""
        self.index.remove_ids(ids)
        if vectors is not None:
            self.index.add_with_ids(_widened(vectors), ids)

    def nearest(self, query: np.ndarray, count: int, among: np.ndarray | None) -> np.ndarray:
        """About the ``count`` ids nearest to ``query``, only ids of ``among`` when given."""
        import faiss

        params = faiss.SearchParametersIVF(nprobe=self.probes)
        if among is not None:
            params.sel = faiss.IDSelectorBatch(among)
        _scores, found = self.index.search(_widened(query[None, :]), count, params=params)
        return found[0][found[0] >= 0]


class _Build:
    """A background build of the approximate index from a copy of the vectors, with the
    changes made after the copy, to replay before it takes over."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray):
        self.ids, self.matrix = ids, matrix
        self.changes: list[tuple[np.ndarray, np.ndarray | None]] = []  # (ids, vectors or None)
        self.done = threading.Event()


class VectorIndex:
    """The vectors of one kind made by one encoder, by object id.

    Rows ``[0, size)`` of ``matrix`` hold the vectors of ``ids`` (spare rows after them let
    additions append); ``_sorted_ids``/``_sorted_rows`` find the row of an id. Changes and
    rankings run under ``lock`` (rows change in place); a build runs outside it."""

    def __init__(self, *, kind: str, encoder: str, dim: int):
        self.kind, self.encoder, self.dim = kind, encoder, dim
        self.lock = threading.Lock()
        self.version: str | None = None
        self.looked_at: datetime | None = None
        self.approximate: ApproximateIndex | None = None
        self._build: _Build | None = None
        self._clear()

    def _clear(self) -> None:
        self.size = 0
        self.matrix: np.ndarray | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._sorted_ids = np.zeros(0, dtype=np.int64)
        self._sorted_rows = np.zeros(0, dtype=np.int64)

    @property
    def ids(self) -> np.ndarray:
        return self._ids[: self.size]

    # --- keeping in step with the table -----------------------------------------------------

    def refresh(self) -> None:
        """Bring the matrix in step with the table when the version stamp moved (under
        ``lock``). An index that has not looked for longer than removals are trusted to be
        kept reloads instead."""
        version = version_of(self.kind)
        if self.matrix is None or version != self.version:
            now = timezone.now()
            if self.looked_at is None or self.looked_at < now - REMOVALS_TRUSTED:
                self._reload()
            else:
                self._catch_up(since=self.looked_at - LOOK_OVERLAP)
            self.version, self.looked_at = version, now
        self._keep_approximate()

    def _rows(self):
        return Embedding.objects.filter(kind=self.kind, encoder=self.encoder)

    def _read(self, rows):
        """(ids, float32 vectors), chunk by chunk."""
        batch = []
        for row in rows.values_list("object_id", "vector").iterator(chunk_size=LOAD_CHUNK):
            batch.append(row)
            if len(batch) == LOAD_CHUNK:
                yield self._chunk(batch)
                batch = []
        if batch:
            yield self._chunk(batch)

    def _chunk(self, batch) -> tuple[np.ndarray, np.ndarray]:
        ids = np.fromiter((object_id for object_id, _data in batch), np.int64, len(batch))
        data = b"".join(bytes(data) for _id, data in batch)
        return ids, np.frombuffer(data, dtype="<f4").reshape(len(batch), self.dim)

    def _reload(self) -> None:
        self._clear()
        self.approximate, self._build = None, None
        count = self._rows().count()
        self._reserve(count, spare=count // 32)  # room for additions before the matrix grows
        for ids, vectors in self._read(self._rows()):
            self._append(ids, vectors, keep_sorted=False)
        order = np.argsort(self.ids, kind="stable")
        self._sorted_ids, self._sorted_rows = self.ids[order], order

    def _catch_up(self, *, since: datetime) -> None:
        """Drop what was removed, then write what was written, since ``since``. An object
        removed and given a vector again has its new row written after its removal, so it is
        read back as a write in the same look."""
        removed = EmbeddingRemoval.objects.filter(
            kind=self.kind, removed_at__gte=since
        ).values_list("object_id", flat=True)
        self._drop(np.fromiter(removed, np.int64))
        for ids, vectors in self._read(self._rows().filter(updated_at__gte=since)):
            self._put(ids, vectors)

    # --- rows by id ------------------------------------------------------------------------

    def _rows_of(self, ids: np.ndarray) -> np.ndarray:
        """The row of each id, -1 where there is none."""
        if not len(self._sorted_ids):
            return np.full(len(ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted_ids, ids), len(self._sorted_ids) - 1)
        return np.where(self._sorted_ids[at] == ids, self._sorted_rows[at], -1)

    def _reserve(self, rows: int, spare: int = 0) -> None:
        """Room for ``rows`` rows and at least ``spare`` more (rows never written take no
        memory), in the matrix's precision."""
        if self.matrix is not None and len(self.matrix) >= rows:
            return
        capacity = max(rows + spare, int(self.size * 1.25) + 64)
        dtype = np.float32 if self.matrix is None else self.matrix.dtype
        matrix = np.empty((capacity, self.dim), dtype=dtype)
        ids = np.empty(capacity, dtype=np.int64)
        if self.matrix is not None:
            matrix[: self.size], ids[: self.size] = self.matrix[: self.size], self.ids
        self.matrix, self._ids = matrix, ids

    def _append(self, ids: np.ndarray, vectors: np.ndarray, *, keep_sorted=True) -> None:
        self._reserve(self.size + len(ids))
        start, self.size = self.size, self.size + len(ids)
        self.matrix[start : self.size], self._ids[start : self.size] = vectors, ids
        if keep_sorted:
            order = np.argsort(ids, kind="stable")
            at = np.searchsorted(self._sorted_ids, ids[order])
            self._sorted_ids = np.insert(self._sorted_ids, at, ids[order])
            self._sorted_rows = np.insert(self._sorted_rows, at, start + order)

    def _put(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Write new or changed vectors: over their rows when known, appended when new."""
        rows = self._rows_of(ids)
        known = rows >= 0
        self.matrix[rows[known]] = vectors[known]
        self._append(ids[~known], vectors[~known])
        self._approximate_change(ids, vectors)

    def _drop(self, ids: np.ndarray) -> None:
        """Remove rows, moving the last rows into the holes so rows stay contiguous."""
        rows = _distinct(self._rows_of(ids))
        if not len(rows):
            return
        size = self.size - len(rows)
        holes = rows[rows < size]
        movers = np.setdiff1d(np.arange(size, self.size), rows, assume_unique=True)
        self.matrix[holes], self._ids[holes] = self.matrix[movers], self._ids[movers]
        self.size = size
        keep = ~np.isin(self._sorted_rows, rows)
        self._sorted_ids, self._sorted_rows = self._sorted_ids[keep], self._sorted_rows[keep]
        self._sorted_rows[np.searchsorted(self._sorted_ids, self._ids[holes])] = holes
        self._approximate_change(ids, None)

    # --- the approximate index -------------------------------------------------------------

    def _keep_approximate(self) -> None:
        """Have an approximate index exactly when there are enough vectors; start a build in
        the background when one is missing or the count moved by ``REBUILD_FACTOR``."""
        if self.size < max(1, settings.JIEDAN_ANN_MIN_VECTORS):
            self.approximate, self._build = None, None
            self._match_precision()
            return
        built = self.approximate.built_size if self.approximate else 0
        stale = not (built / REBUILD_FACTOR <= self.size <= built * REBUILD_FACTOR)
        if stale and self._build is None:
            self._build = _Build(self.ids.copy(), self.matrix[: self.size].astype(np.float16))
            worker = threading.Thread(target=self._build_in_background, args=(self._build,))
            worker.daemon = True  # a build never holds up the process's exit
            worker.start()

    def _build_in_background(self, build: _Build) -> None:
        """Build outside the lock; take over with the changes made meanwhile, unless a
        reload superseded this build (a failed build is tried again at the next refresh)."""
        approximate = None
        try:
            approximate = ApproximateIndex(self.dim, build.ids, build.matrix)
        finally:
            build.ids = build.matrix = None
            with self.lock:
                if self._build is build:
                    if approximate is not None:
                        for ids, vectors in build.changes:
                            approximate.apply(ids, vectors)
                        self.approximate = approximate
                        self._match_precision()
                    self._build = None
            build.done.set()

    def _match_precision(self) -> None:
        """float16 while the approximate index answers rankings over all vectors (they are
        re-ranked row by row: half the memory), float32 while exact full scans do (a float16
        scan is several times slower: numpy multiplies it without BLAS)."""
        wanted = np.float16 if self.approximate is not None else np.float32
        if self.matrix is not None and self.matrix.dtype != wanted:
            matrix = np.empty(self.matrix.shape, dtype=wanted)  # spare rows stay unwritten
            matrix[: self.size] = self.matrix[: self.size]
            self.matrix = matrix

    def _approximate_change(self, ids: np.ndarray, vectors: np.ndarray | None) -> None:
        if self._build is not None:
            self._build.changes.append((ids, vectors))
        if self.approximate is not None:
            self.approximate.apply(ids, vectors)

    def wait_for_build(self, timeout: float | None = None) -> bool:
        """Wait for a background build of the approximate index, if one is running; True
        when none is running any more."""
        build = self._build
        return build is None or build.done.wait(timeout)

    # --- ranking ---------------------------------------------------------------------------

    def top(self, query: np.ndarray, candidates: np.ndarray | None, limit: int):
        """(object id, similarity) best first, among ``candidates`` when given."""
        with self.lock:
            self.refresh()
            return self._ranked(query, self._proposed(query, candidates, limit), limit)

    def _proposed(self, query: np.ndarray, candidates: np.ndarray | None, limit: int):
        """The rows to rank exactly (sorted, None: all): the approximate index's proposal
        when it applies and finds enough, else every candidate's row."""
        count = self.size if candidates is None else len(candidates)
        if self.approximate is not None and (candidates is None or count > EXACT_CANDIDATES):
            fetch = max(FETCH_MIN, 2 * limit)
            found = self._rows_of(self.approximate.nearest(query, fetch, candidates))
            found = _distinct(found)
            if len(found) >= min(limit, count):
                return found
        if candidates is None:
            return None
        # sorted ids are found faster (the binary searches walk memory in order)
        return _distinct(self._rows_of(np.sort(candidates)))

    def _ranked(self, query: np.ndarray, rows: np.ndarray | None, limit: int):
        ids = self.ids if rows is None else self._ids[rows]
        if not len(ids):
            return []
        scores = self._scores(query, rows)
        count = min(limit, len(ids))
        best = np.argpartition(-scores, count - 1)[:count]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in best]

    def _scores(self, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """The similarity of ``query`` to each of ``rows`` (None: all), in float32."""
        if rows is not None:
            return _widened(self.matrix[rows]) @ query
        if self.matrix.dtype == np.float32:
            return self.matrix[: self.size] @ query
        blocks = range(0, self.size, BLOCK)
        return np.concatenate(
            [_widened(self.matrix[a : min(a + BLOCK, self.size)]) @ query for a in blocks]
        )


def _widened(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _distinct(rows: np.ndarray) -> np.ndarray:
    """Known rows (not -1), sorted (memory order gathers faster), each once."""
    rows = np.sort(rows[rows >= 0])
    return rows[np.concatenate(([True], rows[1:] != rows[:-1]))] if len(rows) else rows


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


# The kinds the search pages rank by meaning (their models' SEARCH_KIND).
SEARCHED_KINDS = ("project", "freelancer", "service")


def vectors_warm_up(query: str) -> None:
    """Load the encoder, with ``query`` through it, and the vector index of each searched
    kind (at a million rows, a load and a build of minutes)."""
    vector = text_encoder().queries([query])[0]
    for kind in SEARCHED_KINDS:
        vector_index(kind).top(vector, None, 1)


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
