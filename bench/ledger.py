"""Benchmark of the money loop under concurrency: milestone fund-and-release journals per second
on PostgreSQL, as a ratio to ``pgbench``'s built-in TPC-B-like run on the same server in the
same run.

Drops and recreates the database of ``--database-url`` (its name must contain "bench") and
migrates it. Prepares ``--contracts`` active contracts of ``--milestones`` milestones each with
the test factories (``tests/``): a hired proposal, an offer and both acceptances through the
contract services, and the client's wallet topped up by the contract's total through the
sandbox payment provider and its signed webhook. Then ``--threads`` threads (in one process,
or spread over ``--processes`` forked ones, as a server's workers are), for ``--seconds``, each
take the next milestone and make the three service calls that move its money, as the web and
API views make them, each in its own transaction with the real row locks: ``milestone_fund``
(journal: wallet → escrow), ``milestone_submit`` (the freelancer delivers; no journal, but
approval needs it) and ``milestone_approve`` (journal: escrow → freelancer pending + platform
fee). Milestones are handed out position by position across the contracts, so two threads
rarely work on one contract at once. Then ``pgbench -i -s 10`` on a scratch database of the
same server (dropped afterwards) and ``pgbench -c <threads> -j 2 -T <seconds>``.

Prints and writes ``bench/RESULTS-ledger.md``: journals per second, pgbench's tps and the
ratio; p50 / p99 latency per call; lock waits seen on the server (``pg_stat_activity`` sampled
every 10 ms), deadlocks and retries; the statements of one fund, submit and approve; the
output of ``manage.py ledger_audit`` on the benchmark database; the machine.

Without ``--redis-url`` background jobs run in the process after commit, as in the embedded
default; with it (a Redis database for the benchmark alone: it is emptied before and after)
they are queued as in production and the live events go through Redis. Never part of the test
suite.

    .venv/bin/python bench/ledger.py
    .venv/bin/python bench/ledger.py --threads 8 --seconds 20 --contracts 200 \\
        --database-url postgres://postgres@127.0.0.1:5432/jiedan_bench_ledger \\
        --redis-url redis://127.0.0.1:6379/N --processes 2
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiedan_bench_ledger"
PGBENCH_SCALE = 10
SAMPLE_EVERY = 0.01  # seconds between two looks at the server's lock waits
RETRIES = 5
CALLS = ("fund", "submit", "approve")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="dropped and recreated")
    parser.add_argument("--threads", type=int, default=8, help="concurrent callers")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="processes the callers are spread over (2, as pgbench's -j 2 threads)",
    )
    parser.add_argument("--seconds", type=float, default=20, help="length of each timed run")
    parser.add_argument("--contracts", type=int, default=200, help="contracts to prepare")
    parser.add_argument("--milestones", type=int, default=20, help="milestones per contract")
    parser.add_argument("--redis-url", default="", help="queue jobs in this Redis database")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-ledger.md")
    args = parser.parse_args()
    if not 1 <= args.processes <= args.threads:
        parser.error("--processes must be from 1 to --threads")
    if not 1 <= args.milestones <= 20:
        parser.error("--milestones must be from 1 to 20 (the most a contract may have)")
    return args


# --- databases --------------------------------------------------------------------------------


def database_parts(url: str) -> tuple[str, str]:
    """(server URL of the maintenance database, database name) of a PostgreSQL URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("the ledger benchmark needs a PostgreSQL --database-url")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: a benchmark database has 'bench' in its name")
    return parts._replace(path="/postgres", query="").geturl(), name


def database_drop(admin_url: str, name: str, *, create_again: bool = False) -> None:
    import psycopg
    from psycopg import sql

    name = sql.Identifier(name)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if create_again:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def setup_django(url: str, redis_url: str) -> None:
    os.environ["DATABASE_URL"] = url
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    # Test settings: no debug query log, fast password hashing, secrets derived for a local run.
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiedan.config.settings.test"
    # The factories live in tests/; this folder's scripts must not shadow modules (http).
    sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR)]
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)  # one line per background job otherwise
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- preparation ------------------------------------------------------------------------------


def plan(count: int) -> tuple[tuple[str, str], ...]:
    """Milestones of 150.00 to 1,016.59 CNY (most commissions have cents)."""
    return tuple((f"Part {n}", str(Decimal("150.00") + Decimal("45.61") * n)) for n in range(count))


