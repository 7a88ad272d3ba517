"""Benchmark of the public project list: first page, a deep page by cursor (keyset) against the
same depth by OFFSET, a category + budget filter, a full-text query and a distance filter.

Fills a throwaway database with ``--count`` projects (default 100,000), then times each case
``--repeat`` times and prints p50 / p95 in milliseconds and the ratios measured in this run
(absolute times on shared machines are noise). Writes ``bench/RESULTS-project-browse.md``.

    .venv/bin/python bench/project_browse.py --database-url postgres://postgres@127.0.0.1:5432/NAME
    .venv/bin/python bench/project_browse.py --database-url sqlite:////tmp/jiedan-bench.sqlite3

The database must be empty or hold only an earlier run's data with the same count (it is then
reused); PostgreSQL databases are created when missing. Never part of the test suite.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

BENCH_DOMAIN = "@bench.invalid"
CLIENTS = 2000
PER_PAGE = 20
BATCH = 5000
FIRST_WHOLE = "first page, whole answer (facets + count + rows)"
# A few dozen distinct texts; every project reuses one (search tokens are computed once each).
TITLES = [
    "企业官网设计与开发",
    "微信小程序商城开发",
    "品牌logo设计",
    "产品宣传视频剪辑",
    "英文合同翻译成中文",
    "电商详情页设计",
    "公众号文章代写",
    "Python数据分析报告",
    "安卓App界面改版",
    "家庭装修效果图",
    "Landing page for a tea brand",
    "Logo and business cards for a bakery",
    "React dashboard for sales data",
    "Translate product manuals into English",
    "Podcast editing, weekly",
    "SEO audit for an online shop",
    "Illustrations for a children's book",
    "Shopify store setup",
    "上门摄影 婚礼跟拍",
    "办公室网络布线 上门安装",
]
DESCRIPTION = "需要交付完整的设计稿和源文件，包括3个页面。We need the source files included."


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a throwaway database")
    parser.add_argument("--count", type=int, default=100_000, help="projects to create")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per case")
    parser.add_argument("--depth", type=int, default=2000, help="the deep page's number")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--output", type=Path, default=BENCH_DIR / "RESULTS-project-browse.md", help="results"
    )
    return parser.parse_args()


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it does not exist yet."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # Test settings: no debug query log, fast hashing, secrets derived for a local run.
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiedan.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def existing_bench_projects(count: int) -> bool:
    """True when an earlier run's data of the same size is there; stops on anything else."""
    from jiedan.accounts.models import User
    from jiedan.projects.models import Project

    if User.objects.exclude(email__endswith=BENCH_DOMAIN).exists():
        sys.exit("This database has real users: give the benchmark a throwaway database.")
    found = Project.objects.count()
    if found and found != count:
        sys.exit(f"The database holds {found} projects, not {count}: use a fresh database.")
    return found == count


