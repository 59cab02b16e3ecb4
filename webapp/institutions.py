"""Institution list and profiles: actions by objective and edition, partners, network neighbours."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, jsonify, render_template

from webapp.catalogue import PREFIXES, Catalogue
from webapp.common import cached_page, catalogue, choice_arg, guard_key
from webapp.published import get_build

bp = Blueprint("institutions", __name__)

NEIGHBOURS = (
    PREFIXES
    + """SELECT ?other (COUNT(DISTINCT ?a) AS ?actions) WHERE {
  ?a a mkg:Action ; mkg:reportedBy|mkg:partner ?self ; mkg:reportedBy|mkg:partner ?other .
  FILTER (?self = %(iri)s && ?other != ?self)
} GROUP BY ?other ORDER BY DESC(?actions) ?other"""
)


def neighbours(cat: Catalogue, slug: str) -> list[tuple[str, int]]:
    """Institutions named in the same actions as ``slug`` (as reporter or partner), with counts (SPARQL)."""
    iri = cat.institutions[slug].iri
    query = NEIGHBOURS % {"iri": f"<{iri}>"} if "<" not in iri and ">" not in iri else None
    if query is None:
        return []
    rows = get_build().backend.select(query)
    return [(str(r["other"]).rsplit("/", 1)[-1], int(r["actions"])) for r in rows]  # type: ignore[arg-type]


@bp.get("/institutions")
@cached_page
def institutions() -> str:
    """Every institution with its number of actions (reported and as partner), by actor type."""
    cat = catalogue()
    types = sorted({i.actor_type for i in cat.institutions.values() if i.actor_type})
    chosen = choice_arg("actor_type", types)
    rows = [
        (inst, len(cat.by_institution.get(slug, [])), len(cat.by_partner.get(slug, [])))
        for slug, inst in cat.institutions.items()
        if chosen is None or inst.actor_type == chosen
    ]
    rows.sort(key=lambda r: (-r[1], -r[2], r[0].display.casefold()))
    return render_template("institutions.html", rows=rows, types=types, chosen=chosen)


@bp.get("/institutions/<slug>")
@cached_page
def institution(slug: str) -> str:
    """One institution: its actions by objective and edition, partners and neighbours."""
    cat = catalogue()
    inst = cat.institutions.get(guard_key(slug))
    if inst is None:
        abort(404)
    keys = cat.by_institution.get(inst.slug, [])
    actions = [cat.actions[k] for k in keys]
    matrix: dict[int, Counter] = {}
    for a in actions:
        matrix.setdefault(a.objective, Counter())[a.edition] += 1
    partners = Counter(p for a in actions for p in a.partners)
    named_by = [cat.actions[k] for k in cat.by_partner.get(inst.slug, [])]
    units = [i for i in cat.institutions.values() if i.parent == inst.slug]
    return render_template(
        "institution.html",
        inst=inst,
        cat=cat,
        actions=sorted(actions, key=lambda a: (-a.edition, a.objective, a.key)),
        matrix=dict(sorted(matrix.items())),
        partners=partners.most_common(),
        named_by=sorted(named_by, key=lambda a: (-a.edition, a.key)),
        neighbours=neighbours(cat, inst.slug),
        units=units,
        parent=cat.institutions.get(inst.parent) if inst.parent else None,
    )


@bp.get("/institutions/<slug>.json")
def institution_json(slug: str):
    """The JSON twin of an institution profile."""
    cat = catalogue()
    inst = cat.institutions.get(guard_key(slug))
    if inst is None:
        abort(404)
    return jsonify(
        {
            "id": inst.iri,
            "slug": inst.slug,
            "acronym": inst.acronym,
            "name": inst.name,
            "actor_type": inst.actor_type,
            "parent": inst.parent,
            "state": inst.state,
            "actions": [cat.actions[k].iri for k in cat.by_institution.get(inst.slug, [])],
            "partner_in": [cat.actions[k].iri for k in cat.by_partner.get(inst.slug, [])],
            "neighbours": [{"slug": s, "actions": n} for s, n in neighbours(cat, inst.slug)],
        }
    )