def prepare(contracts: int, milestones: int) -> list:
    """Active contracts whose clients have their total in the wallet, made through the services
    (the contract factories of the test suite) and paid in through the sandbox provider."""
    from tests.contracts.factories import active_contract
    from tests.payments.factories import top_up_paid

    made, started = [], time.perf_counter()
    for number in range(contracts):
        contract = active_contract(plan=plan(milestones))
        top_up_paid(contract.client, str(contract.terms.total), key=f"bench-{number}")
        made.append(contract.pk)
        if (number + 1) % 50 == 0 or number + 1 == contracts:
            rate = (number + 1) / (time.perf_counter() - started)
            print(f"  {number + 1:,} / {contracts:,} contracts ({rate:.1f}/s)", flush=True)
    return made


def work_queue(contract_ids: list[int]) -> list:
    """Every unfunded milestone of these contracts with its client and freelancer loaded (its
    own objects per milestone), position by position across the contracts."""
    from jiedan.contracts.models import Milestone

    return list(
        Milestone.objects.filter(contract_id__in=contract_ids, status="unfunded")
        .select_related("contract__client", "contract__freelancer")
        .order_by("position", "contract_id")
    )


# --- the timed run ----------------------------------------------------------------------------


def retryable(error: Exception) -> bool:
    """A refusal a client retries: the service's "try again", a deadlock, a serialisation
    failure."""
    from django.db import OperationalError

    from jiedan.core.errors import TryAgain

    if isinstance(error, TryAgain):
        return True
    cause = getattr(error, "__cause__", None)
    return isinstance(error, OperationalError) and getattr(cause, "sqlstate", "") in (
        "40P01",
        "40001",
    )


class Run:
    """What the callers record: latency per call, retries and failures, milestones done."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = {name: [] for name in CALLS}
        self.retries = Counter()
        self.failures = []
        self.milestones = 0

    def call(self, name: str, function) -> bool:
        for attempt in range(RETRIES):
            started = time.perf_counter()
            try:
                function()
            except Exception as error:
                if retryable(error) and attempt + 1 < RETRIES:
                    with self.lock:
                        self.retries[f"{name}: {type(error).__name__}"] += 1
                    continue
                with self.lock:
                    self.failures.append(f"{name}: {type(error).__name__}: {error}")
                return False
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latency[name].append(elapsed)
            return True
        return False

    def record(self) -> dict:
        return {
            "latency": self.latency,
            "retries": self.retries,
            "failures": self.failures,
            "milestones": self.milestones,
        }

    def add(self, record: dict) -> None:
        for name in CALLS:
            self.latency[name] += record["latency"][name]
        self.retries.update(record["retries"])
        self.failures += record["failures"]
        self.milestones += record["milestones"]


def milestone_loop(run: Run, milestone) -> None:
    """The three requests of one milestone, each its own transaction, as the views make them."""
    from jiedan.contracts import services

    client, freelancer = milestone.contract.client, milestone.contract.freelancer
    done = run.call(
        "fund", lambda: services.milestone_fund(client=client, milestone_id=milestone.pk)
    )
    done = done and run.call(
        "submit",
        lambda: services.milestone_submit(
            freelancer=freelancer, milestone_id=milestone.pk, message="The work is attached."
        ),
    )
    done = done and run.call(
        "approve", lambda: services.milestone_approve(client=client, milestone_id=milestone.pk)
    )
    if done:
        with run.lock:
            run.milestones += 1


class Shared:
    """What the callers share across processes: the next milestone's index, the start barrier,
    the deadline (monotonic clock, the same in every process) and whether the queue ran out."""

    def __init__(self, context, parties: int):
        self.next = context.Value("l", 0)
        self.deadline = context.Value("d", 0.0)
        self.barrier = context.Barrier(parties)
        self.exhausted = context.Event()

    def take(self, queue: list):
        with self.next.get_lock():
            index = self.next.value
            self.next.value += 1
        if index >= len(queue):
            self.exhausted.set()
            return None
        return queue[index]


def callers(queue: list, shared: Shared, threads: int, run: Run) -> None:
    """``threads`` callers in this process, from the barrier to the deadline."""
    from django.db import connection

    def caller():
        try:
            shared.barrier.wait()
            while time.monotonic() < shared.deadline.value:
                milestone = shared.take(queue)
                if milestone is None:
                    return
                milestone_loop(run, milestone)
        finally:
            connection.close()

    started = [threading.Thread(target=caller) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()


def caller_process(queue, shared, threads, results) -> None:
    run, cpu = Run(), time.process_time()
    callers(queue, shared, threads, run)
    results.put((run.record(), time.process_time() - cpu))


def timed_run(queue: list, threads: int, processes: int, seconds: float, waits):
    """The callers take milestones until ``seconds`` are over (each finishes the one in hand),
    ``threads`` of them spread over ``processes`` (forked after the preparation); ``waits``
    watches the server meanwhile. Returns the record, the wall time, whether the milestones
    ran out first and the CPU time the callers used."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    shared, run = Shared(context, threads + 1), Run()
    connections.close_all()  # a forked process opens its own
    if processes == 1:
        workers = [threading.Thread(target=callers, args=(queue, shared, threads, run))]
    else:
        results = context.Queue()
        workers = [
            context.Process(
                target=caller_process,
                args=(queue, shared, len(range(n, threads, processes)), results),
            )
            for n in range(processes)
        ]
    for worker in workers:
        worker.start()
    cpu = time.process_time()
    with waits:
        shared.deadline.value = time.monotonic() + seconds
        started = time.perf_counter()
        shared.barrier.wait()
        if processes == 1:
            workers[0].join()
            cpu = time.process_time() - cpu
        else:
            cpu = 0.0
            for _ in workers:
                record, used = results.get()
                run.add(record)
                cpu += used
            for worker in workers:
                worker.join()
        elapsed = time.perf_counter() - started
    return run, elapsed, shared.exhausted.is_set(), cpu


