"""A small linear text model that backs up the rule classifiers (one-vs-rest logistic regression on word stems).

Rules (``rules.py``) say precisely why a label was given, but they only know the phrases someone wrote down; on
retos and actions they had never seen, a third of the retos matched no rule at all. The model learns which words go
with which label from the hand-labelled development sets (``tests/data/*_dev.csv``, never the test sets) and is
used only beside the rules (``challenges.py``, ``action_types.py``): it fills in a label when no rule matched and adds
one the rules missed when it is very sure. Every label it gives is recorded as such in the method string.

Features: accent-folded, lower-cased words minus stop words, cut to their first :data:`STEM` characters (a crude
Spanish stemmer: *coordinación*, *coordinar* → ``coordi``), and the pairs of neighbouring stems. Inference is a sum
of weights in pure Python (no numpy at run time); training (``python -m ingest.classify.model``) needs numpy and the
corpus, and writes the weights to ``ingest/classify/{name}_model.json`` with a digest of the labelled file it was
trained on (``tests/test_classify.py`` checks the digest, so a relabelled set cannot silently go stale).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.text import fold_accents

MODEL_DIR = Path(__file__).resolve().parent

#: Characters kept of each word (a prefix stemmer).
STEM = 6

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = """a al ante asi como con contra cual de del desde donde e el ella en entre es esta este esto estos fue ha
han la las le les lo los mas muy ni no o otra otro para pero por que se ser si sin sobre su sus tambien tanto u un
una uno y ya"""
_STOP = frozenset(_STOP_WORDS.split())


def features(text: str) -> list[str]:
    """The model's features of a text: word stems and neighbouring stem pairs."""
    words = [w[:STEM] for w in _WORD.findall(fold_accents(text).lower()) if w not in _STOP and not w.isdigit()]
    return list(dict.fromkeys([*words, *(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))]))


@dataclass(frozen=True, slots=True)
class LinearModel:
    """One logistic regression per label over :func:`features`."""

    name: str
    labels: tuple[str, ...]
    bias: dict[str, float]
    weights: dict[str, dict[str, float]]  # feature → label → weight (only the non-negligible ones)
    trained_on: str  # the labelled file and its digest
    version: str
    rows: dict[str, tuple[tuple[int, float], ...]]  # the weights as feature → (label index, weight), for inference

    def knows(self, text: str) -> bool:
        """Whether the text has any feature the model learnt a weight for (else its answer is only the prior)."""
        return any(f in self.weights for f in features(text))

    def probabilities(self, text: str) -> dict[str, float]:
        """The probability of every label for one text (one-vs-rest: they need not sum to 1; the ranking counts)."""
        score = [self.bias[label] for label in self.labels]
        rows = self.rows
        for f in features(text):
            row = rows.get(f)
            if row:
                for j, w in row:
                    score[j] += w
        pairs = zip(self.labels, score, strict=True)
        return {label: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, s)))) for label, s in pairs}


@cache
def load_model(name: str) -> LinearModel | None:
    """The stored model ``name`` (None when it has not been trained)."""
    path = MODEL_DIR / f"{name}_model.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LinearModel(
        name=name,
        labels=tuple(data["labels"]),
        bias=dict(data["bias"]),
        weights={f: {data["labels"][j]: w for j, w in ws} for f, ws in data["weights"].items()},
        trained_on=data["trained_on"],
        version=data["version"],
        rows={f: tuple((j, w) for j, w in ws) for f, ws in data["weights"].items()},
    )


def digest(path: Path) -> str:
    """A short digest of a labelled file (what a stored model records it was trained on)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def train(
    texts: Sequence[str],
    gold: Sequence[Sequence[str]],
    labels: Sequence[str],
    l2: float = 1.0,
    iterations: int = 300,
    min_count: int = 1,
    prune: float = 0.1,
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Fit one L2-regularised logistic regression per label (full-batch gradient descent with Adam; needs numpy).

    Returns the biases and the sparse weights (feature → label → weight; weights under ``prune`` dropped)."""
    import numpy as np

    feats = [features(t) for t in texts]
    counts: dict[str, int] = {}
    for fs in feats:
        for f in fs:
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(texts), len(vocab)), dtype=np.float64)
    for row, fs in enumerate(feats):
        for f in fs:
            if f in index:
                x[row, index[f]] = 1.0
    y = np.array([[1.0 if lab in g else 0.0 for lab in labels] for g in gold])
    n = len(texts)
    w = np.zeros((len(vocab), len(labels)))
    b = np.log((y.mean(axis=0) + 1e-3) / (1 - y.mean(axis=0) + 1e-3))
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, iterations + 1):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g_w = x.T @ (p - y) / n + l2 * w / n
        g_b = (p - y).mean(axis=0)
        m_w, v_w = beta1 * m_w + (1 - beta1) * g_w, beta2 * v_w + (1 - beta2) * g_w**2
        m_b, v_b = beta1 * m_b + (1 - beta1) * g_b, beta2 * v_b + (1 - beta2) * g_b**2
        corr1, corr2 = 1 - beta1**step, 1 - beta2**step
        w -= rate * (m_w / corr1) / (np.sqrt(v_w / corr2) + 1e-8)
        b -= rate * (m_b / corr1) / (np.sqrt(v_b / corr2) + 1e-8)
    weights: dict[str, dict[str, float]] = {}
    for f, i in index.items():
        row = {labels[j]: round(float(w[i, j]), 3) for j in range(len(labels)) if abs(w[i, j]) >= prune}
        if row:
            weights[f] = row
    return {labels[j]: round(float(b[j]), 4) for j in range(len(labels))}, weights


