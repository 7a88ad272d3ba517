"""Throughput and latency of the main pages and API calls on the production process layout.

For each size (generated data: ``manage.py generate_data --size``), the script serves a
PostgreSQL database of that size with ``deploy/prod-local`` (gunicorn with uvicorn workers,
Redis, production settings) and drives it from wrk, a second process on loopback. Every
figure is also given as a ratio to the same server's floor, ``/healthz``: a trivial JSON
answer through the same stack (middleware, logging, metrics), measured in the same run.

    .venv/bin/python bench/pages.py                      # 10k and 100k
    .venv/bin/python bench/pages.py --sizes 10k 100k 1m --seconds 15

The databases (``jiedan_bench_pages_<size>``) are kept between runs and generated only when
missing; ``--regenerate`` makes them again. Writes ``bench/RESULTS-pages.md``.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = "postgres://postgres@127.0.0.1:5432"
PORT = 8003
REDIS_DB = "7"
RESULTS = ROOT / "bench" / "RESULTS-pages.md"
LUA = ROOT / "bench" / "wrk_report.lua"
# The goals of the benchmark: search and detail pages at half the floor's throughput or more,
# p99 within ten times p50, and full-text search over a million projects under 50 ms at p95.
GOAL_SHARE_OF_FLOOR = 0.5
GOAL_TAIL_FACTOR = 10
GOAL_SEARCH_P95_MS = 50
SAMPLES = r"""
import json
from django.conf import settings
from django.db.models import Count
from django.test import Client
from jiedan.accounts.models import User
from jiedan.messaging.models import Conversation
from jiedan.projects.models import Project

def session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value

from datetime import timedelta
from django.utils import timezone
# open for the whole run (the oldest open ones expire, and their pages answer 404, meanwhile)
project = (
    Project.objects.filter(status="open", expires_at__gt=timezone.now() + timedelta(days=1))
    .annotate(n=Count("proposals")).filter(n__gte=3).order_by("pk").first()
)
conversation = Conversation.objects.order_by("pk").first()
member = conversation.memberships.order_by("pk").first().user
freelancer = User.objects.filter(freelancer_profile__isnull=False).order_by("pk").first()
print(json.dumps({
    "cookie": settings.SESSION_COOKIE_NAME,
    "project": project.pk,
    "client_session": session_of(project.client),
    "conversation": conversation.pk,
    "member_session": session_of(member),
    "freelancer": freelancer.pk,
    "word_en": "logo",
    "word_zh": "网站",
}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", nargs="+", default=["10k", "100k"], choices=["10k", "100k", "1m"]
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per endpoint")
    parser.add_argument("--connections", type=int, default=8, help="wrk open connections")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args()


def run(command: list[str], env: dict | None = None, **kwargs) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, check=True, text=True,
        capture_output=True, **kwargs,
    )  # fmt: skip
    return result.stdout


def psql(sql: str, database: str = "postgres") -> str:
    return run(["psql", f"{SERVER}/{database}", "-tAc", sql]).strip()


def database_of(size: str) -> str:
    return f"jiedan_bench_pages_{size}"


def prod_env(size: str, workers: int) -> dict:
    return {
        "PROD_LOCAL_DB": database_of(size),
        "PROD_LOCAL_PORT": str(PORT),
        "PROD_LOCAL_REDIS_DB": REDIS_DB,
        "WEB_CONCURRENCY": str(workers),
    }


def ensure_data(size: str, seed: int, regenerate: bool) -> float | None:
    """Generate the size's database unless it is there; the seconds it took, or None."""
    name = database_of(size)
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608
    if exists and not regenerate:
        return None
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    env = {
        "DJANGO_SETTINGS_MODULE": "jiedan.config.settings.local",
        "DATABASE_URL": f"{SERVER}/{name}",
        "REDIS_URL": "",
    }
    started = time.perf_counter()
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "taxonomy_load"], env)
    run([PYTHON, "manage.py", "generate_data", "--size", size, "--seed", str(seed)], env)
    run(["psql", f"{SERVER}/{name}", "-qc", "VACUUM ANALYZE"])
    return time.perf_counter() - started


def server_env(size: str, workers: int) -> dict:
    """The environment ``deploy/prod-local env`` gives, as a dict."""
    exports = run(["deploy/prod-local", "env"], prod_env(size, workers))
    pairs = (line.removeprefix("export ").split("=", 1) for line in exports.splitlines())
    return dict(pairs)


