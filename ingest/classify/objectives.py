"""Place actions whose report prints no objective (the 2023 infographic's boxes) under a GCM objective.

Method (recorded on each placed action): the action's words, and those of every action whose report
prints its objective, become IDF-weighted bag-of-words vectors (the programme linker's, see
:mod:`ingest.classify.programmes`); the objective is the one with the highest vote, where each of the
:data:`NEIGHBOURS` most similar actions votes for its own objective with its cosine similarity and each
objective's own title (``ingest/data/objectives.toml``, the GCM text) votes with :data:`TITLE_WEIGHT` times
its similarity. The derivation note names the winning objective's vote and the nearest actions, so a reader
can check the evidence. :func:`leave_one_out_accuracy` measures the method on actions whose objective is
printed (``python bench/bench_classify.py`` prints it).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ingest.classify.programmes import _tokens, _Vectors
from ingest.records import Action

DATA = Path(__file__).resolve().parent.parent / "data" / "objectives.toml"
NEIGHBOURS = 7
TITLE_WEIGHT = 3.0
METHOD = f"objective-knn-v1 ({NEIGHBOURS} nearest actions with a printed objective + objective titles)"


@lru_cache(maxsize=1)
def objective_titles() -> dict[int, str]:
    """The 23 GCM objectives' Spanish titles."""
    with DATA.open("rb") as fh:
        table = tomllib.load(fh)["objectives"]
    titles = {int(k): str(v) for k, v in table.items()}
    if sorted(titles) != list(range(1, 24)):
        raise ValueError(f"{DATA}: expected objectives 1–23, found {sorted(titles)}")
    return titles


def _words(action: Action) -> list[str]:
    return _tokens(f"{action.title} {action.description} {action.results}")


class _Placer:
    def __init__(self, references: Sequence[Action], queries: Sequence[Action]) -> None:
        titles = objective_titles()
        self.references = list(references)
        self.title_numbers = sorted(titles)
        docs = [_words(a) for a in self.references]
        docs += [_tokens(titles[n]) for n in self.title_numbers]
        docs += [_words(a) for a in queries]
        self.vectors = _Vectors(docs)
        self.n_refs = len(self.references)
        self.n_titles = len(self.title_numbers)

    def vote(self, doc: int, exclude: int | None = None) -> tuple[int, float, list[tuple[float, Action]]]:
        sims = sorted(
            ((self.vectors.cosine(doc, j), j) for j in range(self.n_refs) if j != exclude),
            key=lambda sj: (-sj[0], self.references[sj[1]].key),
        )[:NEIGHBOURS]
        votes: dict[int, float] = defaultdict(float)
        for s, j in sims:
            votes[self.references[j].objective] += s
        for t, number in enumerate(self.title_numbers):
            votes[number] += TITLE_WEIGHT * self.vectors.cosine(doc, self.n_refs + t)
        best = max(sorted(votes), key=lambda n: votes[n])
        return best, votes[best], [(s, self.references[j]) for s, j in sims]


def place_actions(unplaced: Sequence[Action], references: Sequence[Action]) -> list[Action]:
    """``unplaced`` (``objective == 0``) with an inferred objective and a derivation note saying how."""
    if not unplaced:
        return []
    if not references:
        first = unplaced[0].source
        raise ValueError(
            f"{first.file}:{first.line_start}: no objective printed and no action with a printed objective to infer "
            "it from"
        )
    placer = _Placer(references, unplaced)
    out = []
    for i, action in enumerate(unplaced):
        objective, score, nearest = placer.vote(placer.n_refs + placer.n_titles + i)
        evidence = ", ".join(f"{a.key} ({s:.2f})" for s, a in nearest[:3] if s > 0)
        note = f"inferred, not printed: {METHOD}; vote {score:.2f}; nearest {evidence or 'none'}"
        out.append(replace(action, objective=objective, derivation=(*action.derivation, ("objective", note))))
    return out


def leave_one_out_accuracy(references: Sequence[Action]) -> float:
    """Share of ``references`` whose printed objective the method finds when the action itself is left out."""
    if not references:
        return 0.0
    placer = _Placer(references, [])
    hits = sum(placer.vote(j, exclude=j)[0] == a.objective for j, a in enumerate(placer.references))
    return hits / len(placer.references)
