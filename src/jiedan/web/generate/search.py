"""Search documents of generated freelancers and projects, with the tokens the search app
would store for the same text (``search.tokens.text_tokens``), computed faster.

``text_tokens`` segments the whole text with jieba, which costs most of a millisecond per
profile; a million profiles would spend a quarter of an hour there. But every token comes
from one piece of the text (a run of Chinese characters or one English word, see
``taxonomy.text.pieces``): the words of a piece do not depend on its neighbours, and the
Chinese bigrams are taken per run too. So ``DocumentTokens`` caches the tokens of each piece
and puts them together in the order ``text_tokens`` would: the words of all pieces first,
then the bigrams. Generated texts repeat their phrases, so nearly every piece is a cache hit.
The tests compare the result with ``text_tokens``.

Vectors (``matching.Embedding``) are not generated: ``bench/vectors.py`` covers them.
"""

from datetime import datetime

from jiedan.search.models import SearchDocument
from jiedan.search.tokens import text_tokens
from jiedan.taxonomy.lookup import TEXT_MAX_CHARS, taxonomy_index
from jiedan.taxonomy.text import is_cjk, pieces

from .writer import Ids, record

PIECE_CACHE_SIZE = 200_000


class DocumentTokens:
    """``document_tokens(text)`` is ``" ".join(text_tokens(text))``, from cached pieces, for
    the taxonomy as it was when this object was made."""

    def __init__(self):
        self._index = taxonomy_index()
        self._pieces: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def _piece_tokens(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(words, bigrams) of one piece, as ``text_tokens`` finds them."""
        found = self._pieces.get(piece)
        if found is None:
            if len(self._pieces) >= PIECE_CACHE_SIZE:
                self._pieces.clear()
            words = tuple(self._index.words(piece))
            grams: tuple[str, ...] = ()
            if is_cjk(piece):
                grams = tuple(piece[i : i + 2] for i in range(len(piece) - 1)) or (piece,)
            found = self._pieces[piece] = (words, grams)
        return found

    def __call__(self, text: str) -> str:
        if len(text) > TEXT_MAX_CHARS:  # the segmenter reads only the start: no shortcut
            return " ".join(text_tokens(text))
        words: list[str] = []
        grams: list[str] = []
        for piece in pieces(text):
            piece_words, piece_grams = self._piece_tokens(piece)
            words += piece_words
            grams += piece_grams
        tokens = dict.fromkeys(words)
        tokens.update(dict.fromkeys(grams))
        return " ".join(tokens)


def search_document(
    ids: Ids, tokens: DocumentTokens, *, kind: str, object_id: int, text: str, when: datetime
) -> SearchDocument:
    """The search document a sync of ``text`` writes; ``when`` is the moment of that sync."""
    return record(
        SearchDocument,
        id=ids.take(SearchDocument),
        kind=kind,
        object_id=object_id,
        tokens=tokens(text),
        updated_at=when,
    )
