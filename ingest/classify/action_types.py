"""Action types (the Informe's section III categories) from title and description rules (data/action_types.toml)."""

from __future__ import annotations

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


def classify_action_types(title: str, description: str) -> tuple[tuple[str, ...], str]:
    """The action types named by a title and the opening of a description (earliest match first), with evidence."""
    rs = rules()
    hits = rs.hits(f"{title}\n{opening(description)}", title=title)
    if not hits:
        return (), f"{rs.version}; no rule matched"
    return tuple(h.slug for h in hits), f"{rs.version}; " + "; ".join(f"{h.slug} ← «{h.evidence}»" for h in hits)
