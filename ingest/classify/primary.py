"""The Informe's four-way primary population: extranjeros / mexicanos-exterior / retornados / no-especificado.

The Informe Ejecutivo 2024 (line 506) splits the actions into those serving foreign migrants (54 %), Mexicans abroad
(20 %), returned Mexicans (10 %) and those that did not say (16 %); the Compendio never prints the value per action.
Rule: among the populations already detected (:mod:`ingest.populations`), each counts for one group —
``extranjeros``, ``refugiados-solicitantes`` and ``en-transito`` for foreign migrants, ``mexicanos-exterior`` for
Mexicans abroad, ``retornados`` for returned Mexicans. One group present: that group. Several: the one named first
in the title, else first in the description. None: the actor's usual population when the actor serves one group
by mandate (INM, COMAR, CEAV and the southern-border states foreign migrants; SRE and IME Mexicans abroad), else
``no-especificado``. Returned Mexicans win over Mexicans abroad when both are named (returnees are "connacionales").
"""

from __future__ import annotations

from ingest.populations import load_lexicon, prepare

PRIMARY_SLUGS: tuple[str, ...] = ("extranjeros", "mexicanos-exterior", "retornados", "no-especificado")
NOT_SPECIFIED = "no-especificado"

#: Which detected population counts for which primary group.
GROUP_OF: dict[str, str] = {
    "extranjeros": "extranjeros",
    "refugiados-solicitantes": "extranjeros",
    "en-transito": "extranjeros",
    "mexicanos-exterior": "mexicanos-exterior",
    "retornados": "retornados",
}

#: Institutions whose mandate is one group (used only when the text names none).
ACTOR_PRIOR: dict[str, str] = {
    "INM": "extranjeros",
    "COMAR": "extranjeros",
    "CEAV": "extranjeros",  # victims' commission: the migrants it reports serving are victims in Mexico
    "SRE": "mexicanos-exterior",
    "IME": "mexicanos-exterior",
    # the state governments on the southern border receive foreign migrants in transit
    "Chiapas": "extranjeros",
    "Tabasco": "extranjeros",
    "Campeche": "extranjeros",
    "Quintana Roo": "extranjeros",
}

METHOD = "primary population v1: first-named group among the detected populations (ingest/classify/primary.py)"


def _first_position(slug: str, text: str) -> int | None:
    rule = next(r for r in load_lexicon().rules if r.slug == slug)
    starts = [m.start() for rx in rule.patterns for m in [rx.search(text)] if m]
    return min(starts) if starts else None


def primary_population(
    populations: tuple[str, ...], title: str, description: str, actors: tuple[str, ...] = ()
) -> tuple[str, str]:
    """The primary group of an action from its detected ``populations``, texts and actors, with the reason."""
    groups = {GROUP_OF[p] for p in populations if p in GROUP_OF}
    if not groups:
        for actor in actors:
            if actor in ACTOR_PRIOR:
                return ACTOR_PRIOR[actor], f"no group named in the text; the mandate of {actor}"
        return NOT_SPECIFIED, "no foreign, Mexican-abroad or returned population detected"
    if len(groups) == 1:
        (only,) = groups
        return only, f"only group detected ({', '.join(p for p in populations if GROUP_OF.get(p) == only)})"
    if groups == {"mexicanos-exterior", "retornados"}:  # returned Mexicans are also "connacionales"
        return "retornados", "returned and Mexicans abroad both named: the returned are the narrower group"
    for where, text in (("title", title), ("description", description)):
        prepared = prepare(text)
        positions = []
        for p in populations:
            if p in GROUP_OF:
                pos = _first_position(p, prepared)
                if pos is not None:
                    positions.append((pos, GROUP_OF[p], p))
        if positions:
            pos, group, slug = min(positions)
            return group, f"several groups; {slug} named first in the {where}"
    order = [g for g in PRIMARY_SLUGS if g in groups]
    return order[0], "several groups, none placed in title or description; first in the Informe's order"
