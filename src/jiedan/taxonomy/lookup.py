"""Free text in Chinese or English → the skills it talks about.

    skills_for_text(text="需要做个企业网站")  →  [SkillMatch(slug="website-development", …), …]

The public surface, for search, profiles, services and matching alike:

- ``skills_for_text(*, text, limit=10) -> list[SkillMatch]`` — best first, each with a
  ``score`` in (0, 1] and the ``term`` that matched; an exact match of the whole text with a
  name or alias scores 1.0 and always comes first. Empty or unrelated text gives ``[]``.
- ``taxonomy_index() -> SkillIndex`` — the current index, for callers that handle many texts
  (``index.match(text)``, ``index.units(text)``, ``index.words(text)``: the same segmentation
  the lookup uses, handy for full-text indexing).
- ``lookup_query_clean(text) -> str`` — the rule for a user-typed lookup (1–200 characters
  once trimmed), raising ``InvalidInput``.

How text is read. Text is normalised (NFKC, lower case), split into Chinese runs and English
words. Chinese runs are segmented by a private ``jieba.Tokenizer`` that has learnt every
Chinese name and alias of the taxonomy, so 网站建设 or 小红书代运营 come out as one unit;
English words lose their plural ``s``. Names and aliases go through the same steps, which turns
each of them into a key (``"logo设计"``, ``"web dev"``).

How a skill scores. Meaningful words of the text (no stop words, no single characters) weigh
by their rarity across skills (IDF); the text's *known* evidence is the sum over its words
that occur in the taxonomy at all. Three kinds of evidence:

1. The whole text equals a key: score 1.0 (``exact``).
2. A run of 1–6 consecutive units equals a key (or, for Chinese keys of three characters or
   more, appears inside the text): ``weight × (0.35 + 0.45 × coverage)``, where coverage is
   the part of the known evidence that the key's words account for (the part of the
   characters when the text has no known word), and weight is 1.0 for a name, 0.95 for an
   alias, times 0.85 when found only as a substring. The best such phrase counts.
3. Words shared with the skill's vocabulary (the units of its names and aliases and their
   Chinese sub-words, such as 合同 and 翻译 from 合同翻译): ``share`` is the part of the
   known evidence that this skill explains.

``score = phrase + (1 − phrase) × 0.4 × share``, below 1 unless exact; skills under 0.15 are
dropped; ties follow the taxonomy order. Inactive skills are never returned. The data does
much of the work: generic aliases (维修, 合同, "design" alone) would drown specific ones, so
the shipped file avoids them.

Freshness. The index is built from the database once per process and kept in memory. Every
call first reads a fingerprint — row count, highest id and latest ``updated_at`` of the
category, skill and alias tables, in one small query — and rebuilds when it differs from the
one the index was built from. That notices any change from any process (admin, loader,
shell), including deletions and rolled-back transactions, without signals or a shared cache;
only writes that bypass ``updated_at`` (``QuerySet.update()``) go unseen until the next change.
One rebuild runs at a time (a lock); callers that saw the same change wait for it, others
keep the index they have. The jieba dictionary loads once per process (about half a second)
and learns added or removed terms in place on later rebuilds.
"""

import logging
import math
import threading
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass

import jieba
from django.db import connection
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import InvalidInput
from jiedan.core.i18n import localized

from .models import Category, Skill, SkillAlias
from .text import english_stem, is_cjk, join_units, normalize_term, pieces

LOOKUP_MAX_CHARS = 200
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# Longer texts (a whole project description) are read up to here.
TEXT_MAX_CHARS = 10_000

MAX_PHRASE_UNITS = 6
NAME_WEIGHT = 1.0
ALIAS_WEIGHT = 0.95
SUBSTRING_FACTOR = 0.85
SUBSTRING_MIN_CHARS = 3
WORD_EVIDENCE_WEIGHT = 0.4
MIN_SCORE = 0.15

