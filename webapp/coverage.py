"""Coverage: the institution × objective matrix as a heatmap, filterable by actor type and edition."""

from __future__ import annotations

from collections import Counter, defaultdict

from flask import Blueprint, render_template

from webapp.charts import heat_color, heat_ink
from webapp.common import cached_page, catalogue, choice_arg, edition_arg

bp = Blueprint("coverage", __name__)


@bp.get("/coverage")
@cached_page
def coverage() -> str:
    """Institution × objective heatmap (``?actor_type=&edition=``); empty cells are the gaps."""
    cat = catalogue()
    types = sorted({i.actor_type for i in cat.institutions.values() if i.actor_type})
    actor_type = choice_arg("actor_type", types)
    edition = edition_arg(cat)
    cells: dict[str, Counter] = defaultdict(Counter)
    for a in cat.actions.values():
        if edition is not None and a.edition != edition:
            continue
        for slug in a.reporters:
            inst = cat.institutions.get(slug)
            if inst is None or (actor_type is not None and inst.actor_type != actor_type):
                continue
            cells[slug][a.objective] += 1
    objectives = list(range(1, 24))
    maximum = max((c for row in cells.values() for c in row.values()), default=0)
    rows = sorted(cells.items(), key=lambda kv: (-sum(kv[1].values()), cat.institutions[kv[0]].display.casefold()))
    col_totals = {n: sum(row.get(n, 0) for _, row in rows) for n in objectives}
    return render_template(
        "coverage.html",
        rows=[(cat.institutions[s], row) for s, row in rows],
        objectives=objectives,
        col_totals=col_totals,
        maximum=maximum,
        types=types,
        chosen_type=actor_type,
        edition=edition,
        editions=cat.editions,
        heat_color=heat_color,
        heat_ink=heat_ink,
    )
