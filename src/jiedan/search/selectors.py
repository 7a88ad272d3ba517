"""Search over the index: ids of the best-matching objects of one kind.

Full text: any query token may match (OR); ranking (bm25 on SQLite, ts_rank on PostgreSQL)
puts the objects that match more, and rarer, tokens first. Hybrid: the full-text ranking
fused with the semantic one (``matching``) by reciprocal rank, so a need worded differently,
or in the other language, still finds what it means. Callers filter in SQL with ``pk__in``
and page in this order with ``RankedRows``. ``bench/relevance.py`` measures all three on a
labelled set.
"""

import json
from collections import defaultdict
from collections.abc import Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet

from jiedan.matching.encoders import text_encoder
from jiedan.matching.selectors import semantic_ranked, vectors_warm_up

from .models import SearchDocument
from .tokens import query_tokens

DEFAULT_LIMIT = 1000
# Reciprocal-rank fusion: an object's score is the sum of weight / (RRF_K + rank) over the
# lists it is in (full text weighs 1, the semantic list its encoder's ``rank_weight``). The
# paper's k of 60 (Cormack et al., 2009) treats both lists alike; measured on the relevance
# set, the OR full-text match often puts an incidental word first, and a small k with the
# semantic list weighted lets the meaning lead while agreeing words still lift an object.
RRF_K = 5
SEMANTIC_LIMIT = 200


def search_ranked_ids(*, kind: str, query: str, limit: int = DEFAULT_LIMIT) -> list[int]:
    """Object ids of ``kind`` matching ``query``, best first (empty for an empty query)."""
    tokens = query_tokens(query)
    if not tokens:
        return []
    if connection.vendor == "postgresql":
        return _postgresql(kind, tokens, limit)
    return _sqlite(kind, tokens, limit)


def search_warm_up() -> None:
    """Load what a process's first search would otherwise wait for: the Chinese word
    segmenter's dictionary and the taxonomy's words (``query_tokens``), the text encoder and
    the vector indexes. Each web process starts it in the background as it begins."""
    query = "网站开发 website"
    query_tokens(query)
    vectors_warm_up(query)


def semantic_hits(*, kind: str, query: str, limit: int = SEMANTIC_LIMIT) -> list[int]:
    """Ids of ``kind`` near ``query`` in meaning, best first: only those at least as similar
    as the active encoder's ``related_above`` (below it, everything is "somewhat similar")."""
    floor = text_encoder().related_above
    return [
        pk for pk, score in semantic_ranked(kind=kind, query=query, limit=limit) if score >= floor
    ]


def hybrid_ranked_ids(*, kind: str, query: str, limit: int = DEFAULT_LIMIT) -> list[int]:
    """Full-text and semantic hits fused by weighted reciprocal rank, best first (ties by id):
    every object either list found, so an exact word nobody's meaning matches still counts."""
    if not (query or "").strip():
        return []
    scores: dict[int, float] = defaultdict(float)
    for ranking, weight in (
        (search_ranked_ids(kind=kind, query=query, limit=limit), 1.0),
        (semantic_hits(kind=kind, query=query), text_encoder().rank_weight),
    ):
        for rank, pk in enumerate(ranking, start=1):
            scores[pk] += weight / (RRF_K + rank)
    return sorted(scores, key=lambda pk: (-scores[pk], pk))[:limit]


def search_matching_ids(*, kind: str, query: str, object_ids: list[int]) -> set[int]:
    """Which of ``object_ids`` (of ``kind``) match ``query`` the way ``search_ranked_ids``
    matches, without ranking or a limit: for checking a few known objects, such as a newly
    published project against saved searches."""
    tokens = query_tokens(query)
    if not tokens or not object_ids:
        return set()
    if connection.vendor == "postgresql":
        return set(
            SearchDocument.objects.filter(
                kind=kind, object_id__in=object_ids, vector=_postgresql_query(tokens)
            ).values_list("object_id", flat=True)
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.object_id FROM search_fts JOIN search_searchdocument d "
            "ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND d.kind = %s "
            "AND d.object_id IN (SELECT value FROM json_each(%s))",
            [_sqlite_match(tokens), kind, json.dumps([int(pk) for pk in object_ids])],
        )
        return {row[0] for row in cursor.fetchall()}


def _postgresql_query(tokens: list[str]) -> SearchQuery:
    query = SearchQuery(tokens[0], config="simple")
    for token in tokens[1:]:
        query |= SearchQuery(token, config="simple")
    return query


def _sqlite_match(tokens: list[str]) -> str:
    return " OR ".join('"' + token.replace('"', '""') + '"' for token in tokens)


def _postgresql(kind: str, tokens: list[str], limit: int) -> list[int]:
    query = _postgresql_query(tokens)
    return list(
        SearchDocument.objects.filter(kind=kind, vector=query)
        .annotate(rank=SearchRank(F("vector"), query))
        .order_by("-rank", "object_id")
        .values_list("object_id", flat=True)[:limit]
    )


def _sqlite(kind: str, tokens: list[str], limit: int) -> list[int]:
    match = _sqlite_match(tokens)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.object_id FROM search_fts JOIN search_searchdocument d "
            "ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND d.kind = %s "
            "ORDER BY bm25(search_fts), d.object_id LIMIT %s",
            [match, kind, limit],
        )
        return [row[0] for row in cursor.fetchall()]


class RankedRows(Sequence):
    """The rows of ``queryset`` (already narrowed to ``ranked``) in the order of ``ranked``,
    for a ``Paginator``: one query for the ids that pass the filters, then one per page for
    its rows. Ordering a thousand ids in SQL (a ``CASE`` per id) made the database sort every
    match on a long expression and plan the whole list twice (rows and count); this keeps the
    order in Python and asks the database only for indexed lookups. ``field`` is the column
    the ranked ids are of (``pk``, or ``user_id`` for profiles)."""

    def __init__(self, queryset: QuerySet, ranked: list[int], field: str = "pk"):
        self._queryset, self._field = queryset, field
        passing = set(queryset.order_by().values_list(field, flat=True))
        self._ids = [pk for pk in ranked if pk in passing]

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self):
        return iter(self[:])  # one query, not one per row

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self._ids[index]
        rows = self._queryset.filter(**{f"{self._field}__in": ids})
        by_id = {getattr(row, self._field): row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]
