"""Generated data for benchmarks and development: ``manage.py generate_data``.

A realistic, bilingual history of the marketplace over the past year at a chosen size:
clients and freelancers (accounts under ``GENERATED_DOMAIN``), projects from the skills
taxonomy with budgets in CNY and USD and on-site work in real cities, proposals, contracts
with milestones or weekly statements, the money of it all in the ledger, the parties'
messages, reviews, reputation snapshots and the search index. The rows are the ones the
services would have written for that history, written in bulk.

- ``plan``: sizes, proportions, the random streams and the fixed end of the history.
- ``people``, ``projects``, ``contracts`` (with ``milestones``, ``hourly``, ``messages``),
  ``reviews``: the stories; ``texts``: their words in both languages.
- ``money`` (with ``topups``): the ledger replay of the stories' money moves.
- ``search``: search documents.
- ``writer``: primary keys handed out ahead, rows written in batches.
- ``run``: one run; ``wipe``: removing everything generated.
"""

from .plan import GENERATED_DOMAIN, SIZES, Plan
from .run import GENERATED_PASSWORD, GenerationRefused, Report, generate
from .wipe import generated_wipe

__all__ = [
    "GENERATED_DOMAIN",
    "GENERATED_PASSWORD",
    "SIZES",
    "GenerationRefused",
    "Plan",
    "Report",
    "generate",
    "generated_wipe",
]