class LockWaits:
    """Samples the server's sessions on the benchmark database every 10 ms and remembers each
    statement seen waiting for a lock (a wait shorter than the interval can be missed)."""

    def __init__(self, url: str, name: str):
        self.url, self.name = url, name
        self.seen: dict[tuple, str] = {}
        self.samples = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stop.is_set():
                rows = connection.execute(
                    "SELECT pid, query_start, query FROM pg_stat_activity "
                    "WHERE datname = %s AND wait_event_type = 'Lock'",
                    [self.name],
                ).fetchall()
                self.samples += 1
                for pid, started, query in rows:
                    self.seen.setdefault((pid, started), query)
                time.sleep(SAMPLE_EVERY)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def by_statement(self) -> Counter:
        return Counter(statement_shape(query) for query in self.seen.values())


def statement_shape(sql: str) -> str:
    """A statement without its values: kind and table (``SELECT … FOR UPDATE ledger_account``)."""
    sql = " ".join(sql.split())
    verb = sql.split(" ", 1)[0].upper()
    table = re.search(r'(?:FROM|INTO|UPDATE) "?(\w+)"?', sql)
    locking = " … FOR UPDATE" if "FOR UPDATE" in sql.upper() else ""
    return f"{verb}{locking} {table.group(1) if table else ''}".strip()


