"""From ``JIEDAN_ANN_MIN_VECTORS`` vectors, rankings go through an approximate index (built in
the background) and are re-ranked exactly: on a small set the answer is the exact one, the
index follows additions, edits and removals made before and after it was built, large
candidate sets stay within the candidates, and recall@20 against brute force stays ≥ 0.95."""

import numpy as np
import pytest

from jiedan.matching.models import Embedding, vector_to_bytes, version_bump
from jiedan.matching.selectors import EXACT_CANDIDATES, VectorIndex
from jiedan.matching.services import embedding_remove

pytestmark = pytest.mark.django_db

KIND, ENCODER, DIM = "ann-test", "test-encoder", 32
BUILD_SECONDS = 60


def _vectors(count: int, seed: int = 1) -> np.ndarray:
    """Unit vectors around a few hundred centres, like texts about a few hundred topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, count // 40), DIM))
    rows = centres[rng.integers(0, len(centres), count)] + 0.4 * rng.standard_normal((count, DIM))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _store(vectors: np.ndarray, first_id: int = 1) -> np.ndarray:
    ids = np.arange(first_id, first_id + len(vectors))
    Embedding.objects.bulk_create(
        Embedding(
            kind=KIND, object_id=int(i), encoder=ENCODER, text_sha256="-", vector=vector_to_bytes(v)
        )
        for i, v in zip(ids, vectors, strict=True)
    )
    version_bump(KIND)
    return ids


def _change(object_id: int, vector: np.ndarray) -> None:
    embedding = Embedding.objects.get(kind=KIND, object_id=object_id)
    embedding.vector = vector_to_bytes(vector)
    embedding.save()
    version_bump(KIND)


def _remove(object_ids) -> None:
    for object_id in object_ids:
        embedding_remove(kind=KIND, object_id=object_id)
    version_bump(KIND)  # after commit in the service; these tests never commit


def _as_stored(vectors: np.ndarray) -> np.ndarray:
    """Vectors as an index at the threshold keeps them (float16), widened again."""
    return vectors.astype(np.float16).astype(np.float32)


def _brute_force(ids, vectors, query, limit, among=None) -> list[int]:
    if among is not None:
        chosen = np.isin(ids, among)
        ids, vectors = ids[chosen], vectors[chosen]
    scores = vectors @ query
    return [int(ids[i]) for i in np.argsort(-scores, kind="stable")[:limit]]


def _built_index(settings, minimum: int = 1) -> VectorIndex:
    settings.JIEDAN_ANN_MIN_VECTORS = minimum
    index = VectorIndex(kind=KIND, encoder=ENCODER, dim=DIM)
    index.top(np.ones(DIM, dtype=np.float32), None, 1)  # loads and starts the build
    assert index.wait_for_build(BUILD_SECONDS)
    assert index.approximate is not None
    return index


def _top_ids(index, query, limit=20, candidates=None) -> list[int]:
    return [object_id for object_id, _score in index.top(query, candidates, limit)]


def test_below_the_threshold_there_is_no_approximate_index(settings):
    # given fewer vectors than the threshold
    _store(_vectors(50))
    settings.JIEDAN_ANN_MIN_VECTORS = 51
    index = VectorIndex(kind=KIND, encoder=ENCODER, dim=DIM)
    # when ranking
    index.top(np.ones(DIM, dtype=np.float32), None, 5)
    # then nothing is built
    assert index.wait_for_build(0)
    assert index.approximate is None


def test_on_a_small_set_the_approximate_path_gives_the_exact_answer(settings):
    # given 400 vectors and an approximate index over them
    vectors = _vectors(400)
    ids = _store(vectors)
    index = _built_index(settings)
    stored = _as_stored(vectors)
    queries = _vectors(20, seed=2)
    for query in queries:
        # when ranking through the approximate index
        ranked = index.top(query, None, 20)
        # then the ids and similarities are the brute-force ones over the stored vectors
        assert [i for i, _s in ranked] == _brute_force(ids, stored, query, 20)
        expected = {int(i): float(v @ query) for i, v in zip(ids, stored, strict=True)}
        assert all(score == pytest.approx(expected[i], abs=1e-5) for i, score in ranked)
        # which are within 1e-3 of float32 ones
        assert all(
            score == pytest.approx(float(vectors[i - 1] @ query), abs=1e-3) for i, score in ranked
        )


def test_the_approximate_index_follows_additions_edits_and_removals(settings):
    # given an approximate index over 400 vectors
    vectors = _vectors(400)
    _store(vectors)
    index = _built_index(settings)
    query = _vectors(1, seed=3)[0]
    # when a vector is added and another one edited to be the query itself
    _store(_vectors(1, seed=4), first_id=1000)
    _change(7, query)
    # then both are found, the edited one first with similarity 1
    assert index.top(query, None, 1) == [(7, pytest.approx(1.0, abs=1e-3))]
    assert 1000 in index.ids
    # when it and others are removed
    _remove([7, 1000, *range(100, 200)])
    ranked = _top_ids(index, query, limit=400)
    # then none of them is ranked any more, by the exact or the approximate path
    assert not {7, 1000, *range(100, 200)} & set(ranked)
    assert len(ranked) == 299 == index.size == index.approximate.index.ntotal
    assert 7 not in index.approximate.nearest(query, 50, None)


def test_changes_made_while_the_index_builds_are_kept(settings):
    # given a build started in the background
    vectors = _vectors(3000)
    _store(vectors)
    settings.JIEDAN_ANN_MIN_VECTORS = 1
    index = VectorIndex(kind=KIND, encoder=ENCODER, dim=DIM)
    query = _vectors(1, seed=5)[0]
    index.top(query, None, 1)
    # when vectors change before it takes over
    _change(42, query)
    _remove([43])
    assert index.top(query, None, 1)[0][0] == 42
    assert index.wait_for_build(BUILD_SECONDS)
    # then the approximate index has them too
    assert index.approximate.nearest(query, 1, None).tolist() == [42]
    assert 43 not in index.approximate.nearest(vectors[42], 100, None)
    assert index.approximate.index.ntotal == index.size == 2999


def test_recall_at_20_against_brute_force_with_and_without_candidates(settings):
    # given 12,000 vectors behind the approximate index
    vectors = _vectors(12_000)
    ids = _store(vectors)
    index = _built_index(settings)
    rng = np.random.default_rng(6)
    among = rng.choice(ids, EXACT_CANDIDATES + 1000, replace=False)
    hits = {"all": 0, "candidates": 0}
    queries = _vectors(50, seed=7)
    for query in queries:
        # when ranking all vectors, and a candidate set too large to rank exactly
        everything = _top_ids(index, query)
        within = _top_ids(index, query, candidates=among)
        # then the candidate answer keeps to the candidates
        assert set(within) <= set(among.tolist())
        hits["all"] += len(set(everything) & set(_brute_force(ids, vectors, query, 20)))
        hits["candidates"] += len(set(within) & set(_brute_force(ids, vectors, query, 20, among)))
    # and recall@20 is at least 0.95 both ways
    assert hits["all"] / (20 * len(queries)) >= 0.95
    assert hits["candidates"] / (20 * len(queries)) >= 0.95


def test_small_candidate_sets_are_ranked_exactly(settings):
    # given an approximate index
    vectors = _vectors(2000)
    ids = _store(vectors)
    index = _built_index(settings)
    among = ids[::7]
    for query in _vectors(10, seed=8):
        # when ranking among a few candidates
        # then the answer is the brute-force one over those candidates
        assert _top_ids(index, query, candidates=among) == _brute_force(
            ids, _as_stored(vectors), query, 20, among
        )


def test_vectors_are_kept_in_half_precision_once_the_approximate_index_answers(settings):
    # given the same vectors under a threshold above and at their count
    _store(_vectors(100))
    query = _vectors(1, seed=9)[0]
    rankings = {}
    for threshold in (101, 100):
        settings.JIEDAN_ANN_MIN_VECTORS = threshold
        index = VectorIndex(kind=KIND, encoder=ENCODER, dim=DIM)
        # when each index loads them (exact full scans, float32) and builds what it needs
        index.top(query, None, 100)
        assert index.wait_for_build(BUILD_SECONDS)
        rankings[threshold] = dict(index.top(query, None, 100))
        # then below the threshold the matrix stays float32, and turns float16 at it
        assert index.matrix.dtype == (np.float32 if threshold == 101 else np.float16)
    # and the similarities differ by less than 1e-3
    assert rankings[101].keys() == rankings[100].keys()
    assert all(abs(rankings[101][i] - rankings[100][i]) < 1e-3 for i in rankings[101])


def test_an_index_that_shrinks_below_the_threshold_scans_in_full_precision_again(settings):
    # given an approximate index over 200 vectors, its matrix in float16
    _store(_vectors(200))
    index = _built_index(settings, minimum=150)
    assert index.matrix.dtype == np.float16
    # when more than a quarter of them are removed
    _remove(range(1, 61))
    index.top(np.ones(DIM, dtype=np.float32), None, 5)
    # then the approximate index is gone and the matrix is float32 again
    assert index.approximate is None and index.matrix.dtype == np.float32
    assert index.size == 140
