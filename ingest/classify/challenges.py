"""Challenge (reto) categories: keyword and phrase rules per glossary category (data/challenge_categories.toml),
backed by a small linear model (``model.py``) for the retos no rule recognises.

Rules first: the categories whose phrases occur, in the order they occur, at most :data:`MAX_CATEGORIES` of them (a
labelled reto names one or two in 99 % of the development retos; the other matches are noted in the method). When no
rule matches, the model's most probable category is given instead of falling back to ``otros`` at once (the model may
itself answer ``otros``, and a text with no word the model knows stays ``otros``); the method string says which of
the two decided and, for the model, with what probability.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.classify.model import load_model
from ingest.classify.rules import RuleSet, load_rules
from ingest.records import Action, Challenge

#: The challenge-category slugs of contract §6 (the glossary's 20 categories, then "otros").
CATEGORY_SLUGS: tuple[str, ...] = (
    "ampliacion-cobertura",
    "barreras-culturales-idioma",
    "cambio-contexto",
    "cobertura-emergencias",
    "coordinacion-interinstitucional",
    "cumplimiento-normatividad",
    "acceso-estaciones-migratorias",
    "difusion-informacion",
    "falta-documentos",
    "falta-indicadores",
    "falta-recursos",
    "simplificacion-tramites",
    "marcos-normativos",
    "capacitacion-servidores-publicos",
    "tejido-social",
    "derechos-humanos",
    "nuevos-actores",
    "informacion-sobre-la-materia",
    "obstaculos-legales",
    "seguimiento-tramites-poblacion",
    "otros",
)


#: Categories kept per reto (the earliest matches).
MAX_CATEGORIES = 2


def rules() -> RuleSet:
    """The compiled challenge-category rules."""
    return load_rules("challenge_categories.toml", CATEGORY_SLUGS)


def classify_challenge(text: str) -> tuple[tuple[str, ...], str]:
    """The categories of one reto (primary first) and how they were found (the matched words, for provenance)."""
    rs = rules()
    hits = rs.hits(text)
    if not hits:
        model = load_model("challenges")
        if model is None or not model.knows(text):
            return (rs.fallback or "otros",), f"{rs.version}; no rule matched: {rs.fallback}"
        probs = model.probabilities(text)
        best = max(model.labels, key=lambda label: probs[label])
        return (best,), f"{rs.version}; no rule matched; {model.version}: {best} (p={probs[best]:.2f})"
    evidence = "; ".join(f"{h.slug} ← «{h.evidence}»" for h in hits[:MAX_CATEGORIES])
    if len(hits) > MAX_CATEGORIES:
        evidence += "; also matched, not kept: " + ", ".join(h.slug for h in hits[MAX_CATEGORIES:])
    return tuple(h.slug for h in hits[:MAX_CATEGORIES]), f"{rs.version}; {evidence}"


def categorise_action(action: Action) -> Action:
    """The action with every reto's categories and method filled (retos that already have categories are kept)."""
    if not action.challenges:
        return action
    out: list[Challenge] = []
    for ch in action.challenges:
        if ch.categories:
            out.append(ch)
            continue
        cats, method = classify_challenge(ch.text)
        out.append(replace(ch, categories=cats, category_method=method))
    return replace(action, challenges=tuple(out))
