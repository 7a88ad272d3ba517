"""Benchmark of the alerts on saved searches: a newly published project checked against every
saved search (``saved_search_alerts_record``) and, in the same run, the naive way: each saved
search's project list asked whether it holds the project.

Fills a throwaway database with ``--projects`` projects as ``project_browse.py`` does (default
2,500, about 2,000 open and public), then for each size in ``--searches`` (default 10,000) that
many saved searches, five per person. Each repeat publishes a copy of an open project, times its
alerts and deletes it. Prints p50 / p95 in milliseconds and the ratios; writes
``bench/RESULTS-saved-search-alerts.md``. The database must be a throwaway one (created when
missing on PostgreSQL, its projects reused by a later run with the same ``--projects``, its
saved searches made again). Never part of the test suite.

    .venv/bin/python bench/saved_search_alerts.py \\
        --database-url postgres://postgres@127.0.0.1:5432/NAME --searches 1000 10000
    .venv/bin/python bench/saved_search_alerts.py --database-url sqlite:////tmp/alerts.sqlite3
"""

import argparse
import os
import platform
import random
import statistics
import time
from contextlib import nullcontext
from pathlib import Path

import project_browse
from project_browse import BENCH_DIR, BENCH_DOMAIN, DESCRIPTION, database_description

PUBLISHED = "(published by the benchmark)"  # ends the description of each timed publication
BIG_CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆"]
# The saved searches' words (the titles are project_browse.TITLES); a few find nothing.
QUERIES = [
    *["网站 设计", "小程序", "logo设计", "视频剪辑", "合同翻译", "电商", "公众号", "数据分析"],
    *["安卓", "装修", "婚礼 摄影", "网络布线", "品牌", "英文翻译", "插画", "详情页", "代写"],
    *["logo", "landing page", "React", "dashboard", "translate", "podcast", "SEO"],
    *["Shopify", "illustrations", "business cards", "tea", "Python", "bakery", "online shop"],
    *["区块链", "Java后端", "blockchain", "3D modelling"],
]
CASES = {"record": "whole call", "check": "check alone", "naive": "naive, scaled"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a throwaway database")
    parser.add_argument("--projects", type=int, default=2500, help="projects to create")
    parser.add_argument("--searches", type=int, nargs="+", default=[10_000], help="set sizes")
    parser.add_argument("--repeat", type=int, default=30, help="publications timed per size")
    parser.add_argument("--naive-repeat", type=int, default=5, help="of them checked naively")
    parser.add_argument("--naive-cap", type=int, default=1000, help="searches checked naively")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-saved-search-alerts.md")
    return parser.parse_args()


def search_params(rng, categories, skills_of) -> dict:
    """``project_filters`` arguments of one saved search (at least one criterion)."""
    params, chance = {}, rng.random
    if chance() < 0.6:
        params["query"] = rng.choice(QUERIES)
    if chance() < 0.35:
        category = rng.choice(categories)
        params["category"] = category.slug
        if chance() < 0.15 and skills_of[category.pk]:
            params["skills"] = [rng.choice(skills_of[category.pk])]
    if chance() < 0.15:
        params["budget_type"] = rng.choice(["fixed", "hourly"])
    if chance() < 0.15:
        params["work_mode"] = rng.choice(["remote", "local"])
    if chance() < 0.2:
        low = rng.choice([None, 500, 1000, 2000, 5000])
        high = (low or 1000) * rng.choice([2, 5, 10]) if chance() < 0.7 else None
        currency = "USD" if chance() < 0.1 else "CNY"
        params |= {"currency": currency, "budget_min": low, "budget_max": high}
    if chance() < 0.08:
        params["near"] = rng.choice(BIG_CITIES)
        params["distance_km"] = rng.choice([0, 50, 100, 300])
    if chance() < 0.1:
        params["client_verified"] = True
    if chance() < 0.1:
        params["client_rating_min"] = rng.choice(["3.5", "4", "4.5"])
    return params or {"query": rng.choice(QUERIES)}


def add_searches(target: int, rng, owners, fingerprints: dict) -> None:
    """Saved searches up to ``target``, five per person, with the fields ``saved_search_create``
    computes (never the same criteria twice for one person)."""
    from jiedan.projects.selectors import filters_criteria, project_filters
    from jiedan.savedsearches.models import EmailAlerts, SavedSearch
    from jiedan.savedsearches.services import _fingerprint, _name
    from jiedan.taxonomy.models import Category

    categories = list(Category.objects.order_by("pk"))
    skills_of = {c.pk: list(c.skills.values_list("slug", flat=True)) for c in categories}
    rows = []
    for i in range(SavedSearch.objects.count(), target):
        owner, fingerprint = owners[i // 5], None
        while fingerprint is None or fingerprint in fingerprints.setdefault(owner.pk, set()):
            filters = project_filters(**search_params(rng, categories, skills_of))
            criteria = filters_criteria(filters)
            fingerprint = _fingerprint(criteria)
        fingerprints[owner.pk].add(fingerprint)
        rows.append(
            SavedSearch(
                owner=owner,
                name=_name("", filters),
                criteria=criteria,
                fingerprint=fingerprint,
                category_slug=filters.category or "",
                budget_type=filters.budget_type or "",
                work_mode=filters.work_mode or "",
                email_alerts=rng.choice(EmailAlerts.values),
            )
        )
    SavedSearch.objects.bulk_create(rows, batch_size=project_browse.BATCH)


def publish(rng, open_ids: list[int]):
    """A copy of an open project of the fill, published now and indexed like a publication."""
    from django.utils import timezone

    from jiedan.projects.models import PUBLISH_PERIOD, Project
    from jiedan.projects.services import project_search_sync

    project = Project.objects.get(pk=rng.choice(open_ids))
    skills = list(project.skills.all())
    project.pk, project._state.adding = None, True
    project.description = f"{DESCRIPTION} {PUBLISHED}"
    project.published_at = timezone.now()
    project.expires_at = project.published_at + PUBLISH_PERIOD
    project.save()
    project.skills.set(skills)
    project_search_sync(project_id=project.pk)
    return project


def unpublish() -> None:
    """Delete the publications (their alerts go with them) and their search documents."""
    from jiedan.projects.models import Project
    from jiedan.search.models import SearchDocument

    published = Project.objects.filter(description__endswith=PUBLISHED)
    SearchDocument.objects.filter(kind="project", object_id__in=published.values("pk")).delete()
    published.delete()


def measure(size: int, args, rng, open_ids: list[int]) -> dict:
    """Time the alerts of ``args.repeat`` publications after a warm-up one (which counts the
    SQL queries); the first ``args.naive_repeat`` are also checked the naive way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from jiedan.projects.selectors import criteria_filters, project_facts, project_list
    from jiedan.savedsearches import services
    from jiedan.savedsearches.models import SavedSearch
    from jiedan.search.selectors import DEFAULT_LIMIT as SEARCH_LIMIT
    from jiedan.search.selectors import search_ranked_ids

    first = list(SavedSearch.objects.order_by("pk")[: args.naive_cap])
    found = {name: [] for name in (*CASES, "candidates", "alerts")} | {"differ": 0, "capped": 0}
    for repeat in range(args.repeat + 1):
        project, now = publish(rng, open_ids), timezone.now()
        started = time.perf_counter()
        facts = project_facts(project_id=project.pk)
        services._matching_searches(facts, now)
        check = (time.perf_counter() - started) * 1000
        with CaptureQueriesContext(connection) if repeat == 0 else nullcontext() as queries:
            started = time.perf_counter()
            alerts = services.saved_search_alerts_record(project_id=project.pk, now=now)
            record = (time.perf_counter() - started) * 1000
        if repeat == 0:
            found["queries"] = len(queries)
        else:
            found["check"].append(check)
            found["record"].append(record)
            found["candidates"].append(services._candidates(facts).count())
            found["alerts"].append(len(alerts))
        if 0 < repeat <= args.naive_repeat:
            started = time.perf_counter()
            naive = {
                search.pk
                for search in first
                if project_list(filters=criteria_filters(search.criteria), now=now)
                .filter(pk=project.pk)
                .exists()
            }
            found["naive"].append((time.perf_counter() - started) * 1000 * size / len(first))
            ours = {alert.saved_search_id for alert in alerts} & {search.pk for search in first}
            for search in (search for search in first if search.pk in naive ^ ours):
                ranked = search_ranked_ids(kind="project", query=search.criteria.get("q", ""))
                found["differ"] += 1
                found["capped"] += len(ranked) >= SEARCH_LIMIT
        unpublish()
    if connection.vendor == "postgresql":
        found["plan"] = services._candidates(facts).explain(analyze=True)
    return found


def percentiles(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def prepare(args, rng) -> tuple[list, list[int]]:
    """The projects (made or reused), no saved search yet; the owners-to-be, the open ids."""
    from django.contrib.auth.hashers import make_password

    from jiedan.accounts.models import User
    from jiedan.projects.models import Project
    from jiedan.savedsearches.models import SavedSearch

    unpublish()  # left by an interrupted run
    if not project_browse.existing_bench_projects(args.projects):
        print(f"Creating {args.projects:,} projects …")
        project_browse.populate(args.projects, rng)
    SavedSearch.objects.all().delete()
    owners = User.objects.filter(email__startswith="owner")
    User.objects.bulk_create(
        User(email=f"owner{i}{BENCH_DOMAIN}", password=make_password(None))
        for i in range(owners.count(), (max(args.searches) + 4) // 5)
    )
    open_ids = Project.objects.filter(status="open", visibility="public").order_by("pk")
    return list(owners.order_by("pk")), list(open_ids.values_list("pk", flat=True))


def main() -> None:
    args = parse_args()
    os.environ.pop("REDIS_URL", None)  # in-memory channel layer: the live pushes stay here
    if args.database_url.startswith(("postgres://", "postgresql://")):
        project_browse.ensure_postgres_database(args.database_url)
    project_browse.setup_django(args.database_url)
    from django.db import connection

    rng = random.Random(args.seed)  # noqa: S311 (test data, not secrets)
    (owners, open_ids), fingerprints, results = prepare(args, rng), {}, {}
    for size in sorted(args.searches):
        add_searches(size, rng, owners, fingerprints)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        results[size] = found = measure(size, args, rng, open_ids)
        print(f"{size:,} saved searches, {found['queries']} SQL queries per call")
        for case, name in CASES.items():
            p50, p95 = percentiles(found[case])
            print(f"  {name:<14} p50 {p50:9.2f} ms   p95 {p95:9.2f} ms")
    write_results(args, results, len(open_ids))
    print(f"\nWrote {args.output}")


def write_results(args, results, open_count: int) -> None:
    from jiedan.search.selectors import DEFAULT_LIMIT as SEARCH_LIMIT

    sizes, median = sorted(results), statistics.median
    lines = [
        "# Saved-search alerts benchmark",
        "",
        f"`bench/saved_search_alerts.py --projects {args.projects} --searches "
        f"{' '.join(map(str, sizes))} --repeat {args.repeat}` on {database_description()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"{open_count:,} open public projects (of {args.projects:,}, made as the project browse "
        "benchmark makes them); saved searches five per person, 60 % of them with words "
        f"({len(QUERIES)} distinct queries). Each repeat publishes a copy of an open project "
        "(untimed), times its alerts and deletes it.",
        "*Whole call*: `saved_search_alerts_record`, including writing the alerts and pushing "
        "each one, after commit, to the in-memory channel layer. *Check alone*: `project_facts` "
        "+ `_matching_searches`. *Naive*: `project_list(filters=criteria_filters(criteria))"
        f".filter(pk=…).exists()` per saved search, run on the first {args.naive_cap:,} saved "
        f"searches for the first {args.naive_repeat} publications and scaled linearly to the "
        "set size. Times in milliseconds; candidates and alerts per publication as median "
        "(min–max); ratios of p50s measured in the same run. *Naive ≠ ours*: (search, "
        "publication) pairs the two answer differently; in brackets, those whose words match "
        f"{SEARCH_LIMIT:,} projects or more, the most the list keeps for a text query (best "
        "first, ties oldest first), so that it can leave the new project out.",
        "",
        "| saved searches | "
        + " | ".join(f"{name} p50 / p95" for name in CASES.values())
        + " | whole / naive | candidates | alerts | SQL queries | naive ≠ ours |",
        "|---:" * 9 + "|",
    ]
    for size in sizes:
        found = results[size]
        cells = ["{:.2f} / {:.2f}".format(*percentiles(found[case])) for case in CASES]
        cells.append(f"{median(found['record']) / median(found['naive']):.3f}×")
        for name in ("candidates", "alerts"):
            cells.append(f"{median(found[name]):.0f} ({min(found[name])}–{max(found[name])})")
        cells += [found["queries"], f"{found['differ']} ({found['capped']})"]
        lines.append(f"| {size:,} | " + " | ".join(map(str, cells)) + " |")
    if len(sizes) > 1:
        ratio = median(results[sizes[-1]]["record"]) / median(results[sizes[0]]["record"])
        lines += ["", f"Whole call, {sizes[-1]:,} / {sizes[0]:,} saved searches: {ratio:.2f}×."]
    if "plan" in results[sizes[-1]]:
        lines += ["", f"## EXPLAIN ANALYZE: the candidate searches ({sizes[-1]:,})", "", "```"]
        lines += [results[sizes[-1]]["plan"], "```"]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