def samples(size: str, workers: int) -> dict:
    output = run([PYTHON, "manage.py", "shell", "-c", SAMPLES], server_env(size, workers))
    return json.loads(output.strip().splitlines()[-1])


# A cookie the site does not know: the visitor's pages are rendered for them, never taken
# from the pages kept for visitors (jiedan.core.public_pages), so both costs are measured.
RENDERED = "rendered=1"


def endpoints(s: dict) -> list[tuple[str, str, str | None]]:
    """(name, path, cookie) of each measured request; the first is the floor. The public
    pages are measured as visitors get them (from the cache of public pages, as configured in
    production) and rendered (as for anyone signed in, or with the cache off)."""
    cookie = s["cookie"]
    client = f"{cookie}={s['client_session']}"
    member = f"{cookie}={s['member_session']}"
    public = [
        ("project search + filters", f"/en/projects/?q={s['word_en']}&budget_min=100"),
        ("project search (Chinese)", "/zh-hans/projects/?q=%E7%BD%91%E7%AB%99"),
        ("project detail", f"/en/projects/{s['project']}/"),
        ("freelancer search", f"/en/freelancers/?q={s['word_en']}"),
        ("profile page", f"/en/freelancers/{s['freelancer']}/"),
    ]
    return [
        ("floor: /healthz", "/healthz", None),
        *[(name, path, None) for name, path in public],
        *[(f"{name}, rendered", path, RENDERED) for name, path in public],
        ("proposal inbox", f"/en/proposals/inbox/{s['project']}/", client),
        ("conversation page", f"/en/messages/{s['conversation']}/", member),
        ("wallet", "/en/wallet/", client),
        ("API: project search", f"/api/v1/projects?q={s['word_en']}", None),
        ("API: project", f"/api/v1/projects/{s['project']}", None),
    ]


def wrk(path: str, cookie: str | None, args) -> dict:
    url = f"http://127.0.0.1:{PORT}{path}"
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    cookies = ["-b", cookie] if cookie else []
    warm = run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *cookies, url])
    output = run([
        "wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "-s", str(LUA),
        *headers, url,
    ])  # fmt: skip
    figures = json.loads(output.strip().splitlines()[-1])
    figures["status"] = warm
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def worker_memory_mb(size: str) -> list[float]:
    """Resident memory of each web worker process (the master's children)."""
    master = (ROOT / "var" / "prod-local" / str(PORT) / "web.pid").read_text().strip()
    children = run(["pgrep", "-P", master]).split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
        sizes.append(int(rss.split()[1]) / 1024)
    return sizes


def measure(size: str, args) -> dict:
    generated = ensure_data(size, args.seed, args.regenerate)
    env = prod_env(size, args.workers)
    run(["deploy/prod-local", "start"], env)
    try:
        found = samples(size, args.workers)
        rows = {}
        for name, path, cookie in endpoints(found):
            rows[name] = wrk(path, cookie, args)
            print(f"  {size} {name}: {rows[name]['rps']:.0f} req/s", flush=True)
        memory = worker_memory_mb(size)
    finally:
        run(["deploy/prod-local", "stop"], env)
    counts = {
        table: int(psql(f"SELECT count(*) FROM {table}", database_of(size)))  # noqa: S608
        for table in ("accounts_user", "projects_project", "proposals_proposal", "ledger_entry")
    }
    return {"size": size, "generated": generated, "rows": rows, "memory": memory, "counts": counts}


def machine() -> str:
    memory = next(
        line
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    gb = int(memory.split()[1]) / 1024 / 1024
    postgres = psql("SHOW server_version")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared: absolute figures are noise, "
        f"ratios in one run are not), {gb:.0f} GB RAM, Python {platform.python_version()}, "
        f"PostgreSQL {postgres}, {wrk_version.stdout.splitlines()[0].split(' [')[0]}"
    )


def ms(microseconds: int) -> str:
    return f"{microseconds / 1000:.1f}"


