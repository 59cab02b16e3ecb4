"""Objective pages: who covers an objective, where, in which edition, and the gaps."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from flask import Blueprint, abort, jsonify, render_template

from graph.queries import institutions_for_objective
from webapp.catalogue import CHAPTER_TYPES
from webapp.common import cached_page, catalogue, edition_arg
from webapp.published import get_build

bp = Blueprint("objectives", __name__)


@bp.get("/objectives")
@cached_page
def objectives() -> str:
    """The 23 objectives with their action counts per edition."""
    cat = catalogue()
    rows = [(o, cat.edition_counts(cat.by_objective.get(int(o.key), []))) for o in cat.objectives()]
    return render_template("objectives.html", rows=rows, editions=cat.editions)


def objective_summary(n: int, edition: int | None) -> dict[str, Any]:
    """Institutions by actor type, states, counts per edition, gaps and frequent challenges of objective ``n``."""
    cat = catalogue()
    all_keys = cat.by_objective.get(n, [])
    actions = [cat.actions[k] for k in all_keys if edition is None or cat.actions[k].edition == edition]
    by_type: dict[str, Counter] = defaultdict(Counter)
    for a in actions:
        for s in a.reporters:
            inst = cat.institutions.get(s)
            by_type[inst.actor_type if inst else a.actor_type][s] += 1
    chapters = Counter(a.actor_type for a in actions)
    states = Counter(s for a in actions for s in a.states)
    categories = Counter(k for a in actions for c in a.challenges for k in c.categories)
    populations = Counter(p for a in actions for p in a.populations)
    partners = Counter(p for a in actions for p in a.partners)
    return {
        "actions": actions,
        "by_type": {t: by_type[t].most_common() for t in sorted(by_type, key=lambda t: -sum(by_type[t].values()))},
        "chapters": chapters,
        "states": states.most_common(),
        "gap_types": [t for t in CHAPTER_TYPES if not chapters.get(t)],
        "gap_states": [s for s in cat.states() if s.key not in states],
        "per_edition": cat.edition_counts(all_keys),
        "categories": categories.most_common(10),
        "populations": populations.most_common(10),
        "partners": partners.most_common(10),
        "challenges": sum(len(a.challenges) for a in actions),
    }


@bp.get("/objectives/<int:n>")
@cached_page
def objective(n: int) -> str:
    """One objective: who covers it (institutions by actor type, states), counts per edition, the gaps."""
    cat = catalogue()
    concept = cat.objective(n)
    if concept is None:
        abort(404)
    edition = edition_arg(cat)
    summary = objective_summary(n, edition)
    return render_template(
        "objective.html", n=n, concept=concept, edition=edition, editions=cat.editions, cat=cat, **summary
    )


@bp.get("/api/objectives/<int:n>/institutions")
def api_institutions(n: int) -> Any:
    """Institutions covering objective ``n`` with their action counts (``?edition=``), via the named query."""
    cat = catalogue()
    if cat.objective(n) is None:
        abort(404)
    edition = edition_arg(cat)
    rows = institutions_for_objective(get_build().backend, n, edition or 0)
    return jsonify(
        {
            "objective": n,
            "edition": edition,
            "institutions": [
                {
                    "id": r["institution"],
                    "acronym": r["acronym"],
                    "name": r["name"],
                    "actor_type": r["actor_type"],
                    "actions": r["actions"],
                }
                for r in rows
            ],  # fmt: skip
        }
    )
