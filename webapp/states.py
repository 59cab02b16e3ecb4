"""The 32 states: what each reports, by objective and edition."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, render_template

from webapp.common import cached_page, catalogue, guard_key

bp = Blueprint("states", __name__)


@bp.get("/states")
@cached_page
def states() -> str:
    """Every state with its number of actions per edition and objectives covered."""
    cat = catalogue()
    rows = []
    for s in cat.states():
        keys = cat.by_state.get(s.key, [])
        rows.append((s, cat.edition_counts(keys), len({cat.actions[k].objective for k in keys}), len(keys)))
    return render_template("states.html", rows=rows, editions=cat.editions)


@bp.get("/states/<inegi>")
@cached_page
def state(inegi: str) -> str:
    """One state: its actions by objective and edition, institutions and objectives without actions."""
    cat = catalogue()
    concept = cat.concepts["state"].get(guard_key(inegi, 4))
    if concept is None:
        abort(404)
    actions = sorted((cat.actions[k] for k in cat.by_state.get(concept.key, [])), key=lambda a: (-a.edition, a.key))
    matrix: dict[int, Counter] = {}
    for a in actions:
        matrix.setdefault(a.objective, Counter())[a.edition] += 1
    institutions = [i for i in cat.institutions.values() if i.state == concept.key]
    reporters = Counter(s for a in actions for s in a.reporters)
    gaps = [o for o in cat.objectives() if int(o.key) not in matrix]
    return render_template(
        "state.html",
        concept=concept,
        actions=actions,
        matrix=dict(sorted(matrix.items())),
        editions=cat.editions,
        institutions=institutions,
        reporters=reporters.most_common(),
        gaps=gaps,
        cat=cat,
    )
