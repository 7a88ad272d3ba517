"""Writes for matching: vectors (``embeddings``) and recommendations
(``recommendations``, imported from there: it depends on the proposals app, which depends on
the search index, which depends on ``embeddings``)."""

from .embeddings import (
    REFRESH_TASK,
    embedding_refresh,
    embedding_refresh_if_current,
    embedding_refresh_later,
    embedding_removals_purge,
    embedding_remove,
)

__all__ = [
    "REFRESH_TASK",
    "embedding_refresh",
    "embedding_refresh_if_current",
    "embedding_refresh_later",
    "embedding_removals_purge",
    "embedding_remove",
]
