"""The concept schemes of ``ontology/migrakg.ttl``, read once and exposed as plain Python lookups.

The ontology file is the single source: OWL terms and the SKOS concepts (23 GCM objectives, actor
types, the 32 states, populations, action types, challenge categories). Concept URIs in the file use
the default base; :func:`ontology_graph` rewrites them for another :class:`~graph.uris.Minter` base.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from graph.namespaces import MKG, SKOS
from graph.uris import DEFAULT_BASE, Minter

ONTOLOGY_PATH = Path(__file__).resolve().parent.parent / "ontology" / "migrakg.ttl"
SHAPES_PATH = Path(__file__).resolve().parent.parent / "shapes" / "migrakg-shapes.ttl"

#: concept-scheme → the URI ``kind`` of its concepts (``{BASE}id/{kind}/{slug}``).
SCHEME_KINDS: dict[URIRef, str] = {
    MKG.GCMObjectives: "objective",
    MKG.ActorTypes: "actor-type",
    MKG.States: "state",
    MKG.Populations: "population",
    MKG.ActionTypes: "action-type",
    MKG.ChallengeCategories: "challenge-category",
}


@dataclass(frozen=True, slots=True)
class Concept:
    """One SKOS concept of a migrakg scheme."""

    scheme: str  # the URI kind: objective, actor-type, state, population, action-type, challenge-category
    slug: str  # the last URI segment (objective number, INEGI code, slug)
    notation: str
    label_es: str
    label_en: str
    definition_es: str = ""
    definition_en: str = ""
    alt_labels: tuple[str, ...] = ()

    def uri(self, minter: Minter) -> URIRef:
        """The concept's URI under ``minter``'s base."""
        return URIRef(f"{minter.id_prefix}{self.scheme}/{self.slug}")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a label, for lookups."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


@cache
def _ontology_turtle() -> str:
    return ONTOLOGY_PATH.read_text(encoding="utf-8")


def ontology_graph(minter: Minter | None = None) -> Graph:
    """A fresh rdflib Graph of the ontology and concept schemes, concept URIs under ``minter``'s base."""
    text = _ontology_turtle()
    if minter is not None and minter.base != DEFAULT_BASE:
        text = text.replace(f"<{DEFAULT_BASE}id/", f"<{minter.id_prefix}")
    return Graph().parse(data=text, format="turtle")


def _lang(g: Graph, s: URIRef, p: URIRef, lang: str) -> str:
    for o in g.objects(s, p):
        if isinstance(o, Literal) and o.language == lang:
            return str(o)
    return ""


@cache
def _concepts() -> dict[str, dict[str, Concept]]:
    g = ontology_graph()
    out: dict[str, dict[str, Concept]] = {kind: {} for kind in SCHEME_KINDS.values()}
    prefix = f"{DEFAULT_BASE}id/"
    for scheme, kind in SCHEME_KINDS.items():
        for s in g.subjects(SKOS.inScheme, scheme):
            assert isinstance(s, URIRef) and str(s).startswith(prefix + kind + "/"), s
            slug = str(s)[len(prefix + kind) + 1 :]
            out[kind][slug] = Concept(
                scheme=kind,
                slug=slug,
                notation=str(g.value(s, SKOS.notation)),
                label_es=_lang(g, s, SKOS.prefLabel, "es"),
                label_en=_lang(g, s, SKOS.prefLabel, "en"),
                definition_es=_lang(g, s, SKOS.definition, "es"),
                definition_en=_lang(g, s, SKOS.definition, "en"),
                alt_labels=tuple(sorted(str(o) for o in g.objects(s, SKOS.altLabel))),
            )
    return out


def concepts(kind: str) -> dict[str, Concept]:
    """Every concept of one scheme, by slug (``objective``, ``actor-type``, ``state``, …)."""
    return dict(_concepts()[kind])


def objectives() -> dict[int, Concept]:
    """The 23 GCM objectives by number."""
    return {int(k): v for k, v in sorted(_concepts()["objective"].items(), key=lambda kv: int(kv[0]))}


def states() -> dict[str, Concept]:
    """The 32 states by two-digit INEGI code."""
    return dict(sorted(_concepts()["state"].items()))


@cache
def _state_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, c in _concepts()["state"].items():
        for label in (c.label_es, c.label_en, *c.alt_labels):
            index.setdefault(fold(label), code)
    return index


def state_code(name: str) -> str | None:
    """The INEGI code of a state named by any of its labels (accent- and case-insensitive), or None."""
    return _state_index().get(fold(name))


@cache
def _actor_type_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for slug, c in _concepts()["actor-type"].items():
        for key in (slug, c.notation, c.label_es, c.label_en):
            index[fold(key)] = slug
    return index


def actor_type_slug(value: str) -> str | None:
    """The actor-type slug for a slug, an export code (``ENTIDAD_FEDERATIVA``) or a label; None if unknown."""
    return _actor_type_index().get(fold(value)) or _actor_type_index().get(fold(value.replace("_", "-")))


def slugs(kind: str) -> frozenset[str]:
    """The slugs of one scheme (e.g. ``slugs("population")``)."""
    return frozenset(_concepts()[kind])