def populate(count: int, rng: random.Random) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from jiedan.accounts.models import User
    from jiedan.core.geo import cities
    from jiedan.profiles.models import ClientProfile
    from jiedan.projects.models import PUBLISH_PERIOD, Project
    from jiedan.search.models import SearchDocument
    from jiedan.search.tokens import text_tokens
    from jiedan.taxonomy.models import Category, Skill
    from jiedan.verification.models import IdentitySubmission

    started = time.perf_counter()
    password = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(email=f"client{i}{BENCH_DOMAIN}", display_name=f"Client {i}", password=password)
            for i in range(CLIENTS)
        )
        ClientProfile.objects.bulk_create(
            ClientProfile(
                user=user,
                rating_average=Decimal(rng.randint(250, 500)) / 100,
                rating_count=rng.randint(1, 80),
            )
            for user in users
            if rng.random() < 0.6
        )
        IdentitySubmission.objects.bulk_create(
            IdentitySubmission(
                user=user,
                document_type="passport",
                real_name="测试",
                id_number="E00000000",
                document="identity/none.png",
                status="approved",
            )
            for user in users
            if rng.random() < 0.25
        )
    categories = list(Category.objects.all())
    skills_of = {
        category.pk: list(Skill.objects.filter(category=category).values_list("pk", flat=True))
        for category in categories
    }
    places = list(cities())
    tokens_of: dict[tuple[str, int], str] = {}
    now = timezone.now()
    for start in range(0, count, BATCH):
        rows = []
        for _ in range(min(BATCH, count - start)):
            category = rng.choice(categories)
            low = Decimal(rng.choice([100, 300, 500, 800, 1000, 2000, 5000, 10000, 20000]))
            local = rng.random() < 0.25
            place = rng.choice(places) if local else None
            published = now - timedelta(seconds=rng.randint(0, 29 * 24 * 3600))
            roll = rng.random()
            status = "open" if roll < 0.85 else ("closed" if roll < 0.95 else "awarded")
            rows.append(
                Project(
                    client=rng.choice(users),
                    title=rng.choice(TITLES),
                    description=DESCRIPTION,
                    category=category,
                    budget_type="hourly" if rng.random() < 0.3 else "fixed",
                    budget_min=low,
                    budget_max=low * rng.choice([1, 2, 3, 5]),
                    currency="USD" if rng.random() < 0.1 else "CNY",
                    work_mode="local" if local else "remote",
                    city=place.short_zh if place else "",
                    radius_km=rng.choice([5, 20, 50]) if local else None,
                    latitude=place.latitude if place else None,
                    longitude=place.longitude if place else None,
                    visibility="public" if rng.random() < 0.95 else "invite_only",
                    status=status,
                    published_at=published,
                    expires_at=published + PUBLISH_PERIOD,
                )
            )
        with transaction.atomic():
            projects = Project.objects.bulk_create(rows)
            Project.skills.through.objects.bulk_create(
                Project.skills.through(project_id=project.pk, skill_id=skill_id)
                for project in projects
                for skill_id in rng.sample(
                    skills_of[project.category_id], min(2, len(skills_of[project.category_id]))
                )
            )
            documents = []
            for project in projects:
                if project.status != "open" or project.visibility != "public":
                    continue
                key = (project.title, project.category_id)
                if key not in tokens_of:
                    category = project.category
                    text = f"{project.title}\n{DESCRIPTION}\n{category.name_zh}\n{category.name_en}"
                    tokens_of[key] = " ".join(text_tokens(text))
                documents.append(
                    SearchDocument(kind="project", object_id=project.pk, tokens=tokens_of[key])
                )
            SearchDocument.objects.bulk_create(documents)
        print(f"  {start + len(rows):>7} projects", end="\r", flush=True)
    print(f"  {count} projects in {time.perf_counter() - started:.0f} s")


