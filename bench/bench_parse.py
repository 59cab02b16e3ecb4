"""Time parsing the whole bundled corpus (target: under 1 s on the 2-core machines).

Run: python bench/bench_parse.py [--repeat 5]
Prints per-report parse times (best of N) and the full load (parse + enrichment).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from ingest.catalog import load_catalog
from ingest.corpus import load_corpus, parse_report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"{'report':32} {'actions':>7} {'best s':>8} {'median s':>9}")
    for info in load_catalog(CORPUS):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            parsed = parse_report(CORPUS, info)
            times.append(time.perf_counter() - t0)
        print(f"{info.file:32} {len(parsed.actions):7d} {min(times):8.3f} {statistics.median(times):9.3f}")
    parse_only = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        n = sum(len(parse_report(CORPUS, info).actions) for info in load_catalog(CORPUS))
        parse_only.append(time.perf_counter() - t0)
    _row("all five reports (parse only)", n, parse_only)
    whole = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        corpus = load_corpus(CORPUS)
        whole.append(time.perf_counter() - t0)
    _row("parse + enrich (load_corpus)", len(corpus.actions), whole)


def _row(name: str, actions: int, times: list[float]) -> None:
    print(f"{name:32} {actions:7d} {min(times):8.3f} {statistics.median(times):9.3f}")


if __name__ == "__main__":
    main()
