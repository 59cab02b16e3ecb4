"""Apply the classifiers to the parsed records: per action (types, primary population, retos) and per corpus (links).

Called by :func:`ingest.enrich.enrich_action` (after populations) and :func:`ingest.corpus.load_corpus` (after
enrichment). Every derived value gets a ``(field, method)`` note in ``Action.derivation``; every reto its
``category_method``; every programme link its evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ingest.classify.action_types import classify_action_types
from ingest.classify.challenges import categorise_action
from ingest.classify.primary import METHOD as PRIMARY_METHOD
from ingest.classify.primary import primary_population
from ingest.classify.programmes import METHOD as LINK_METHOD
from ingest.classify.programmes import THRESHOLD, link_programmes
from ingest.classify.scope import refine_populations
from ingest.records import Action, ParsedReport


def classify_action(action: Action) -> Action:
    """The action with its populations refined, its action types, primary population and reto categories derived
    (printed fields kept)."""
    action = refine_populations(action)
    notes: list[tuple[str, str]] = []
    types = action.action_types
    if not types:
        types, method = classify_action_types(action.title, action.description)
        notes.append(("action_types", method))
    primary, why = primary_population(action.populations, action.title, action.description, action.actors)
    notes.append(("primary_population", f"{PRIMARY_METHOD}: {why}"))
    out = replace(action, action_types=types, primary_population=primary, derivation=(*action.derivation, *notes))
    return categorise_action(out)


def link_reports(
    reports: Sequence[ParsedReport], ancestors: Callable[[str], tuple[str, ...]], institutional: set[str]
) -> tuple[ParsedReport, ...]:
    """The reports with their programme links: each link is kept by the report of its first action (``a_key``)."""
    actions = [a for r in reports for a in r.actions]
    links = link_programmes(actions, ancestors, institutional, THRESHOLD)
    home = {a.key: r.info.slug for r in reports for a in r.actions}
    by_report: dict[str, list] = {r.info.slug: [] for r in reports}
    for link in links:
        by_report[home[link.a_key]].append(link)
    note = f"programme links: {LINK_METHOD}; threshold {THRESHOLD}"
    return tuple(
        replace(r, programme_links=tuple(by_report[r.info.slug]), notes=(*r.notes, note)) if r.actions else r
        for r in reports
    )