def deadlocks(name: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = %s", [name])
        return cursor.fetchone()[0]


# --- statements per call ----------------------------------------------------------------------


def statements_of_one(milestone) -> dict[str, list[str]]:
    """The statements one fund, one submit and one approve send (on a milestone whose accounts
    other than its escrow exist already, as for most milestones)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiedan.contracts import services

    client, freelancer = milestone.contract.client, milestone.contract.freelancer
    calls = {
        "fund": lambda: services.milestone_fund(client=client, milestone_id=milestone.pk),
        "submit": lambda: services.milestone_submit(
            freelancer=freelancer, milestone_id=milestone.pk, message="The work is attached."
        ),
        "approve": lambda: services.milestone_approve(client=client, milestone_id=milestone.pk),
    }
    captured = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        captured[name] = [query["sql"] for query in queries.captured_queries]
    return captured


def statements_of_the_profiled(contract_id: int) -> dict[str, list[str]]:
    """The statements of the contract kept out of the timed run: its first milestone warms up
    (opens the freelancer's pending account), its second is counted."""
    milestones = work_queue([contract_id])
    if len(milestones) < 2:
        return {}
    statements_of_one(milestones[0])
    return statements_of_one(milestones[1])


def statement_summary(statements: list[str]) -> dict[str, int]:
    """Counts: all; the request's transaction (BEGIN to COMMIT), its savepoint bookkeeping and
    its row locks; what runs after the commit (live events, jobs run in place)."""
    begin = statements.index("BEGIN")
    commit = statements.index("COMMIT", begin)
    transaction = statements[begin : commit + 1]
    savepoint = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    return {
        "all": len(statements),
        "transaction": len(transaction),
        "savepoints": sum(sql.startswith(savepoint) for sql in transaction),
        "locks": sum("FOR UPDATE" in sql for sql in transaction),
        "after commit": len(statements) - commit - 1,
    }


# --- pgbench ----------------------------------------------------------------------------------


def pgbench(url: str, name: str, threads: int, seconds: float) -> tuple[float, str]:
    """``pgbench -i -s 10`` then the TPC-B-like run on the scratch database ``name``; returns
    tps (without the initial connection time) and pgbench's report."""
    parts = urlsplit(url)
    connect = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    connect += ["-U", parts.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    subprocess.run(
        ["pgbench", "-i", "-q", "-s", str(PGBENCH_SCALE), *connect, name],
        check=True,
        env=env,
        capture_output=True,
    )
    jobs = min(2, threads)
    result = subprocess.run(
        ["pgbench", "-c", str(threads), "-j", str(jobs), "-T", str(round(seconds)), *connect, name],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    return float(tps.group(1)), result.stdout


# --- report -----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def ledger_audit(url: str) -> tuple[int, str]:
    """``manage.py ledger_audit`` on the benchmark database, as an operator runs it."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = url
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "ledger_audit"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return result.returncode, (result.stdout + result.stderr).strip()


def machine() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        synchronous = cursor.fetchone()[0]
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    import django

    return {
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "PostgreSQL": f"{server} (synchronous_commit {synchronous}, same machine)",
        "Python / Django": f"{platform.python_version()} / {django.get_version()}",
        "load average before the run (1, 5, 15 min)": load,
    }


def main() -> None:
    args = parse_args()
    admin_url, name = database_parts(args.database_url)
    scratch = f"{name}_pgbench"
    print(f"Recreating {name} and migrating …", flush=True)
    database_drop(admin_url, name, create_again=True)
    if args.redis_url:
        redis_flush(args.redis_url)
    setup_django(args.database_url, args.redis_url)

    print(f"Preparing {args.contracts:,} contracts of {args.milestones} milestones …", flush=True)
    started = time.perf_counter()
    contract_ids = prepare(args.contracts + 1, args.milestones)
    preparation = time.perf_counter() - started
    statements = statements_of_the_profiled(contract_ids[-1])
    queue = work_queue(contract_ids[:-1])

    host = machine()
    print(f"Timed run: {args.threads} threads, {args.seconds:g} s …", flush=True)
    deadlocks_before = deadlocks(name)
    waits = LockWaits(args.database_url, name)
    run, elapsed, exhausted, cpu = timed_run(
        queue, args.threads, args.processes, args.seconds, waits
    )
    deadlocks_during = deadlocks(name) - deadlocks_before

    print("pgbench …", flush=True)
    database_drop(admin_url, scratch, create_again=True)
    try:
        tps, pgbench_report = pgbench(args.database_url, scratch, args.threads, args.seconds)
    finally:
        database_drop(admin_url, scratch)
    audit_code, audit_output = ledger_audit(args.database_url)
    if args.redis_url:
        redis_flush(args.redis_url)

    journals = 2 * run.milestones
    rate = journals / elapsed
    report = render(
        args=args,
        host=host,
        preparation=preparation,
        run=run,
        elapsed=elapsed,
        exhausted=exhausted,
        journals=journals,
        rate=rate,
        tps=tps,
        pgbench_report=pgbench_report,
        waits=waits,
        deadlocks_during=deadlocks_during,
        cpu=cpu,
        statements=statements,
        audit=(audit_code, audit_output),
    )
    print(report)
    args.output.write_text(report)
    print(f"Written to {args.output}")
    if audit_code != 0 or run.failures:
        sys.exit(1)


TPC_B_STATEMENTS = 5  # 3 UPDATEs, a SELECT and an INSERT, between BEGIN and END


def render(**r) -> str:
    args = r["args"]
    jobs = (
        "background jobs queued in Redis, as in production"
        if args.redis_url
        else "background jobs run in the process after commit, as in the embedded default"
    )
    lines = [
        "# Ledger: milestone journals per second against pgbench",
        "",
        f"Produced by `bench/ledger.py --threads {args.threads} --processes {args.processes} "
        f"--seconds {args.seconds:g} --contracts {args.contracts} --milestones {args.milestones}"
        f"`, {jobs}.",
        "",
        *result_lines(r),
        *contention_lines(r),
        *statement_lines(r["statements"]),
        *audit_lines(r["audit"]),
        *machine_lines(r),
    ]
    return "\n".join(lines)


def result_lines(r) -> list[str]:
    args, run, elapsed = r["args"], r["run"], r["elapsed"]
    ratio = r["rate"] / r["tps"]
    lines = [
        "## Result",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| milestones funded, submitted and approved | {run.milestones:,} in {elapsed:.1f} s |",
        f"| journals (fund + release) per second | {r['rate']:,.1f} |",
        f"| pgbench TPC-B-like tps (scale {PGBENCH_SCALE}, -c {args.threads} -j "
        f"{min(2, args.threads)}, -T {args.seconds:g}) | {r['tps']:,.1f} |",
        f"| **ratio journals/s ÷ pgbench tps** | **{ratio:.1%}** (goal 50 %) |",
        f"| service calls per second (3 per milestone) | {3 * run.milestones / elapsed:,.1f} |",
        f"| CPU used by the callers (Python, all threads) | {r['cpu'] / elapsed:.2f} cores |",
        "",
    ]
    if r["exhausted"]:
        lines += ["The milestones ran out before the time was up: raise `--contracts`.", ""]
    lines += ["| call | calls | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for name in CALLS:
        values = run.latency[name]
        lines.append(
            f"| {name} | {len(values):,} | {percentile(values, 0.5) * 1000:.1f} | "
            f"{percentile(values, 0.99) * 1000:.1f} |"
        )
    return [*lines, "", *why_lines(r), ""]


def why_lines(r) -> list[str]:
    counts = {name: statement_summary(sqls) for name, sqls in r["statements"].items()}
    if not counts:
        return []
    per_journal = sum(count["all"] for count in counts.values()) / 2
    inside = " + ".join(f"{count['transaction']}" for count in counts.values())
    return [
        f"Why: one milestone is three requests of {inside} statements from BEGIN to COMMIT "
        f"(fund, submit, approve) plus what runs after each commit, {per_journal:.0f} statements "
        f"per journal against TPC-B's {TPC_B_STATEMENTS} (and BEGIN, END), each built by the "
        "ORM in Python where pgbench sends fixed SQL text from C; and every release locks the "
        "one platform fee account of its currency, so releases queue on that row (see "
        "Contention).",
    ]


def contention_lines(r) -> list[str]:
    run, waits = r["run"], r["waits"]
    seen = waits.by_statement()
    return [
        "## Contention",
        "",
        f"- Statements seen waiting for a row lock ({waits.samples:,} looks at "
        f"`pg_stat_activity`, {SAMPLE_EVERY * 1000:.0f} ms apart; shorter waits are missed): "
        f"{sum(seen.values()):,}"
        + "".join(f"; {count:,} × `{shape}`" for shape, count in seen.most_common(6)),
        f"- Deadlocks: {r['deadlocks_during']}; retries: {sum(run.retries.values())}"
        + "".join(f"; {count} × {what}" for what, count in run.retries.items()),
        f"- Failed calls: {len(run.failures)}"
        + "".join(f"\n  - {failure}" for failure in run.failures[:10]),
        "",
    ]


def statement_lines(statements: dict[str, list[str]]) -> list[str]:
    lines = [
        "## Statements per call",
        "",
        "One fund, one submit and one approve, counted with `CaptureQueriesContext`, on a "
        "milestone whose wallet, pending and platform accounts exist (the fund opens its escrow "
        "account, as for every milestone):",
        "",
        "| call | all | BEGIN … COMMIT | of them savepoints | of them row locks | after commit |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, sqls in statements.items():
        count = statement_summary(sqls)
        lines.append(
            f"| {name} | {count['all']} | {count['transaction']} | {count['savepoints']} | "
            f"{count['locks']} | {count['after commit']} |"
        )
    for name, sqls in statements.items():
        lines += ["", f"<details><summary>{name}</summary>", "", "```"]
        lines += [" ".join(sql.split())[:150] for sql in sqls]
        lines += ["```", "", "</details>"]
    return [*lines, ""]


def audit_lines(audit: tuple[int, str]) -> list[str]:
    code, output = audit
    return [
        "## ledger_audit on the benchmark database",
        "",
        "```",
        output,
        f"(exit status {code})",
        "```",
        "",
    ]


def machine_lines(r) -> list[str]:
    return [
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in r["host"].items()],
        f"- preparation: {r['preparation']:.0f} s for {r['args'].contracts + 1:,} contracts",
        "",
        "<details><summary>pgbench</summary>",
        "",
        "```",
        r["pgbench_report"].strip(),
        "```",
        "",
        "</details>",
        "",
    ]


if __name__ == "__main__":
    main()
