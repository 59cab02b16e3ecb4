"""Search documents read from the published graph (so search and SPARQL agree).

:func:`documents_from_store` runs a handful of SPARQL queries on a pyoxigraph ``Store`` holding the
build (contract §2 vocabulary) and assembles one :class:`SearchDocument` per ``mkg:Action``. Queries
run over the union of the default graph and every named graph (the build keeps one named graph
per report).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.namespaces import SPARQL_PROLOGUE

PREFIXES = SPARQL_PROLOGUE

#: Actor-type codes of the export (contract §3), by the slug of the actor-type concept URI.
ACTOR_TYPE_CODES: dict[str, str] = {
    "apf": "APF",
    "ef": "ENTIDAD_FEDERATIVA",
    "entidad-federativa": "ENTIDAD_FEDERATIVA",
    "pj": "PODER_JUDICIAL",
    "poder-judicial": "PODER_JUDICIAL",
    "pl": "PODER_LEGISLATIVO",
    "poder-legislativo": "PODER_LEGISLATIVO",
    "oca": "OCA",
    "osc": "OSC",
}

_ACTION_KEY = re.compile(r"(\d{4})-([a-z]+)-o(\d{2})-(\d+)$")


@dataclass(slots=True)
class SearchDocument:
    """Everything the index needs about one action.

    Facet values are display values: acronyms for institutions and partners (a state government's
    name when it has no acronym), export codes for actor types, state names, slugs for populations,
    action types and challenge categories.
    """

    id: str  # the action URI
    key: str  # e.g. 2024-ef-o01-02
    title: str
    description: str = ""
    results: str = ""
    challenges: list[str] = field(default_factory=list)
    edition: int = 0
    objective: int = 0
    objective_title: str = ""
    institutions: list[str] = field(default_factory=list)  # reporting institutions (display values)
    institution_names: list[str] = field(default_factory=list)  # their prefLabels and altLabels
    actor_types: list[str] = field(default_factory=list)  # the action's own, else its institutions'
    partners: list[str] = field(default_factory=list)
    partner_names: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    populations: list[str] = field(default_factory=list)  # slugs
    population_labels: list[str] = field(default_factory=list)
    action_types: list[str] = field(default_factory=list)
    action_type_labels: list[str] = field(default_factory=list)
    challenge_categories: list[str] = field(default_factory=list)
    challenge_category_labels: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)


def slug_of(uri: str) -> str:
    """The last path segment of a URI (the concept key of contract §6)."""
    return uri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def actor_type_code(uri: str, notation: str | None) -> str:
    """The export code of an actor-type concept (contract §3): by its slug, else its notation."""
    slug = slug_of(uri)
    return ACTOR_TYPE_CODES.get(slug) or notation or slug.upper().replace("-", "_")


def _rows(store: ox.Store, sparql: str) -> list[dict[str, Any]]:
    """Run a SELECT over the union graph; each row maps variable name → (value, language) or None."""
    solutions = store.query(PREFIXES + sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    out = []
    for sol in solutions:
        row: dict[str, Any] = {}
        for name in names:
            term = sol[name]
            row[name] = None if term is None else (term.value, getattr(term, "language", None))
        out.append(row)
    return out


class _Labels:
    """Collects literals per subject and picks the Spanish one (else untagged, else any)."""

    def __init__(self) -> None:
        self._by: dict[str, dict[str, str]] = defaultdict(dict)

    def add(self, subject: str, cell: tuple[str, str | None] | None) -> None:
        if cell is None:
            return
        value, lang = cell
        rank = {"es": "0", None: "1", "": "1"}.get(lang, "2")
        self._by[subject].setdefault(rank, value)
        prev = self._by[subject][rank]
        # deterministic choice among several of the same rank
        self._by[subject][rank] = min(prev, value)

    def get(self, subject: str) -> str:
        ranks = self._by.get(subject, {})
        return ranks[min(ranks)] if ranks else ""


def _v(cell: tuple[str, str | None] | None) -> str | None:
    return None if cell is None else cell[0]


def _add_unique(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def documents_from_store(store: ox.Store) -> list[SearchDocument]:
    """One :class:`SearchDocument` per ``mkg:Action`` in ``store``, sorted by action URI."""
    titles, descriptions, results = _Labels(), _Labels(), _Labels()
    docs: dict[str, SearchDocument] = {}
    obj_of: dict[str, str] = {}
    edition_of: dict[str, int] = {}
    for row in _rows(
        store,
        """SELECT ?a ?title ?desc ?res ?o ?ed ?issued WHERE {
             ?a a mkg:Action .
             OPTIONAL { ?a dcterms:title ?title }
             OPTIONAL { ?a dcterms:description ?desc }
             OPTIONAL { ?a mkg:results ?res }
             OPTIONAL { ?a mkg:objective ?o }
             OPTIONAL { ?a mkg:reportedIn ?rep .
                        OPTIONAL { ?rep mkg:edition ?ed } OPTIONAL { ?rep dcterms:issued ?issued } }
           }""",
    ):
        a = _v(row["a"])
        assert a is not None
        if a not in docs:
            key = slug_of(a)
            docs[a] = SearchDocument(id=a, key=key, title="")
        titles.add(a, row["title"])
        descriptions.add(a, row["desc"])
        results.add(a, row["res"])
        if row["o"]:
            obj_of[a] = _v(row["o"]) or ""
        year = _v(row["ed"]) or (_v(row["issued"]) or "")[:4]
        if year and year.isdigit():
            edition_of[a] = int(year)

    # objectives: number (skos:notation) and Spanish title
    obj_num: dict[str, int] = {}
    obj_title = _Labels()
    for row in _rows(
        store,
        """SELECT ?o ?n ?label WHERE {
             ?a a mkg:Action ; mkg:objective ?o .
             OPTIONAL { ?o skos:notation ?n } OPTIONAL { ?o skos:prefLabel ?label }
           }""",
    ):
        o = _v(row["o"]) or ""
        n = _v(row["n"]) or slug_of(o)
        if n.isdigit():
            obj_num[o] = int(n)
        obj_title.add(o, row["label"])

    for a, doc in docs.items():
        doc.title = titles.get(a)
        doc.description = descriptions.get(a)
        doc.results = results.get(a)
        m = _ACTION_KEY.match(doc.key)
        doc.edition = edition_of.get(a) or (int(m.group(1)) if m else 0)
        o = obj_of.get(a)
        doc.objective = obj_num.get(o, 0) if o else 0
        if not doc.objective and m:
            doc.objective = int(m.group(3))
        doc.objective_title = obj_title.get(o) if o else ""

    _add_institutions(store, docs)
    _add_states(store, docs)
    _add_concepts(store, docs, "mkg:population", "populations", "population_labels")
    _add_concepts(store, docs, "mkg:actionType", "action_types", "action_type_labels")
    _add_challenges(store, docs)
    return [docs[a] for a in sorted(docs)]


def _institution_info(store: ox.Store) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    """Display value, names (prefLabel + altLabels) and actor-type codes of every institution."""
    acronyms, pref = _Labels(), _Labels()
    names: dict[str, list[str]] = defaultdict(list)
    types: dict[str, list[str]] = defaultdict(list)
    for row in _rows(
        store,
        """SELECT ?i ?acr ?pref ?alt ?t ?tn WHERE {
             ?i a mkg:Institution .
             OPTIONAL { ?i mkg:acronym ?acr }
             OPTIONAL { ?i skos:prefLabel ?pref }
             OPTIONAL { ?i skos:altLabel ?alt }
             OPTIONAL { ?i mkg:actorType ?t OPTIONAL { ?t skos:notation ?tn } }
           }""",
    ):
        i = _v(row["i"]) or ""
        acronyms.add(i, row["acr"])
        pref.add(i, row["pref"])
        _add_unique(names[i], _v(row["pref"]))
        _add_unique(names[i], _v(row["alt"]))
        if row["t"]:
            _add_unique(types[i], actor_type_code(_v(row["t"]) or "", _v(row["tn"])))
    display = {i: acronyms.get(i) or pref.get(i) or slug_of(i).upper() for i in names}
    return display, names, types


def _add_institutions(store: ox.Store, docs: dict[str, SearchDocument]) -> None:
    display, names, types = _institution_info(store)
    for prop, who in (("mkg:reportedBy", "institutions"), ("mkg:partner", "partners")):
        for row in _rows(store, f"SELECT ?a ?i WHERE {{ ?a a mkg:Action ; {prop} ?i }}"):
            a, i = _v(row["a"]) or "", _v(row["i"]) or ""
            doc = docs.get(a)
            if doc is None:
                continue
            label = display.get(i) or slug_of(i).upper()
            if who == "institutions":
                _add_unique(doc.institutions, label)
                for name in names.get(i, []):
                    _add_unique(doc.institution_names, name)
                for code in types.get(i, []):
                    _add_unique(doc.actor_types, code)
            else:
                _add_unique(doc.partners, label)
                for name in names.get(i, []):
                    _add_unique(doc.partner_names, name)
    # the action's own actor type (its chapter, contract §3) wins over its institutions' types
    own: dict[str, list[str]] = defaultdict(list)
    for row in _rows(
        store, "SELECT ?a ?t ?tn WHERE { ?a a mkg:Action ; mkg:actorType ?t OPTIONAL { ?t skos:notation ?tn } }"
    ):
        _add_unique(own[_v(row["a"]) or ""], actor_type_code(_v(row["t"]) or "", _v(row["tn"])))
    for a, doc in docs.items():
        if own.get(a):
            doc.actor_types = list(own[a])
        doc.institutions.sort()
        doc.partners.sort()
        doc.actor_types.sort()


def _add_states(store: ox.Store, docs: dict[str, SearchDocument]) -> None:
    labels = _Labels()
    pairs: set[tuple[str, str]] = set()
    for row in _rows(
        store,
        """SELECT ?a ?s ?label WHERE {
             ?a a mkg:Action .
             { ?a mkg:state ?s } UNION { ?a mkg:reportedBy ?i . ?i mkg:state ?s }
             OPTIONAL { ?s skos:prefLabel ?label }
           }""",
    ):
        a, s = _v(row["a"]) or "", _v(row["s"]) or ""
        labels.add(s, row["label"])
        pairs.add((a, s))
    for a, s in sorted(pairs):
        if a in docs:
            _add_unique(docs[a].states, labels.get(s) or slug_of(s))
    for doc in docs.values():
        doc.states.sort()


def _add_concepts(store: ox.Store, docs: dict[str, SearchDocument], prop: str, slugs: str, labels_attr: str) -> None:
    labels = _Labels()
    pairs: set[tuple[str, str]] = set()
    for row in _rows(
        store,
        f"""SELECT ?a ?c ?label WHERE {{
              ?a a mkg:Action ; {prop} ?c .
              OPTIONAL {{ ?c skos:prefLabel ?label }}
            }}""",
    ):
        a, c = _v(row["a"]) or "", _v(row["c"]) or ""
        labels.add(c, row["label"])
        pairs.add((a, c))
    for a, c in sorted(pairs):
        doc = docs.get(a)
        if doc is None:
            continue
        _add_unique(getattr(doc, slugs), slug_of(c))
        _add_unique(getattr(doc, labels_attr), labels.get(c))


def _add_challenges(store: ox.Store, docs: dict[str, SearchDocument]) -> None:
    labels = _Labels()
    texts: dict[str, set[tuple[str, str]]] = defaultdict(set)
    cats: dict[str, set[str]] = defaultdict(set)
    for row in _rows(
        store,
        """SELECT ?a ?c ?text ?cat ?label WHERE {
             ?a a mkg:Action ; mkg:challenge ?c .
             OPTIONAL { ?c rdf:value ?text }
             OPTIONAL { ?c mkg:challengeCategory ?cat OPTIONAL { ?cat skos:prefLabel ?label } }
           }""",
    ):
        a, c = _v(row["a"]) or "", _v(row["c"]) or ""
        if row["text"]:
            texts[a].add((c, _v(row["text"]) or ""))
        if row["cat"]:
            cat = _v(row["cat"]) or ""
            labels.add(cat, row["label"])
            cats[a].add(cat)
    for a, doc in docs.items():
        # challenge URIs end in -r01, -r02… (graph.uris); blank nodes fall back to text order
        doc.challenges = [t for _, t in sorted(texts.get(a, ()))]
        for cat in sorted(cats.get(a, ())):
            _add_unique(doc.challenge_categories, slug_of(cat))
            _add_unique(doc.challenge_category_labels, labels.get(cat))
