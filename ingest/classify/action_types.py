"""Action types (the Informe's section III categories): title and description rules (data/action_types.toml), checked
and completed by a small linear model (``model.py``, trained on the development actions only).

The rules give the types whose phrases occur in the title and the opening of the description, earliest first. The
model then (a) drops a rule's type it finds all but impossible for the text (probability under :data:`VETO`: the
rules read words, such as "en coordinación con", that often do not make the action of that type) and (b) adds a type
no rule found when it is confident (probability at least :data:`ADD`). Both thresholds were chosen by 5-fold
cross-validation over the development actions and on development round 5 scored with the rules and a model of rounds
1-4 (bench/RESULTS.md). The method string says which rule matched, and which types the model dropped or added, with
their probabilities.
"""

from __future__ import annotations

from ingest.classify.model import load_model
from ingest.classify.rules import RuleSet, load_rules

#: The action-type slugs of the ontology's mkg:ActionTypes scheme (vocabularies.md §b), in its order.
ACTION_TYPE_SLUGS: tuple[str, ...] = (
    "generacion-informacion",
    "productos-investigacion",
    "documentos-identidad",
    "facilitacion-documentos",
    "foros-grupos-trabajo",
    "servicios-legales",
    "recepcion-acompanamiento",
    "capacitacion",
    "propuestas-ley",
    "servicios-salud",
    "apoyos-economicos",
    "servicios-educativos",
    "alimentacion-alojamiento",
    "servicios-financieros",
    "colaboracion-coordinacion",
    "retorno-integracion",
    "apoyo-tramites",
)


def rules() -> RuleSet:
    """The compiled action-type rules."""
    return load_rules("action_types.toml", ACTION_TYPE_SLUGS)


#: How much of the description is read: its opening says what kind of action it is; later sentences name
#: partners, results and context ("elaborado en colaboración con…", "se capacitó…").
DESCRIPTION_CHARS = 600


def opening(description: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The first ``limit`` characters of a description, cut back to the last sentence end when there is one."""
    if len(description) <= limit:
        return description
    head = description[:limit]
    cut = max(head.rfind(". "), head.rfind(".\n"))
    return head[: cut + 1] if cut > limit // 3 else head


#: A rule's type is dropped when the model gives it less than this; the model adds a type from this probability on.
VETO = 0.003
ADD = 0.6


def model_text(title: str, description: str) -> str:
    """What the rules and the model read: the title and the opening of the description."""
    return f"{title}\n{opening(description)}"


def classify_action_types(title: str, description: str) -> tuple[tuple[str, ...], str]:
    """The action types named by a title and the opening of a description (earliest match first, then the model's
    additions), with evidence."""
    rs = rules()
    text = model_text(title, description)
    hits = rs.hits(text, title=title)
    model = load_model("action_types")
    if model is None:
        if not hits:
            return (), f"{rs.version}; no rule matched"
        return tuple(h.slug for h in hits), f"{rs.version}; " + "; ".join(f"{h.slug} ← «{h.evidence}»" for h in hits)
    probs = model.probabilities(text)
    kept = [h for h in hits if probs[h.slug] >= VETO]
    found = {h.slug for h in hits}
    added = sorted((s for s in model.labels if s not in found and probs[s] >= ADD), key=lambda s: -probs[s])
    notes = [f"{h.slug} ← «{h.evidence}»" for h in kept] if hits else ["no rule matched"]
    dropped = [h.slug for h in hits if probs[h.slug] < VETO]
    if dropped:
        notes.append(f"{model.version}: dropped " + ", ".join(f"{s} (p={probs[s]:.3f})" for s in dropped))
    if added:
        notes.append(f"{model.version}: added " + ", ".join(f"{s} (p={probs[s]:.2f})" for s in added))
    return (*(h.slug for h in kept), *added), f"{rs.version}; " + "; ".join(notes)