# Words that carry no skill on their own (in either language); they still count inside a
# phrase such as "homework help".
_STOPWORDS_TEXT = """
    a an the and or of for to in on at by with from into about as is are be been am it its
    i me my we us our you your he she they them their this that these those who what which
    need needs want wants looking look find someone somebody help please can could would
    will shall should do does make get fix some any new good best cheap fast urgent hi hello
    我 我们 你 您 他 她 它 的 地 得 了 和 与 及 或 或者 一个 个 做 帮 帮我 帮忙 需要 想 想要 找
    找人 找个 寻找 请 求 急 急需 有 吗 呢 吧 可以 能 能够 一下 一些 这个 那个 给 在 是 要 做个
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

logging.getLogger("jieba").setLevel(logging.WARNING)


@dataclass(frozen=True)
class SkillMatch:
    """One skill found in a text."""

    skill_id: int
    slug: str
    name_zh: str
    name_en: str
    category_slug: str
    score: float
    term: str
    exact: bool = False

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


@dataclass(frozen=True)
class _Skill:
    id: int
    slug: str
    name_zh: str
    name_en: str
    category_slug: str
    order: int


@dataclass(frozen=True)
class _Term:
    skill_id: int
    text: str
    weight: float
    chars: int
    words: frozenset[str]


class _Segmenter:
    """A private jieba tokenizer (never jieba's global one) that knows the taxonomy's
    Chinese terms. Loading jieba's dictionary takes about half a second, so it happens once
    per process, lazily; afterwards ``learn`` adds and forgets terms in place."""

    def __init__(self):
        self._tokenizer: jieba.Tokenizer | None = None
        self._learnt: set[str] = set()
        self._lock = threading.Lock()

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    self._tokenizer = tokenizer
        return self._tokenizer

    def learn(self, words: set[str]) -> None:
        """Make ``words`` segment as units; forget the ones learnt before and not listed now.
        Words jieba already knows keep their own frequency."""
        tokenizer = self.tokenizer
        with self._lock:
            for word in sorted(words - self._learnt):
                if not tokenizer.FREQ.get(word):
                    tokenizer.add_word(word)
                    self._learnt.add(word)
            for word in self._learnt - words:
                # del_word() would also touch jieba's module-wide HMM state; a zero
                # frequency alone makes the tokenizer ignore the word.
                tokenizer.FREQ[word] = 0
            self._learnt &= words

    def units(self, text: str) -> list[str]:
        units: list[str] = []
        for piece in pieces(text[:TEXT_MAX_CHARS]):
            if is_cjk(piece):
                units.extend(self.tokenizer.cut(piece, HMM=False))
            else:
                units.append(english_stem(piece))
        return units

    def words(self, units: Iterable[str], *, known: Container[str] = ()) -> list[str]:
        """Meaningful words of ``units``: no stop words or single characters, plus the
        Chinese sub-words jieba knows inside longer units (合同翻译 → 合同, 翻译) — except
        inside units that are ``known`` words themselves (小程序 stays one word)."""
        freq = self.tokenizer.FREQ
        found: dict[str, None] = {}
        for unit in units:
            if is_cjk(unit) and len(unit) > 2 and unit not in known:
                for size in (2, 3):
                    for i in range(len(unit) - size + 1):
                        gram = unit[i : i + size]
                        if gram != unit and freq.get(gram) and gram not in STOPWORDS:
                            found[gram] = None
            if len(unit) > 1 and unit not in STOPWORDS:
                found[unit] = None
        return list(found)


_segmenter = _Segmenter()


class SkillIndex:
    """An immutable snapshot of the active skills, their keys and their vocabulary."""

    def __init__(self, *, fingerprint: tuple, skills: list[_Skill], terms: dict[int, list]):
        self.fingerprint = fingerprint
        self._skills = {s.id: s for s in skills}
        self._phrases: dict[str, list[_Term]] = defaultdict(list)
        self._word_skills: dict[str, set[int]] = defaultdict(set)
        vocabulary: dict[int, set[str]] = defaultdict(set)
        _segmenter.learn(
            {
                piece
                for texts in terms.values()
                for text, _weight in texts
                for piece in pieces(text)
                if is_cjk(piece) and len(piece) > 1
            }
        )
        for skill_id, texts in terms.items():
            seen: set[str] = set()
            for text, weight in texts:
                units = _segmenter.units(text)
                key = join_units(units)
                if not key or key in seen:
                    continue
                seen.add(key)
                words = _segmenter.words(units)
                self._phrases[key].append(
                    _Term(skill_id, text, weight, len(key.replace(" ", "")), frozenset(words))
                )
                vocabulary[skill_id].update(words)
        for skill_id, words in vocabulary.items():
            for word in words:
                self._word_skills[word].add(skill_id)
        self._idf = {
            word: math.log(1 + len(self._skills) / len(ids))
            for word, ids in self._word_skills.items()
        }
        self._substring_keys = [
            key
            for key in self._phrases
            if len(key) >= SUBSTRING_MIN_CHARS and all(is_cjk(ch) for ch in key)
        ]

    def __len__(self) -> int:
        return len(self._skills)

    def units(self, text: str) -> list[str]:
        """``text`` as the lookup reads it: normalised units, Chinese segmented with the
        taxonomy's terms, English plurals stripped, punctuation dropped."""
        return _segmenter.units(text)

    def words(self, text: str) -> list[str]:
        """The meaningful words of ``text`` in order: its units without stop words or single
        characters, and the known Chinese words inside longer units that are not words of
        the taxonomy themselves. What the lookup weighs; usable for full-text indexing."""
        return _segmenter.words(self.units(text), known=self._idf)

    def match(self, text: str, *, limit: int = DEFAULT_LIMIT) -> list[SkillMatch]:
        """The skills ``text`` talks about, best first (scoring in the module docstring)."""
        units = self.units(text)
        if not units:
            return []
        text_key = join_units(units)
        words = [w for w in _segmenter.words(units, known=self._idf) if w in self._idf]
        known = sum(self._idf[w] for w in words)
        text_chars = len(text_key.replace(" ", ""))

        def coverage(term: _Term) -> float:
            if known and term.words:
                return sum(self._idf[w] for w in term.words if w in words) / known
            return term.chars / text_chars

        phrase: dict[int, tuple[float, _Term, bool]] = {}

        def consider(term: _Term, score: float, exact: bool = False) -> None:
            if term.skill_id not in phrase or score > phrase[term.skill_id][0]:
                phrase[term.skill_id] = (score, term, exact)

        for term in self._phrases.get(text_key, ()):
            consider(term, 1.0, exact=True)
        matched_keys = {text_key}
        for start in range(len(units)):
            for end in range(start + 1, min(len(units), start + MAX_PHRASE_UNITS) + 1):
                key = join_units(units[start:end])
                if key in matched_keys or key not in self._phrases:
                    continue
                matched_keys.add(key)
                for term in self._phrases[key]:
                    consider(term, term.weight * (0.35 + 0.45 * coverage(term)))
        for key in self._substring_keys:
            if key not in matched_keys and key in text_key:
                for term in self._phrases[key]:
                    score = term.weight * (0.35 + 0.45 * coverage(term))
                    consider(term, SUBSTRING_FACTOR * score)

        evidence: dict[int, list[str]] = defaultdict(list)
        for word in words:
            for skill_id in self._word_skills[word]:
                evidence[skill_id].append(word)

        results = []
        for skill_id in phrase.keys() | evidence.keys():
            best, term, exact = phrase.get(skill_id, (0.0, None, False))
            shared = evidence.get(skill_id, [])
            share = sum(self._idf[w] for w in shared) / known if known else 0.0
            score = 1.0 if exact else best + (1 - best) * WORD_EVIDENCE_WEIGHT * share
            if score < MIN_SCORE:
                continue
            skill = self._skills[skill_id]
            results.append(
                SkillMatch(
                    skill_id=skill_id,
                    slug=skill.slug,
                    name_zh=skill.name_zh,
                    name_en=skill.name_en,
                    category_slug=skill.category_slug,
                    score=round(score, 3),
                    term=term.text if term else " ".join(shared),
                    exact=exact,
                )
            )
        results.sort(key=lambda m: (-m.score, self._skills[m.skill_id].order))
        return results[: max(0, min(limit, MAX_LIMIT))]


_FINGERPRINT_COLUMNS = (
    "(SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table}),"
    " (SELECT MAX(updated_at) FROM {table})"
)
_index: SkillIndex | None = None
_index_lock = threading.Lock()


def _fingerprint() -> tuple:
    """Count, highest id and latest change of each taxonomy table, in one query."""
    columns = []
    for model in (Category, Skill, SkillAlias):
        table = connection.ops.quote_name(model._meta.db_table)  # from the model, not input
        columns.append(_FINGERPRINT_COLUMNS.format(table=table))
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        return tuple(cursor.fetchone())


def _build(fingerprint: tuple) -> SkillIndex:
    rows = (
        Skill.objects.filter(is_active=True)
        .order_by("category__position", "category_id", "id")
        .values_list("id", "slug", "name_zh", "name_en", "category__slug")
    )
    skills = [_Skill(*row, order=order) for order, row in enumerate(rows)]
    terms: dict[int, list[tuple[str, float]]] = {
        s.id: [(s.name_zh, NAME_WEIGHT), (s.name_en, NAME_WEIGHT)] for s in skills
    }
    aliases = SkillAlias.objects.filter(skill__is_active=True).order_by("id")
    for skill_id, text in aliases.values_list("skill_id", "text"):
        terms[skill_id].append((text, ALIAS_WEIGHT))
    return SkillIndex(fingerprint=fingerprint, skills=skills, terms=terms)


def taxonomy_index() -> SkillIndex:
    """The index for the taxonomy as it is now: one fingerprint query, plus two queries to
    rebuild when the taxonomy changed since the last call."""
    global _index
    fingerprint = _fingerprint()
    index = _index
    if index is not None and index.fingerprint == fingerprint:
        return index
    with _index_lock:
        if _index is None or _index.fingerprint != fingerprint:
            _index = _build(fingerprint)
        return _index


def skills_for_text(*, text: str, limit: int = DEFAULT_LIMIT) -> list[SkillMatch]:
    """The skills ``text`` (Chinese, English or both) talks about, best first; ``[]`` for
    empty or unrelated text. Empty text costs no query."""
    if not normalize_term(text):
        return []
    return taxonomy_index().match(text, limit=limit)


def lookup_query_clean(text: str | None) -> str:
    """A lookup typed by a person: trimmed, 1 to 200 characters, else ``InvalidInput``."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Type a few words to look up."), code="query_empty")
    if len(text) > LOOKUP_MAX_CHARS:
        raise InvalidInput(
            _("Use at most %(max)s characters.") % {"max": LOOKUP_MAX_CHARS},
            code="query_too_long",
        )
    return text
