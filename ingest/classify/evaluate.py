"""Evaluation of the derived classifications against the hand-labelled sets in ``tests/data``.

Each set is a CSV file labelled by reading the corpus (see ``tests/data/README.md``); the figures are computed here
from those files and the values the pipeline derived for the same records (``load_corpus``), never stored.
Multi-label sets score every (record, label) decision: precision, recall and F1 per label, micro-averaged over all
labels (the targets) and macro-averaged. Programme pairs score the decision "same programme" on each labelled pair.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ingest.records import Action

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "tests" / "data"

#: Targets of issue 7 (micro-F1 on the test sets).
TARGETS: dict[str, float] = {
    "challenge_categories": 0.85,
    "populations": 0.85,
    "action_types": 0.80,
    "programme_links": 0.90,
}


class LabelFileError(ValueError):
    """A labelled file is missing, malformed or names a record the corpus does not have."""


@dataclass
class Scores:
    """Counts of true positives, false positives and false negatives per label."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    records: int = 0

    def add(self, gold: Iterable[str], predicted: Iterable[str]) -> None:
        """Score one record's label sets."""
        g, p = set(gold), set(predicted)
        self.records += 1
        for label in g & p:
            self.tp[label] += 1
        for label in p - g:
            self.fp[label] += 1
        for label in g - p:
            self.fn[label] += 1

    @property
    def labels(self) -> list[str]:
        """Every label seen in the gold or predicted sets."""
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        """Precision, recall, F1 of one label, or micro-averaged over all labels when ``label`` is None."""
        if label is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def micro_f1(self) -> float:
        """Micro-averaged F1 (the figure the targets are set on)."""
        return self.prf()[2]

    @property
    def macro_f1(self) -> float:
        """Unweighted mean of the per-label F1."""
        labels = self.labels
        return sum(self.prf(x)[2] for x in labels) / len(labels) if labels else 0.0


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise LabelFileError(f"{path}: labelled file not found")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise LabelFileError(f"{path}: missing column(s) {', '.join(missing)}")
        return list(reader)


def _labels(cell: str) -> list[str]:
    return [x for x in cell.split("|") if x]


def evaluate_challenges(path: Path, actions: Mapping[str, Action]) -> Scores:
    """Challenge categories: the labelled retos against the categories the pipeline derived."""
    scores = Scores()
    for row in _read(path, ("id", "categories", "text")):
        key, _, index = row["id"].partition("#")
        action = actions.get(key)
        if action is None or not index.isdigit() or not 1 <= int(index) <= len(action.challenges):
            raise LabelFileError(f"{path}: no reto {row['id']!r} in the corpus")
        challenge = action.challenges[int(index) - 1]
        if " ".join(challenge.text.split()) != " ".join(row["text"].split()):
            raise LabelFileError(f"{path}: reto {row['id']} text differs from the corpus (re-sample the set)")
        scores.add(_labels(row["categories"]), challenge.categories)
    return scores


def evaluate_actions(path: Path, actions: Mapping[str, Action]) -> dict[str, Scores]:
    """Action types, populations and the primary population of the labelled actions."""
    out = {"action_types": Scores(), "populations": Scores(), "primary_population": Scores()}
    for row in _read(path, ("key", "action_types", "populations", "primary_population")):
        action = actions.get(row["key"])
        if action is None:
            raise LabelFileError(f"{path}: no action {row['key']!r} in the corpus")
        out["action_types"].add(_labels(row["action_types"]), action.action_types)
        out["populations"].add(_labels(row["populations"]), action.populations)
        out["primary_population"].add([row["primary_population"]], [action.primary_population])
    return out


def evaluate_pairs(path: Path, links: Iterable[tuple[str, str]], actions: Mapping[str, Action]) -> Scores:
    """Programme links: each labelled pair is "same programme" or not; scored on the positive decision."""
    linked = {tuple(sorted(pair)) for pair in links}
    scores = Scores()
    for row in _read(path, ("a", "b", "same_programme")):
        for key in (row["a"], row["b"]):
            if key not in actions:
                raise LabelFileError(f"{path}: no action {key!r} in the corpus")
        if row["same_programme"] not in ("yes", "no"):
            raise LabelFileError(f"{path}: same_programme must be yes or no, not {row['same_programme']!r}")
        gold = ["same-programme"] if row["same_programme"] == "yes" else []
        predicted = ["same-programme"] if tuple(sorted((row["a"], row["b"]))) in linked else []
        scores.add(gold, predicted)
    return scores


def run_evaluation(corpus, data_dir: Path = DEFAULT_DATA, split: str = "test") -> dict[str, Scores]:
    """Every classifier scored on the ``split`` ("test" or "dev") sets of ``data_dir``."""
    if split not in ("test", "dev"):
        raise LabelFileError(f"unknown split {split!r}: expected test or dev")
    actions = {a.key: a for a in corpus.actions}
    links = [(link.a_key, link.b_key) for r in corpus.reports for link in r.programme_links]
    results = {"challenge_categories": evaluate_challenges(data_dir / f"challenges_{split}.csv", actions)}
    results.update(evaluate_actions(data_dir / f"actions_{split}.csv", actions))
    results["programme_links"] = evaluate_pairs(data_dir / f"programme_pairs_{split}.csv", links, actions)
    return results


def format_results(results: Mapping[str, Scores], per_label: bool = True) -> str:
    """A plain-text report: per label P/R/F1 and support, then micro/macro F1 and the target of each set."""
    lines = []
    for name, s in results.items():
        target = TARGETS.get(name)
        p, r, f = s.prf()
        status = "" if target is None else (f"  target {target:.2f} {'met' if f >= target else 'NOT met'}")
        lines.append(f"== {name} ({s.records} records)")
        if per_label:
            lines.append(f"  {'label':36} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
            for label in s.labels:
                lp, lr, lf = s.prf(label)
                lines.append(f"  {label:36} {lp:6.3f} {lr:6.3f} {lf:6.3f} {s.tp[label] + s.fn[label]:8d}")
        lines.append(f"  micro P {p:.3f} R {r:.3f} F1 {f:.3f} | macro F1 {s.macro_f1:.3f}{status}")
    return "\n".join(lines)
