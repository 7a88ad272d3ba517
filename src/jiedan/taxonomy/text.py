"""Text rules shared by the loader, the admin and the lookup: how a term is normalised, how
text splits into Chinese runs and English words, and how an English word is reduced.

Pure functions without Django or jieba, so the data migration can use them safely.
"""

import re
import unicodedata

ALIAS_MAX_LENGTH = 80

# A hyphen inside an English word joins it: e-commerce → ecommerce, front-end → frontend.
_INNER_HYPHEN = re.compile(r"(?<=[a-z0-9])-(?=[a-z0-9])")
_SPACES = re.compile(r"\s+")
# Chinese runs (CJK unified ideographs and extension A) and English words (c++ and c# kept).
_PIECES = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+[+#]*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def normalize_term(text: str) -> str:
    """The canonical form of a term: NFKC (full-width → half-width), lower case, one space
    between words, no surrounding space. ``"  Ｗeb  Dev "`` → ``"web dev"``."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _SPACES.sub(" ", text).strip()


def pieces(text: str) -> list[str]:
    """Normalised text split into Chinese runs and English words, in order; punctuation and
    spaces only separate. ``"Logo设计, web-dev!"`` → ``["logo", "设计", "webdev"]``."""
    text = _INNER_HYPHEN.sub("", normalize_term(text))
    return _PIECES.findall(text)


def is_cjk(piece: str) -> bool:
    return bool(_CJK.match(piece))


def english_stem(word: str) -> str:
    """Plural stripping, applied alike to terms and to text: apps → app, companies → company,
    classes → class, boxes → box. Short words (ios, aws, css) are left alone."""
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


def join_units(units: list[str]) -> str:
    """Units glued back into a lookup key: a space between two English words, nothing
    otherwise, so ``["logo", "设计"]`` and ``"logo 设计"`` both give ``"logo设计"``."""
    key = ""
    previous = ""
    for unit in units:
        if key and not is_cjk(previous) and not is_cjk(unit):
            key += " "
        key += unit
        previous = unit
    return key