def timed(case, repeat: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds, after one warm-up run."""
    case()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        case()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def cases(depth: int):
    """Every timed case as (name, callable), and the deep queries for EXPLAIN."""
    from django.core.paginator import Paginator

    from jiedan.projects import selectors
    from jiedan.projects.selectors import (
        KEYSET_ORDERS,
        Cursor,
        paging,
        project_filters,
        project_list,
        project_page,
    )

    everything = project_filters()
    ordered = project_list(filters=everything)
    offset = (depth - 1) * PER_PAGE
    anchor = ordered.values_list("published_at", "id")[offset - 1]
    cursor = Cursor(sort="newest", key=tuple(anchor), page=depth)
    deep = project_filters(cursor=selectors.cursor_encode(cursor))
    budget_sort = project_filters(sort="budget_high", currency="CNY")
    budget_ordered = project_list(filters=budget_sort)
    budget_anchor = budget_ordered.values_list("currency", "budget_max", "id")[offset - 1]
    budget_cursor = Cursor(sort="budget_high", key=tuple(budget_anchor), page=depth)
    # The page queries project_page runs (querysets are cloned with .all() for every run).
    offset_rows = ordered[offset : offset + PER_PAGE + 1]
    budget_offset_rows = budget_ordered[offset : offset + PER_PAGE + 1]
    first_rows = ordered[: PER_PAGE + 1]
    budget_first_rows = budget_ordered[: PER_PAGE + 1]
    filtered = project_filters(
        category="design", currency="CNY", budget_min="2000", budget_max="8000"
    )
    timed_cases = [
        ("first page, newest (rows)", lambda: list(first_rows.all())),
        (
            f"page {depth:,}, newest, keyset (rows)",
            lambda: paging._keyset_rows(ordered, cursor, PER_PAGE + 1),
        ),
        (f"page {depth:,}, newest, OFFSET (rows)", lambda: list(offset_rows.all())),
        ("first page, budget high→low (rows)", lambda: list(budget_first_rows.all())),
        (
            f"page {depth:,}, budget high→low, keyset (rows)",
            lambda: paging._keyset_rows(budget_ordered, budget_cursor, PER_PAGE + 1),
        ),
        (f"page {depth:,}, budget high→low, OFFSET (rows)", lambda: list(budget_offset_rows.all())),
        (FIRST_WHOLE, lambda: project_page(filters=everything)),
        (f"page {depth:,} by cursor, whole answer", lambda: project_page(filters=deep)),
        (
            "old Paginator, first page (COUNT + OFFSET)",
            lambda: list(Paginator(ordered, PER_PAGE).page(1).object_list),
        ),
        (
            f"old Paginator, page {depth:,} (COUNT + OFFSET)",
            lambda: list(Paginator(ordered, PER_PAGE).page(depth).object_list),
        ),
        ("category + budget range, whole answer", lambda: project_page(filters=filtered)),
        (
            "full-text 网站 设计, whole answer",
            lambda: project_page(filters=project_filters(query="网站 设计")),
        ),
        (
            "near 上海 within 100 km, whole answer",
            lambda: project_page(filters=project_filters(near="上海", distance_km=100)),
        ),
    ]
    newest_order, budget_order = KEYSET_ORDERS["newest"], KEYSET_ORDERS["budget_high"]
    keyset_rows = ordered.filter(paging._seek(newest_order, cursor.key, backwards=False))
    currency, *budget_key = budget_cursor.key
    budget_keyset_rows = budget_ordered.filter(
        paging._seek(budget_order[1:], budget_key, backwards=False), currency=currency
    )
    explain = {
        f"page {depth:,}, newest, keyset": keyset_rows[: PER_PAGE + 1],
        f"page {depth:,}, newest, OFFSET": offset_rows,
        f"page {depth:,}, budget high→low, keyset (inside the currency)": budget_keyset_rows[
            : PER_PAGE + 1
        ],
    }
    return timed_cases, explain


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def main() -> None:
    args = parse_args()
    if args.database_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection

    if not existing_bench_projects(args.count):
        print(f"Creating {args.count:,} projects …")
        populate(args.count, random.Random(args.seed))  # noqa: S311 (test data, not secrets)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    timed_cases, explain = cases(args.depth)
    results = []
    for name, case in timed_cases:
        p50, p95 = timed(case, args.repeat)
        results.append((name, p50, p95))
        print(f"{name:<55} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms")
    p50 = {name: value for name, value, _p95 in results}
    depth = f"{args.depth:,}"
    keyset, offset = "newest, keyset (rows)", "newest, OFFSET (rows)"
    ratios = [
        (
            f"keyset page {depth} / first page (newest, rows)",
            p50[f"page {depth}, newest, keyset (rows)"] / p50["first page, newest (rows)"],
        ),
        (
            f"keyset / OFFSET at page {depth} (newest, rows)",
            p50[f"page {depth}, {keyset}"] / p50[f"page {depth}, {offset}"],
        ),
        (
            f"keyset / OFFSET at page {depth} (budget high→low, rows)",
            p50[f"page {depth}, budget high→low, keyset (rows)"]
            / p50[f"page {depth}, budget high→low, OFFSET (rows)"],
        ),
        (
            f"whole answer: page {depth} by cursor / first page",
            p50[f"page {depth} by cursor, whole answer"]
            / p50["first page, whole answer (facets + count + rows)"],
        ),
        (
            f"old Paginator: page {depth} / first page",
            p50[f"old Paginator, page {depth} (COUNT + OFFSET)"]
            / p50["old Paginator, first page (COUNT + OFFSET)"],
        ),
    ]
    print()
    for name, ratio in ratios:
        print(f"{name:<55} {ratio:8.2f}×")
    plans = {}
    if connection.vendor == "postgresql":
        plans = {name: query.explain(analyze=True) for name, query in explain.items()}
    write_results(args, results, ratios, plans)
    print(f"\nWrote {args.output}")


def write_results(args, results, ratios, plans) -> None:
    lines = [
        "# Project browse benchmark",
        "",
        f"`bench/project_browse.py --count {args.count} --repeat {args.repeat}` on "
        f"{database_description()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"{args.count:,} projects (about 85 % open, 95 % public, 25 % on-site, 10 % in USD), "
        f"{CLIENTS:,} clients, {PER_PAGE} per page; the deep page is page {args.depth:,}. "
        f"Titles come from {len(TITLES)} texts, so the full-text index holds few distinct words.",
        "Times are milliseconds over the Django ORM (query + building the objects). "
        '"rows" is the page query alone; "whole answer" is `project_page`: facets, count, '
        "rows and the cards' skills.",
        "",
        "| case | p50 ms | p95 ms |",
        "|---|---:|---:|",
        *(f"| {name} | {p50:.2f} | {p95:.2f} |" for name, p50, p95 in results),
        "",
        "| ratio (p50, same run) | |",
        "|---|---:|",
        *(f"| {name} | {ratio:.2f}× |" for name, ratio in ratios),
    ]
    for name, plan in plans.items():
        lines += ["", f"## EXPLAIN ANALYZE: {name}", "", "```", plan, "```"]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
