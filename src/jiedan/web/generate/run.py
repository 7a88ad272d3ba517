"""One generation run, start to end (``generate``), and what it reports."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password
from django.db import connection

from jiedan.reputation.services import reputation_refresh

from .money import Ledger
from .people import generated_users, people_create
from .plan import Plan, Run
from .projects import Market, ProjectStory, first_posts, projects_plan
from .search import DocumentTokens
from .writer import WRITE_ORDER, Ids, Writer

GENERATED_PASSWORD = "jiedan-generated-2026"  # noqa: S105 (public benchmark credential)
REPUTATION_BATCH = 1000


class GenerationRefused(Exception):
    pass


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def generate(
    plan: Plan,
    *,
    seed: int,
    now: datetime,
    batch_size: int = 5000,
    log: Callable[[str], None] = lambda line: None,
) -> Report:
    """Generate ``plan``'s history ending at ``now`` from ``seed`` (see the package docstring)."""
    if generated_users(seed).exists():
        raise GenerationRefused(
            f"Data generated with seed {seed} is already here; wipe it first or use another seed."
        )
    report, started = Report(), time.perf_counter()
    run = Run(plan, seed, now.astimezone(UTC))
    run.load()
    run.ids, run.tokens = Ids(WRITE_ORDER), DocumentTokens()
    run.out = Writer(batch_size=batch_size, background=_may_write_in_background())
    # One hash for every account, salted from the seed: the same seed gives the same rows.
    password = make_password(GENERATED_PASSWORD, salt=f"jiedangenerated{seed}")

    def lap(name: str) -> None:
        nonlocal started
        run.out.flush()
        report.seconds[name] = time.perf_counter() - started
        log(
            f"  {name}: {report.seconds[name]:.1f} s, {run.out.total:,} rows so far "
            f"({run.out.seconds_writing:.1f} s writing in all)"
        )
        started = time.perf_counter()

    planned = projects_plan(run)
    freelancers, clients = people_create(run, password=password, first_posts=first_posts(planned))
    lap("people")
    ledger = Ledger(run)
    story = ProjectStory(run, ledger, Market(run, freelancers), run.rng("projects"))
    step = max(1, len(planned) // 10)
    for number, item in enumerate(planned, start=1):
        story.tell(item, clients[item.client])
        if number % step == 0:
            log(f"    {number:,} of {len(planned):,} projects")
    lap("projects, proposals, contracts, messages, reviews")
    ledger.post_all()
    run.out.close()
    ledger.shared_accounts_update()
    run.ids.sequences_reset()
    lap("ledger")
    if connection.vendor == "postgresql":
        _analyze()
        lap("statistics (ANALYZE)")
    report.counts = {model._meta.label: count for model, count in run.out.counts.items()}
    report.counts["reputation snapshots"] = _reputations(sorted(run.parties), run.now)
    lap("reputation of the contracts' parties")
    return report


def _may_write_in_background() -> bool:
    """On PostgreSQL the server works in its own process while Python makes the next rows
    (measured: 10-25 % faster; SQLite gains nothing). Not inside a transaction: a second
    connection would neither see its rows nor stay inside it."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _analyze() -> None:
    """Fresh planner statistics after the bulk load (autovacuum would gather them soon; the
    reputation queries right after need them)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _reputations(user_ids: list[int], now: datetime) -> int:
    """Reputation snapshots of everyone who took part in a contract, as the recompute job
    writes them (``reputation_refresh``). Everyone else's figures are a newcomer's, which
    the daily job writes when it next runs."""
    written = 0
    for start in range(0, len(user_ids), REPUTATION_BATCH):
        freelancers, clients = reputation_refresh(
            user_ids=user_ids[start : start + REPUTATION_BATCH], now=now
        )
        written += freelancers + clients
    return written
