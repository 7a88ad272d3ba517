"""The full-text index finds Chinese and English text, ranks better matches first, and stays in
step with writes — on SQLite (FTS5) and PostgreSQL (tsvector + GIN) alike."""

import pytest

from jiedan.search.models import SearchDocument
from jiedan.search.selectors import search_ranked_ids
from jiedan.search.services import search_document_put, search_document_remove
from jiedan.search.tokens import text_tokens

pytestmark = pytest.mark.django_db

DOCUMENTS = {
    1: "需要做个企业网站，包括5个页面和内容后台",
    2: "微信小程序开发：餐厅点餐和会员积分",
    3: "Logo设计 for a tea shop, with brand colours",
    4: "Translate our product pages from Chinese to English",
    5: "上门维修空调，杭州西湖区",
}


@pytest.fixture
def indexed():
    for object_id, text in DOCUMENTS.items():
        search_document_put(kind="test", object_id=object_id, text=text)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("企业网站", 1),
        ("网站", 1),
        ("小程序", 2),
        ("logo", 3),
        ("tea shops", 3),
        ("translate product page", 4),
        ("空调维修", 5),
        ("点餐 小程序", 2),
    ],
)
def test_queries_find_the_right_document_first(indexed, query, first):
    assert search_ranked_ids(kind="test", query=query)[:1] == [first]


def test_nonsense_and_empty_queries_find_nothing(indexed):
    assert search_ranked_ids(kind="test", query="zzzqqq") == []
    assert search_ranked_ids(kind="test", query="  ，。!  ") == []


def test_more_matching_words_rank_higher(indexed):
    search_document_put(kind="test", object_id=6, text="企业网站 企业官网 网站建设 网站设计")
    ranked = search_ranked_ids(kind="test", query="企业网站 网站建设")
    assert ranked[0] == 6 and 1 in ranked


def test_reindexing_replaces_the_old_text(indexed):
    search_document_put(kind="test", object_id=3, text="Bakery menu illustration")
    assert 3 not in search_ranked_ids(kind="test", query="logo")
    assert search_ranked_ids(kind="test", query="bakery") == [3]
    assert SearchDocument.objects.filter(kind="test", object_id=3).count() == 1


def test_removed_and_emptied_documents_are_not_found(indexed):
    search_document_remove(kind="test", object_id=2)
    search_document_put(kind="test", object_id=5, text="!!!")
    assert search_ranked_ids(kind="test", query="小程序") == []
    assert search_ranked_ids(kind="test", query="空调") == []


def test_kinds_do_not_mix(indexed):
    search_document_put(kind="other", object_id=99, text="企业网站")
    assert 99 not in search_ranked_ids(kind="test", query="企业网站")
    assert search_ranked_ids(kind="other", query="企业网站") == [99]


def test_quotes_and_operators_in_queries_are_plain_text(indexed):
    for query in ['"logo', "logo OR NOT tea", "NEAR(logo tea)", "logo*", "a & b | !c"]:
        search_ranked_ids(kind="test", query=query)  # no database error


def test_tokens_include_chinese_bigrams_and_english_stems():
    tokens = text_tokens("企业网站 for online shops")
    assert "企业网站" in tokens and "网站" in tokens and "企业" in tokens
    assert "shop" in tokens and "shops" not in tokens


def test_matching_does_not_depend_on_what_the_segmenter_learned_later():
    # given a document indexed before the taxonomy learns a new Chinese term
    from jiedan.taxonomy.models import Skill, SkillAlias

    search_document_put(kind="test", object_id=42, text="企业官网开发，响应式")
    SkillAlias.objects.create(skill=Skill.objects.first(), text="企业官网")
    # when searching for a part of that new term
    # then the document is still found
    assert search_ranked_ids(kind="test", query="官网") == [42]
    assert search_ranked_ids(kind="test", query="企业官网") == [42]
