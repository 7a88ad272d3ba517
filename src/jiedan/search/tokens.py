"""How text becomes search tokens, the same way for documents and for queries.

Words come from the taxonomy's segmenter (jieba, which knows every skill name and alias, and
English stems). Every run of Chinese characters in the raw text also yields all its character
bigrams, so matching does not hang on how jieba happened to cut a phrase: a search for 网站
finds a text that says 企业网站, whatever words the segmenter has learned.
"""

from jiedan.taxonomy.lookup import taxonomy_index
from jiedan.taxonomy.text import is_cjk, pieces

MAX_QUERY_TOKENS = 48


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def text_tokens(text: str) -> list[str]:
    """Distinct tokens of ``text`` in first-seen order: segmented words, then bigrams."""
    tokens: dict[str, None] = dict.fromkeys(taxonomy_index().words(text or ""))
    for run in pieces(text or ""):
        if is_cjk(run):
            tokens.update(dict.fromkeys(_bigrams(run) if len(run) > 1 else [run]))
    return list(tokens)


def query_tokens(text: str) -> list[str]:
    return text_tokens(text)[:MAX_QUERY_TOKENS]
