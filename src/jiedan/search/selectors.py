"""Full-text search over the index: ids of the best-matching objects of one kind.

Any query token may match (OR); ranking (bm25 on SQLite, ts_rank on PostgreSQL) puts the
objects that match more, and rarer, tokens first. Callers filter and page in SQL with
``pk__in`` and keep this order.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F

from .models import SearchDocument
from .tokens import query_tokens

DEFAULT_LIMIT = 1000


def search_ranked_ids(*, kind: str, query: str, limit: int = DEFAULT_LIMIT) -> list[int]:
    """Object ids of ``kind`` matching ``query``, best first (empty for an empty query)."""
    tokens = query_tokens(query)
    if not tokens:
        return []
    if connection.vendor == "postgresql":
        return _postgresql(kind, tokens, limit)
    return _sqlite(kind, tokens, limit)


def _postgresql(kind: str, tokens: list[str], limit: int) -> list[int]:
    query = SearchQuery(tokens[0], config="simple")
    for token in tokens[1:]:
        query |= SearchQuery(token, config="simple")
    return list(
        SearchDocument.objects.filter(kind=kind, vector=query)
        .annotate(rank=SearchRank(F("vector"), query))
        .order_by("-rank", "object_id")
        .values_list("object_id", flat=True)[:limit]
    )


def _sqlite(kind: str, tokens: list[str], limit: int) -> list[int]:
    match = " OR ".join('"' + token.replace('"', '""') + '"' for token in tokens)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.object_id FROM search_fts JOIN search_searchdocument d "
            "ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND d.kind = %s "
            "ORDER BY bm25(search_fts), d.object_id LIMIT %s",
            [match, kind, limit],
        )
        return [row[0] for row in cursor.fetchall()]
