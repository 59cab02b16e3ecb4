"""Population scope: the people an action targets are the ones its title and the opening of its description name.

:mod:`ingest.enrich` detects populations in the whole title and description (and a few in the results). Read against
the hand-labelled development actions (``tests/data/actions_dev.csv``), what a description names after its opening is
mostly context — the partners' mandates, the topics of a course, the groups a law or a survey mentions — rather than
the people served, so a population first named there is dropped (issue 7: "refining the first detection"). Kept
whatever the window says: the populations the results name (:data:`ingest.populations.RESULTS_POPULATIONS`), women
when the action has a gender focus, and persons with disabilities (the disability focus is that population).
"""

from __future__ import annotations

from dataclasses import replace

from ingest.classify.action_types import opening
from ingest.populations import RESULTS_POPULATIONS, detect_populations
from ingest.records import Action

#: Characters of the description read for the people served (the same opening the action-type rules read).
WINDOW = 600

METHOD = f"scope v1: kept only if named in the title or the first {WINDOW} characters of the description"


def refine_populations(action: Action) -> Action:
    """The action with populations first named late in the description dropped (and a derivation note)."""
    if not action.populations:
        return action
    always = {"discapacidad", *(("mujeres",) if action.gender_focus else ())}
    asked = set(action.populations) - always
    named = set(detect_populations(f"{action.title}\n{opening(action.description, WINDOW)}", only=asked))
    in_results: set[str] = set()
    from_results = (asked - named) & set(RESULTS_POPULATIONS)
    if action.results and from_results:
        in_results = set(detect_populations(action.results, only=from_results))
    kept = tuple(p for p in action.populations if p in named or p in in_results or p in always)
    if kept == action.populations:
        return action
    dropped = ", ".join(p for p in action.populations if p not in kept)
    note = ("populations", f"{METHOD} (dropped: {dropped})")
    return replace(action, populations=kept, derivation=(*action.derivation, note))
