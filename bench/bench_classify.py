"""Time the derived classifications (issue 7): what they add to loading the corpus.

Run: python bench/bench_classify.py [--repeat 5]
Loads the corpus once, then times (best and median of N, in one process) re-running on all its actions:
action types + primary population + reto categories (``classify_action``), and the programme linker
(``link_reports``). Target: well under 1 s together, so that the build stays within its 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from ingest.classify.derive import classify_action, link_reports
from ingest.corpus import load_corpus

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _row(label: str, n: int, times: list[float]) -> None:
    print(f"{label:46} {n:6d} {min(times):8.3f} {statistics.median(times):9.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    corpus = load_corpus(CORPUS)
    # strip the derived values so that every run does the whole work again
    bare = []
    for a in corpus.actions:
        retos = tuple(replace(c, categories=(), category_method="") for c in a.challenges)
        bare.append(replace(a, action_types=(), challenges=retos))
    retos = sum(len(a.challenges) for a in bare)
    institutional = {i.acronym.upper() for i in corpus.registry}
    print(f"{'step':46} {'items':>6} {'best s':>8} {'median s':>9}")
    per_action = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for a in bare:
            classify_action(a)
        per_action.append(time.perf_counter() - t0)
    _row(f"types + primary population + {retos} retos", len(bare), per_action)
    linking = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        reports = link_reports(corpus.reports, corpus.registry.ancestors, institutional)
        linking.append(time.perf_counter() - t0)
    links = sum(len(r.programme_links) for r in reports)
    _row(f"programme linker ({links} links)", len(bare), linking)
    _row("total", len(bare), [a + b for a, b in zip(per_action, linking, strict=True)])


if __name__ == "__main__":
    main()