#: The models and the labelled development file each is trained on (the test files are never read).
TRAINED: dict[str, str] = {"challenges": "challenges_dev.csv", "action_types": "actions_dev.csv"}

#: Training settings, chosen on the development sets (a model trained on rounds 1-3 scored on round 4): L2 penalty,
#: gradient steps, and the smallest weight kept (smaller ones change no decision there and triple the file).
L2 = 0.1
ITERATIONS = 500
PRUNE = 0.1
VERSION = "challenge model v1: logistic regression on word stems and stem pairs"


def train_challenges(data_dir: Path) -> dict:
    """Fit the reto-category model on the development retos; the JSON document stored in :data:`MODEL_DIR`."""
    from ingest.classify.challenges import CATEGORY_SLUGS

    path = data_dir / TRAINED["challenges"]
    rows = _rows(path)
    texts = [r["text"] for r in rows]
    return _fit(path, rows, texts, "categories", CATEGORY_SLUGS, VERSION, "retos", L2, ITERATIONS)


#: Action-type model settings, chosen by 5-fold cross-validation over the development actions (grouped by text) and
#: on development round 5 with the rules and a model of rounds 1-4 (tests/data/README.md; bench/RESULTS.md).
ACTION_L2 = 0.03
ACTION_ITERATIONS = 800
ACTION_VERSION = "action-type model v1: logistic regression on word stems and stem pairs"


def train_action_types(data_dir: Path, corpus_dir: Path | None = None) -> dict:
    """Fit the action-type model on the development actions (title and description opening, as the rules read
    them, from the parsed corpus); the JSON document stored in :data:`MODEL_DIR`."""
    from ingest.classify.action_types import ACTION_TYPE_SLUGS, model_text
    from ingest.corpus import load_corpus

    path = data_dir / TRAINED["action_types"]
    rows = _rows(path)
    corpus = load_corpus(corpus_dir or Path(__file__).resolve().parents[2] / "corpus")
    actions = {a.key: a for a in corpus.actions}
    texts = [model_text(actions[r["key"]].title, actions[r["key"]].description) for r in rows]
    return _fit(
        path, rows, texts, "action_types", ACTION_TYPE_SLUGS, ACTION_VERSION, "actions", ACTION_L2, ACTION_ITERATIONS
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _fit(
    path: Path,
    rows: list[dict[str, str]],
    texts: list[str],
    column: str,
    labels: Sequence[str],
    version: str,
    what: str,
    l2: float,
    iterations: int,
) -> dict:
    """Train on ``texts`` with the ``|``-separated labels of ``column``; the model's JSON document."""
    gold = [[x for x in r[column].split("|") if x] for r in rows]
    bias, weights = train(texts, gold, labels, l2=l2, iterations=iterations, prune=PRUNE)
    return {
        "version": version,
        "trained_on": f"tests/data/{path.name} sha256:{digest(path)} ({len(rows)} {what})",
        "settings": {"stem": STEM, "l2": l2, "iterations": iterations, "prune": PRUNE},
        "labels": list(labels),
        "bias": bias,
        "weights": {f: [[labels.index(lab), w] for lab, w in ws.items()] for f, ws in weights.items()},
    }


def main() -> int:
    """Train every model on its development file and write it to :data:`MODEL_DIR`."""
    from ingest.classify.evaluate import DEFAULT_DATA

    trained = (("challenges", train_challenges(DEFAULT_DATA)), ("action_types", train_action_types(DEFAULT_DATA)))
    for name, doc in trained:
        out = MODEL_DIR / f"{name}_model.json"
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        out.write_text(text, encoding="utf-8")
        print(f"{out}: {len(doc['weights'])} features, trained on {doc['trained_on']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
