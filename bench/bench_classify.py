"""Time the derived classifications (issue 7): what they add to loading the corpus.

Run: python bench/bench_classify.py [--repeat 5]
Loads the corpus once, then times (best and median of N, in one process) re-running on all its actions:
action types + primary population + reto categories (``classify_action``), the programme linker
(``link_reports``) and the placement of actions whose report prints no objective (``place_actions``).
Target: well under 1 s together, so that the build stays within its 10 s. Then prints how often the objective
placement finds the printed objective of an action left out (over every action with a printed objective).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from ingest.classify.derive import classify_action, link_reports
from ingest.classify.objectives import leave_one_out_accuracy, place_actions
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
    printed = [a for a in corpus.actions if a.report != "2023-infografia"]
    unplaced = [replace(a, objective=0) for a in corpus.actions if a.report == "2023-infografia"]
    placing = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        place_actions(unplaced, printed)
        placing.append(time.perf_counter() - t0)
    _row(f"objective placement ({len(unplaced)} highlights)", len(unplaced), placing)
    total = [a + b + c for a, b, c in zip(per_action, linking, placing, strict=True)]
    _row("total", len(bare), total)
    t0 = time.perf_counter()
    accuracy = leave_one_out_accuracy(printed)
    took = time.perf_counter() - t0
    print(f"objective placement, leave-one-out over {len(printed)} printed objectives: {accuracy:.3f} ({took:.1f} s)")


if __name__ == "__main__":
    main()
