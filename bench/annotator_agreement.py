"""How much two human annotators agree, beside how much the classifiers agree with each of them (issue 7).

Run: python bench/annotator_agreement.py

A second annotator labelled, blind (texts only, without the first labels or the classifiers' output), a
fixed subset of the held-out test records: ``tests/data/second_annotator/`` (how the subset was drawn and how
the labels were made is in ``tests/data/README.md``). For each classification this prints micro-F1 of the
second annotator against the first, and of the pipeline against each annotator, on the same records, plus
Cohen's kappa for the single-label decisions (primary population, same programme). Agreement between people
bounds what a classifier can be expected to reach against one of them.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from ingest.classify.evaluate import Scores  # noqa: E402
from ingest.corpus import load_corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SECOND = DATA / "second_annotator"


#: How many test records of each kind the second annotator labelled, drawn by :func:`subset`.
SUBSET_SIZES = {"challenges": 60, "actions": 50, "pairs": 60}


def subset(ids: list[str], n: int) -> list[str]:
    """The ``n`` ids a fixed hash ranks first (the records given to the second annotator; no labels involved)."""
    return sorted(ids, key=lambda i: hashlib.sha256(("second-annotator" + i).encode()).hexdigest())[:n]


def _rows(path: Path, key: str) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row[key]: row for row in csv.DictReader(f)}


def _labels(cell: str) -> list[str]:
    return [x for x in cell.split("|") if x]


def kappa(pairs: list[tuple[str, str]]) -> float:
    """Cohen's kappa of two single-label annotations of the same records."""
    n = len(pairs)
    if not n:
        return 0.0
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement() -> list[tuple[str, int, float, float, float, float | None]]:
    """Rows of (classification, records, F1 second-vs-first, pipeline-vs-first, pipeline-vs-second, kappa)."""
    corpus = load_corpus(REPO / "corpus")
    actions = {a.key: a for a in corpus.actions}
    links = {tuple(sorted((link.a_key, link.b_key))) for r in corpus.reports for link in r.programme_links}
    out = []

    first = _rows(DATA / "challenges_test.csv", "id")
    second = _rows(SECOND / "challenges.csv", "id")
    ba, pa, pb = Scores(), Scores(), Scores()
    for rid, row in second.items():
        key, _, index = rid.partition("#")
        derived = actions[key].challenges[int(index) - 1].categories
        ba.add(_labels(first[rid]["categories"]), _labels(row["categories"]))
        pa.add(_labels(first[rid]["categories"]), derived)
        pb.add(_labels(row["categories"]), derived)
    out.append(("challenge categories", len(second), ba.micro_f1, pa.micro_f1, pb.micro_f1, None))

    first = _rows(DATA / "actions_test.csv", "key")
    second = _rows(SECOND / "actions.csv", "key")
    for column in ("action_types", "populations", "primary_population"):
        ba, pa, pb = Scores(), Scores(), Scores()
        decisions = []
        for key, row in second.items():
            derived = getattr(actions[key], column)
            derived = [derived] if isinstance(derived, str) else list(derived)
            ba.add(_labels(first[key][column]), _labels(row[column]))
            pa.add(_labels(first[key][column]), derived)
            pb.add(_labels(row[column]), derived)
            decisions.append((first[key][column], row[column]))
        k = kappa(decisions) if column == "primary_population" else None
        out.append((column.replace("_", " "), len(second), ba.micro_f1, pa.micro_f1, pb.micro_f1, k))

    with (DATA / "programme_pairs_test.csv").open(encoding="utf-8", newline="") as f:
        first_pairs = {tuple(sorted((r["a"], r["b"]))): r["same_programme"] for r in csv.DictReader(f)}
    with (SECOND / "pairs.csv").open(encoding="utf-8", newline="") as f:
        second_pairs = {tuple(sorted((r["a"], r["b"]))): r["same_programme"] for r in csv.DictReader(f)}
    ba, pa, pb = Scores(), Scores(), Scores()
    decisions = []
    for pair, label in second_pairs.items():
        yes_first = ["same-programme"] if first_pairs[pair] == "yes" else []
        yes_second = ["same-programme"] if label == "yes" else []
        derived = ["same-programme"] if pair in links else []
        ba.add(yes_first, yes_second)
        pa.add(yes_first, derived)
        pb.add(yes_second, derived)
        decisions.append((first_pairs[pair], label))
    out.append(("programme links", len(second_pairs), ba.micro_f1, pa.micro_f1, pb.micro_f1, kappa(decisions)))
    return out


def main() -> None:
    header = f"{'classification':24} {'records':>7} {'2nd vs 1st':>10} {'pipeline vs 1st':>15} {'pipeline vs 2nd':>15}"
    print(header, f"{'kappa':>6}")
    for name, n, ba, pa, pb, k in agreement():
        kap = f"{k:6.3f}" if k is not None else "     –"
        print(f"{name:24} {n:7d} {ba:10.3f} {pa:15.3f} {pb:15.3f} {kap}")
    print("micro-F1 with the first annotator as reference; kappa for the single-label decisions")


if __name__ == "__main__":
    main()
