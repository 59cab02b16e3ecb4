"""Enrichment: canonical actors, state, partners, populations and focus flags for every action.

Rules (each derived value also gets a ``(field, method)`` note in ``Action.derivation``):

* **actors** — the printed actor text read by :meth:`Registry.parse_actor_text` (units for parent forms,
  every lead of ``STPS Y SRE``, unknown tokens kept as printed and noted). When no actor is printed
  (2018 bullets; 2020 Objective 23 action 5; 2024 ``SENTENCIA DE RECURSO DE QUEJA 1/2023``) the actor is
  inferred, ``actor_inferred=True``:
  1. the first Mexican public body named (by name or acronym) or implied by a programme cue
     (``consulados`` → SRE, ``Grupos Beta`` → INM; ``[[cue]]`` in institutions.toml) in the title, then
     the description, then the results — preferring one of the chapter's own actor type (PJ → SCJN…);
  2. otherwise, in an edition whose actions print their actors (i.e. the missing actor is an exception),
     the actor of the preceding action under the same chapter and objective (2020 O23 #5 → UPMRIP);
  3. otherwise the catch-all ``GOBIERNO-MX`` ("Gobierno de México, institución no especificada").
* **state** — for an EF action, the state government among its actors; None for every other chapter
  (a state named in an APF title is a place, not the actor).
* **partners** — partners named in the actor text's coordination clause (``INM (EN COORDINACIÓN CON …)``),
  then every partner-kind institution (international, foreign government, OSC, private, academia, and
  AMEXCID) named in the title, description, results or retos, by acronym (case-sensitive, word-bounded)
  or spelled-out name (accent- and case-insensitive), in order of first mention; the action's own
  actors are never its partners.
* **populations**, **gender_focus**, **disability_focus** — :mod:`ingest.populations` on title +
  description with institution names blanked out (lexicon and rules in populations.toml); in the results only
  the populations of ``RESULTS_POPULATIONS`` count (results break figures down by sex and age, which names women,
  children… who are not a population the action targets); gender focus reads the results too;
  an action with a gender focus always has the ``mujeres`` population; disability focus is the
  ``discapacidad`` population.
* **action_types**, **primary_population**, reto **categories** — :mod:`ingest.classify` (rules in
  ``data/action_types.toml``, ``data/challenge_categories.toml``; see ``tests/data/README.md`` for how good they are).

Printed fields (title, actor text, description, results, challenges, source) are never changed.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.classify.derive import classify_action
from ingest.populations import (
    LEXICON_VERSION,
    POPULATION_SLUGS,
    RESULTS_POPULATIONS,
    detect_gender_focus,
    detect_populations,
)
from ingest.records import CHAPTER_ACTOR_TYPES, Action, ParsedReport
from ingest.registry import CATCH_ALL, PUBLIC_TYPES, Registry

REGISTRY_VERSION = "registry v1: institutions.toml + states.toml + annex glossary"


def _infer_from_text(action: Action, registry: Registry) -> tuple[str, str] | None:
    """The first Mexican public body named (or implied by a programme cue) in the action's text.

    Returns (acronym, how it was found)."""
    wanted = CHAPTER_ACTOR_TYPES.get(action.chapter)
    for text in (action.title, action.description, action.results):
        named = [
            m
            for m in registry.mentions(text)
            if m.acronym != CATCH_ALL and registry.get(m.acronym).actor_type in PUBLIC_TYPES
        ]
        found = sorted([*named, *registry.cue_mentions(text)], key=lambda m: m.start)
        if not found:
            continue
        same_type = [m for m in found if registry.get(m.acronym).actor_type == wanted]
        best = (same_type or found)[0]
        how = "first institution named in the text" if best.by != "cue" else "first programme cue in the text"
        return best.acronym, f"{how}: {best.form}"
    return None


def _partner_text(action: Action) -> str:
    parts = [action.title, action.description, action.results, *(c.text for c in action.challenges)]
    return "\n".join(p for p in parts if p)


def enrich_action(
    action: Action, registry: Registry, previous: tuple[str, ...] = (), printed_actors: bool = True
) -> Action:
    """One action with its derived fields filled (see the module docstring for the rules).

    ``previous`` is the actors of the preceding action under the same chapter and objective, used only
    when the actor is missing from an edition that prints actors (``printed_actors``).
    """
    notes: list[tuple[str, str]] = []
    coordination: tuple[str, ...] = ()
    inferred = False
    if action.actor_text.strip():
        parsed = registry.parse_actor_text(action.actor_text, action.chapter)
        actors = parsed.actors
        coordination = parsed.partners
        notes.append(("actors", f"actor text read with {REGISTRY_VERSION}"))
        notes.extend(("actors", f"unknown actor kept as printed: {u}") for u in parsed.unknown)
    elif action.actors:
        canonical = []
        for name in action.actors:
            inst = registry.institutions.get(name) or registry.lookup(name)
            canonical.append(inst.acronym if inst else name)
        actors = tuple(dict.fromkeys(canonical))
        inferred = action.actor_inferred
        notes.append(("actors", "set by the layout parser"))
    else:
        inferred = True
        hit = _infer_from_text(action, registry)
        if hit:
            actors = (hit[0],)
            notes.append(("actors", f"inferred from {hit[1]}"))
        elif printed_actors and previous:
            actors = previous
            notes.append(("actors", "inferred from the preceding action under the same objective"))
        else:
            actors = (CATCH_ALL,)
            notes.append(("actors", f"no institution named: catch-all {CATCH_ALL}"))

    state = None
    if action.chapter == "ef":
        states = [a for a in actors if a in registry and registry.get(a).inegi]
        state = states[0] if states else None
        notes.append(("state", "the state government among the actors" if state else "no state among the actors"))

    partners: list[str] = list(coordination)
    for mention in registry.mentions(_partner_text(action)):
        if registry.is_partner_kind(mention.acronym):
            partners.append(mention.acronym)
    partners = [p for p in dict.fromkeys(partners) if p not in actors and p != CATCH_ALL]
    method = "acronym (case-sensitive, word-bounded) or name match in title, description, results, retos"
    if coordination:
        method = "coordination clause of the actor text; " + method
    notes.append(("partners", f"{method} ({REGISTRY_VERSION})"))

    masked = registry.mask_names("\n".join(p for p in (action.title, action.description, action.results) if p))
    populations = detect_populations(registry.mask_names(f"{action.title}\n{action.description}"))
    if action.results:  # results break figures down by sex, age…: only the populations of RESULTS_POPULATIONS count
        found = set(detect_populations(registry.mask_names(action.results))) & set(RESULTS_POPULATIONS)
        populations = tuple(s for s in POPULATION_SLUGS if s in {*populations, *found})
    gender = detect_gender_focus(registry.mask_names(action.title), masked)
    if gender and "mujeres" not in populations:  # an explicit focus on women makes them a population served
        populations = tuple(s for s in POPULATION_SLUGS if s in {*populations, "mujeres"})
    disability = "discapacidad" in populations
    notes.append(
        ("populations", f"{LEXICON_VERSION} on title, description (results: {', '.join(RESULTS_POPULATIONS)} only)")
    )
    notes.append(("gender_focus", "title names women/girls/gender or text states an explicit focus (populations.toml)"))
    notes.append(("disability_focus", "population 'discapacidad' detected"))

    enriched = replace(
        action,
        actors=actors,
        actor_inferred=inferred,
        state=state,
        partners=tuple(partners),
        populations=populations,
        gender_focus=gender,
        disability_focus=disability,
        derivation=(*action.derivation, *notes),
    )
    return classify_action(enriched)  # action types, primary population, reto categories (ingest.classify)


def enrich_report(parsed: ParsedReport, registry: Registry) -> ParsedReport:
    """The report with every action enriched (printed fields untouched) and notes on unknown actors."""
    printed_actors = any(a.actor_text.strip() for a in parsed.actions)
    last: dict[tuple[str, int], tuple[str, ...]] = {}
    actions = []
    notes = list(parsed.notes)
    for action in parsed.actions:
        enriched = enrich_action(action, registry, last.get((action.chapter, action.objective), ()), printed_actors)
        last[(action.chapter, action.objective)] = enriched.actors
        actions.append(enriched)
        where = f"{action.source.file}:{action.source.line_start}"
        for field_name, method in enriched.derivation:
            if field_name == "actors" and method.startswith(("unknown", "inferred", "no institution")):
                notes.append(f"{action.key} ({where}): {method}")
    return replace(parsed, actions=tuple(actions), notes=tuple(notes))