def size_table(result: dict) -> list[str]:
    floor = result["rows"]["floor: /healthz"]["rps"]
    lines = [
        "| request | status | req/s | share of floor | p50 (ms) | p95 | p99 | p99 / p50 | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["rows"].items():
        tail = row["p99"] / max(row["p50"], 1)
        errors = row["non_2xx_3xx"] + row["socket_errors"]
        lines.append(
            f"| {name} | {row['status']} | {row['rps']:.0f} | {row['rps'] / floor:.2f} | "
            f"{ms(row['p50'])} | {ms(row['p95'])} | {ms(row['p99'])} | {tail:.1f} | {errors} |"
        )
    return lines


def growth_table(results: list[dict]) -> list[str]:
    first = results[0]
    head = " | ".join(f"{r['size']} share of floor" for r in results)
    lines = [f"| request | {head} | p95 at {results[-1]['size']} / at {first['size']} |"]
    lines.append("|---|" + "---:|" * (len(results) + 1))
    for name in first["rows"]:
        shares = []
        for result in results:
            floor = result["rows"]["floor: /healthz"]["rps"]
            shares.append(f"{result['rows'][name]['rps'] / floor:.2f}")
        growth = results[-1]["rows"][name]["p95"] / max(first["rows"][name]["p95"], 1)
        lines.append(f"| {name} | {' | '.join(shares)} | ×{growth:.2f} |")
    return lines


def goals(results: list[dict]) -> list[str]:
    lines = []
    for result in results:
        rows, floor = result["rows"], result["rows"]["floor: /healthz"]["rps"]
        for name in (
            "project search + filters",
            "project detail",
            "project search + filters, rendered",
            "project detail, rendered",
        ):
            share = rows[name]["rps"] / floor
            verdict = "met" if share >= GOAL_SHARE_OF_FLOOR else "missed"
            lines.append(f"- {result['size']}, {name}: {share:.2f} of the floor ({verdict}).")
        tails = [n for n, r in rows.items() if r["p99"] > GOAL_TAIL_FACTOR * max(r["p50"], 1)]
        lines.append(
            f"- {result['size']}: p99 within {GOAL_TAIL_FACTOR}× p50 for "
            f"{len(rows) - len(tails)} of {len(rows)} requests"
            + (f" (not: {', '.join(tails)})." if tails else ".")
        )
        p95 = rows["project search + filters, rendered"]["p95"] / 1000
        if result["size"] == "1m":
            verdict = "met" if p95 < GOAL_SEARCH_P95_MS else "missed"
            lines.append(
                f"- 1m: project search p95 {p95:.1f} ms rendered (the full-text search runs), "
                f"goal {GOAL_SEARCH_P95_MS} ({verdict})."
            )
    return lines


def write(results: list[dict], args) -> None:
    lines = [
        "# HTTP throughput and latency on the production process layout",
        "",
        f"`bench/pages.py` on {date.today().isoformat()}: {machine()}. Web: gunicorn with "
        f"{args.workers} uvicorn workers, production settings, PostgreSQL and Redis on the same "
        f"machine; load: wrk, 1 thread, {args.connections} connections, {args.seconds} s per "
        "request, on loopback. Data: `manage.py generate_data` (no vectors: semantic search "
        "ranks nothing here; `RESULTS-vectors.md` measures vectors). The floor is `/healthz` "
        'through the same stack; "share of floor" is requests per second against it. Public '
        "pages are measured twice: as visitors get them (kept 30 s in the cache of public "
        'pages, production\'s setting) and "rendered" (a cookie the site does not know makes '
        "the server render them, as for anyone signed in).",
        "",
    ]
    for result in results:
        counts = ", ".join(f"{table} {n:,}" for table, n in result["counts"].items())
        memory = ", ".join(f"{mb:.0f}" for mb in result["memory"])
        generated = f"generated in {result['generated']:.0f} s" if result["generated"] else "reused"
        lines += [
            f"## {result['size']}",
            "",
            f"Rows: {counts} ({generated}). Web worker resident memory after the run, "
            f"encoder loaded: {memory} MB.",
            "",
            *size_table(result),
            "",
        ]
    if len(results) > 1:
        lines += ["## Growth with the data", "", *growth_table(results), ""]
    lines += ["## Goals", "", *goals(results), ""]
    args.output.write_text("\n".join(lines))
    print(f"wrote {args.output}")


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian package wrk); `make bench` installs it.")
    results = [measure(size, args) for size in args.sizes]
    write(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
