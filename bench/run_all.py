"""Run every benchmark and gather their results into ``bench/RESULTS.md``.

    .venv/bin/python bench/run_all.py            # the full sizes: 10k, 100k and 1M
    .venv/bin/python bench/run_all.py --quick    # 10k and 100k only
    .venv/bin/python bench/run_all.py --only pages ledger

Each benchmark writes its own ``RESULTS-<name>.md`` (see ``bench/README.md``); this script
runs them one after another (never at once: they would measure each other) and puts them
together under one heading with the machine they ran on. With ``--only``, the others' last
results are included too, marked as from an earlier run. A benchmark that fails is reported
as failed, with the end of its output, and the others still run.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
OUTPUT = BENCH / "RESULTS.md"


def benchmarks(quick: bool) -> dict[str, list[str]]:
    """name: command line (each writes bench/RESULTS-<name>.md)."""
    sizes = ["10k", "100k"] if quick else ["10k", "100k", "1m"]
    vector_sizes = ["10000", "100000"] if quick else ["10000", "100000", "1000000"]
    return {
        "pages": [PYTHON, "bench/pages.py", "--sizes", *sizes],
        # jobs queued in Redis as in production (database 15: the test runs use 1 to 14)
        "ledger": [PYTHON, "bench/ledger.py", "--redis-url", "redis://127.0.0.1:6379/15"],
        "vectors": [PYTHON, "bench/vectors.py", "--sizes", *vector_sizes],
        "relevance": [PYTHON, "bench/relevance.py"],
    }


def parse_args(names: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1M sizes")
    parser.add_argument("--only", nargs="+", choices=names, help="run only these")
    return parser.parse_args()


def machine() -> str:
    meminfo = (Path("/proc/meminfo").read_text()).splitlines()
    total = next(line for line in meminfo if line.startswith("MemTotal"))
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"{int(total.split()[1]) / 1024 / 1024:.0f} GB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def demoted(markdown: str) -> str:
    """The result file's headings one level down, to sit under this file's sections."""
    return "\n".join("#" + line if line.startswith("#") else line for line in markdown.splitlines())


def run(name: str, command: list[str]) -> tuple[bool, float, str]:
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
    return result.returncode == 0, time.perf_counter() - started, tail


def main() -> int:
    commands = benchmarks(quick="--quick" in sys.argv)
    args = parse_args(list(commands))
    chosen = args.only or list(commands)
    sections, failed = [], []
    for name in commands:
        source = BENCH / f"RESULTS-{name}.md"
        if name not in chosen:  # not run now: its last results, said to be from earlier
            if source.exists():
                earlier = "not run this time; its results from an earlier run"
                sections.append(f"## {name} ({earlier})\n\n{demoted(source.read_text())}")
            continue
        ok, seconds, tail = run(name, commands[name])
        if ok and source.exists():
            sections.append(f"## {name} ({seconds / 60:.0f} min)\n\n{demoted(source.read_text())}")
        else:
            failed.append(name)
            sections.append(f"## {name}: failed\n\n```\n{tail}\n```")
    header = (
        f"# Benchmark results\n\n`bench/run_all.py{' --quick' if args.quick else ''}` on "
        f"{date.today().isoformat()}, {machine()}. Each section is one benchmark's own "
        "results file; every figure there is a ratio measured in the same run, with the "
        "absolute numbers for context (absolute times on shared machines are noise).\n"
    )
    OUTPUT.write_text("\n\n".join([header, *sections]) + "\n")
    print(f"wrote {OUTPUT}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
