"""Writes of the assistants: giving completed deals their vectors.

A deal's text hardly changes once the contract is completed, so a deal is embedded once per
encoder: the hourly ``tasks.embed_completed_deals`` job takes the deals that have no vector
from the active encoder yet, a bounded batch at a time (after switching encoders, every deal
is embedded again, batch by batch); ``manage.py embed_deals`` runs batches until none is left.
"""

from ..encoders import text_encoder
from ..services import embedding_refresh
from .deals import DEAL_KIND, deal_texts, deals_without_vectors

DEAL_BATCH = 500


def deals_embed_missing(*, limit: int = DEAL_BATCH) -> int:
    """Embed up to ``limit`` deals that have no vector from the active encoder; how many."""
    ids = deals_without_vectors(encoder_name=text_encoder().name, limit=limit)
    texts = deal_texts(contract_ids=ids)
    for contract_id in ids:
        embedding_refresh(kind=DEAL_KIND, object_id=contract_id, text=texts[contract_id])
    return len(ids)
