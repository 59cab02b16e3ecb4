"""An in-memory view of the published graph for the HTML pages, read once per build through SPARQL.

The corpus is small (hundreds of actions), so every page is rendered from these plain objects
instead of querying the store on each request; the store stays the single source (nothing here is
read from anywhere else) and is still queried directly for linked data and the network.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.namespaces import SPARQL_PROLOGUE
from graph.store import SparqlBackend

PREFIXES = SPARQL_PROLOGUE
SEP = "\u001f"  # GROUP_CONCAT separator (never in the data)

#: Chapters of the reports (action actor types), in the reports' order.
CHAPTER_TYPES = ("APF", "ENTIDAD_FEDERATIVA", "PODER_JUDICIAL", "PODER_LEGISLATIVO", "OCA", "OSC")


@dataclass(frozen=True)
class Concept:
    """A SKOS concept of one of the schemes (objective, state, actor type, population, …)."""

    kind: str
    key: str  # the URI's last segment (objective number, INEGI code, slug)
    iri: str
    notation: str
    labels: dict[str, str]
    definitions: dict[str, str]

    def label(self, lang: str = "es") -> str:
        """The preferred label in ``lang`` (Spanish when missing)."""
        return self.labels.get(lang) or self.labels.get("es") or self.key

    def definition(self, lang: str = "es") -> str:
        """The definition in ``lang`` (Spanish when missing)."""
        return self.definitions.get(lang) or self.definitions.get("es") or ""


@dataclass(frozen=True)
class Institution:
    slug: str
    iri: str
    acronym: str
    name: str
    alt_labels: tuple[str, ...]
    actor_type: str  # notation, e.g. APF
    parent: str | None  # slug
    state: str | None  # INEGI code
    same_as: tuple[str, ...]

    @property
    def display(self) -> str:
        """Acronym, or the name when the acronym is the name (state governments)."""
        return self.acronym or self.name


@dataclass(frozen=True)
class Challenge:
    text: str
    categories: tuple[str, ...]
    category_method: str = ""


@dataclass(frozen=True)
class Source:
    file: str
    line_start: int
    line_end: int
    quote: str


@dataclass(frozen=True)
class Report:
    slug: str
    iri: str
    title: str
    edition: int
    issued: str
    period_start: str
    period_end: str
    kind: str


@dataclass(frozen=True)
class Action:
    key: str
    iri: str
    title: str
    description: str
    results: str
    has_results: bool
    gender_focus: bool
    disability_focus: bool
    number: int | None
    objective: int
    edition: int
    report: str
    actor_type: str
    actor_text: str
    reporters: tuple[str, ...]
    partners: tuple[str, ...]
    populations: tuple[str, ...]
    action_types: tuple[str, ...]
    states: tuple[str, ...]
    challenges: tuple[Challenge, ...]
    source: Source | None
    same_programme: tuple[str, ...]
    derivation: tuple[str, ...] = ()  # "field: method" notes of the values derived from the text

    @property
    def objective_inferred(self) -> bool:
        """True when the report prints no objective for the action and it was inferred."""
        return any(note.startswith("objective: inferred") for note in self.derivation)


@dataclass
class Catalogue:
    """Everything the pages show, keyed the way the URLs are."""

    base_uri: str
    actions: dict[str, Action] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    concepts: dict[str, dict[str, Concept]] = field(default_factory=lambda: defaultdict(dict))
    reports: dict[str, Report] = field(default_factory=dict)
    by_institution: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # reporter
    by_partner: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_state: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_objective: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_title: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def editions(self) -> list[int]:
        """Editions with actions, newest first."""
        return sorted({a.edition for a in self.actions.values()}, reverse=True)

    @property
    def highlight_editions(self) -> set[int]:
        """Editions whose actions all come from summaries (a few highlighted practices, not the full list)."""
        listed = {a.edition for a in self.actions.values() if self._kind(a.report) == "actions"}
        return {a.edition for a in self.actions.values()} - listed

    def _kind(self, report: str) -> str:
        r = self.reports.get(report)
        return r.kind if r else ""

    def objective(self, n: int) -> Concept | None:
        return self.concepts["objective"].get(str(n))

    def objectives(self) -> list[Concept]:
        return sorted(self.concepts["objective"].values(), key=lambda c: int(c.key))

    def states(self) -> list[Concept]:
        return sorted(self.concepts["state"].values(), key=lambda c: c.key)

    def concept_label(self, kind: str, key: str, lang: str = "es") -> str:
        """The label of the concept ``kind/key`` (the key itself when unknown)."""
        c = self.concepts[kind].get(key)
        return c.label(lang) if c else key

    def actor_type_label(self, notation: str, lang: str = "es") -> str:
        for c in self.concepts["actor-type"].values():
            if c.notation == notation:
                return c.label(lang)
        return notation

    def same_programme(self, action: Action) -> list[Action]:
        """The same programme elsewhere: mkg:sameProgrammeAs links, else the same title and reporters."""
        keys = list(action.same_programme)
        if not keys:
            keys = [
                k
                for k in self.by_title.get(title_key(action.title), [])
                if k != action.key and set(self.actions[k].reporters) & set(action.reporters)
            ]
        return [self.actions[k] for k in keys if k in self.actions]

    def edition_counts(self, keys: list[str]) -> dict[int, int]:
        c = Counter(self.actions[k].edition for k in keys)
        return {e: c.get(e, 0) for e in self.editions}


def title_key(title: str) -> str:
    """A title folded for comparison: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", title.casefold())
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text if not unicodedata.combining(ch)).split())


def _split(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(sorted(set(str(value).split(SEP))))


def _last(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


_CONCEPTS = (
    PREFIXES
    + """SELECT ?c ?notation ?lang ?label ?definition WHERE {
  ?c a skos:Concept ; skos:prefLabel ?label .
  OPTIONAL { ?c skos:notation ?notation }
  BIND (LANG(?label) AS ?lang)
  OPTIONAL { ?c skos:definition ?definition FILTER (LANG(?definition) = LANG(?label)) }
}"""
)

_INSTITUTIONS = (
    PREFIXES
    + f"""SELECT ?i ?acronym ?name ?type ?parent ?state
  (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR="{SEP}") AS ?alts)
  (GROUP_CONCAT(DISTINCT STR(?same); SEPARATOR="{SEP}") AS ?sames) WHERE {{
  ?i a mkg:Institution ; skos:prefLabel ?name .
  FILTER (LANG(?name) = "es" || LANG(?name) = "")
  OPTIONAL {{ ?i mkg:acronym ?acronym }}
  OPTIONAL {{ ?i mkg:actorType/skos:notation ?type }}
  OPTIONAL {{ ?i org:subOrganizationOf ?parent }}
  OPTIONAL {{ ?i mkg:state/skos:notation ?state }}
  OPTIONAL {{ ?i skos:altLabel ?alt }}
  OPTIONAL {{ ?i owl:sameAs ?same }}
}} GROUP BY ?i ?acronym ?name ?type ?parent ?state"""
)

_REPORTS = (
    PREFIXES
    + """SELECT ?r ?id ?title ?edition ?issued ?start ?end ?kind WHERE {
  ?r a mkg:Report ; dcterms:identifier ?id ; mkg:edition ?edition .
  OPTIONAL { ?r dcterms:title ?title }
  OPTIONAL { ?r dcterms:issued ?issued }
  OPTIONAL { ?r mkg:periodStart ?start }
  OPTIONAL { ?r mkg:periodEnd ?end }
  OPTIONAL { ?r mkg:reportKind ?kind }
}"""
)

_ACTIONS = (
    PREFIXES
    + """SELECT ?a ?key ?title ?description ?results ?hasResults ?gender ?disability ?number
  ?objective ?report ?edition ?type ?actorText ?file ?ls ?le ?quote WHERE {
  ?a a mkg:Action ; dcterms:identifier ?key ; dcterms:title ?title ; mkg:objective/skos:notation ?objective ;
     mkg:reportedIn ?report .
  ?report mkg:edition ?edition .
  OPTIONAL { ?a dcterms:description ?description }
  OPTIONAL { ?a mkg:results ?results }
  OPTIONAL { ?a mkg:hasResults ?hasResults }
  OPTIONAL { ?a mkg:genderFocus ?gender }
  OPTIONAL { ?a mkg:disabilityFocus ?disability }
  OPTIONAL { ?a mkg:numberInSection ?number }
  OPTIONAL { ?a mkg:actorType/skos:notation ?type }
  OPTIONAL { ?a mkg:actorText ?actorText }
  OPTIONAL { ?a prov:wasDerivedFrom ?span . ?span mkg:sourceFile ?file ; mkg:lineStart ?ls ; mkg:lineEnd ?le .
             OPTIONAL { ?span mkg:quote ?quote } }
}"""
)

_ACTION_LINKS = (
    PREFIXES
    + f"""SELECT ?a
  (GROUP_CONCAT(DISTINCT STR(?by); SEPARATOR="{SEP}") AS ?bys)
  (GROUP_CONCAT(DISTINCT STR(?partner); SEPARATOR="{SEP}") AS ?partners)
  (GROUP_CONCAT(DISTINCT STR(?population); SEPARATOR="{SEP}") AS ?populations)
  (GROUP_CONCAT(DISTINCT STR(?actionType); SEPARATOR="{SEP}") AS ?actionTypes)
  (GROUP_CONCAT(DISTINCT STR(?state); SEPARATOR="{SEP}") AS ?states)
  (GROUP_CONCAT(DISTINCT STR(?same); SEPARATOR="{SEP}") AS ?sames) WHERE {{
  ?a a mkg:Action .
  OPTIONAL {{ ?a mkg:reportedBy ?by }}
  OPTIONAL {{ ?a mkg:partner ?partner }}
  OPTIONAL {{ ?a mkg:population ?population }}
  OPTIONAL {{ ?a mkg:actionType ?actionType }}
  OPTIONAL {{ ?a mkg:state ?state }}
  OPTIONAL {{ {{ ?a mkg:sameProgrammeAs ?same }} UNION {{ ?same mkg:sameProgrammeAs ?a }} }}
}} GROUP BY ?a"""
)

_CHALLENGES = (
    PREFIXES
    + f"""SELECT ?a ?c ?text (GROUP_CONCAT(DISTINCT STR(?category); SEPARATOR="{SEP}") AS ?cats)
  (SAMPLE(?m) AS ?method)
WHERE {{
  ?a mkg:challenge ?c . ?c rdf:value ?text .
  OPTIONAL {{ ?c mkg:challengeCategory ?category }}
  OPTIONAL {{ ?c mkg:categoryMethod ?m }}
}} GROUP BY ?a ?c ?text ORDER BY ?c"""
)

_DERIVATIONS = PREFIXES + """SELECT ?a ?note WHERE { ?a a mkg:Action ; mkg:derivation ?note } ORDER BY ?a ?note"""


def load_catalogue(backend: SparqlBackend, base_uri: str) -> Catalogue:
    """Read the pages' view of the graph from ``backend`` (a handful of SELECT queries)."""
    cat = Catalogue(base_uri=base_uri)
    id_base = base_uri + "id/"
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    definitions: dict[str, dict[str, str]] = defaultdict(dict)
    notations: dict[str, str] = {}
    for row in backend.select(_CONCEPTS):
        iri = str(row["c"])
        lang = str(row["lang"] or "es")
        labels[iri][lang] = str(row["label"])
        if row["definition"]:
            definitions[iri][lang] = str(row["definition"])
        if row["notation"] is not None:
            notations[iri] = str(row["notation"])
    for iri, labs in labels.items():
        if not iri.startswith(id_base):
            continue
        kind, _, key = iri[len(id_base) :].partition("/")
        cat.concepts[kind][key] = Concept(kind, key, iri, notations.get(iri, key), labs, definitions.get(iri, {}))

    for row in backend.select(_INSTITUTIONS):
        iri = str(row["i"])
        slug = _last(iri)
        cat.institutions[slug] = Institution(
            slug=slug,
            iri=iri,
            acronym=str(row["acronym"] or ""),
            name=str(row["name"]),
            alt_labels=_split(row["alts"]),
            actor_type=str(row["type"] or ""),
            parent=_last(str(row["parent"])) if row["parent"] else None,
            state=str(row["state"]) if row["state"] else None,
            same_as=_split(row["sames"]),
        )

    for row in backend.select(_REPORTS):
        slug = str(row["id"])
        cat.reports[slug] = Report(
            slug=slug,
            iri=str(row["r"]),
            title=str(row["title"] or slug),
            edition=int(row["edition"]),  # type: ignore[arg-type]
            issued=str(row["issued"] or ""),
            period_start=str(row["start"] or ""),
            period_end=str(row["end"] or ""),
            kind=str(row["kind"] or ""),
        )

    links = {str(r["a"]): r for r in backend.select(_ACTION_LINKS)}
    challenges: dict[str, list[Challenge]] = defaultdict(list)
    for row in backend.select(_CHALLENGES):
        cats = tuple(_last(c) for c in _split(row["cats"]))
        challenges[str(row["a"])].append(Challenge(str(row["text"]), cats, str(row["method"] or "")))
    derivations: dict[str, list[str]] = defaultdict(list)
    for row in backend.select(_DERIVATIONS):
        derivations[str(row["a"])].append(str(row["note"]))

    rows = sorted(backend.select(_ACTIONS), key=lambda r: str(r["key"]))
    for row in rows:
        iri = str(row["a"])
        if str(row["key"]) in cat.actions:
            continue  # several spans: the first is the action's own
        link = links.get(iri, {})
        source = None
        if row["file"]:
            source = Source(str(row["file"]), int(row["ls"]), int(row["le"]), str(row["quote"] or ""))  # type: ignore[arg-type]
        action = Action(
            key=str(row["key"]),
            iri=iri,
            title=str(row["title"]),
            description=str(row["description"] or ""),
            results=str(row["results"] or ""),
            has_results=bool(row["hasResults"]),
            gender_focus=bool(row["gender"]),
            disability_focus=bool(row["disability"]),
            number=int(row["number"]) if row["number"] is not None else None,  # type: ignore[arg-type]
            objective=int(row["objective"]),  # type: ignore[arg-type]
            edition=int(row["edition"]),  # type: ignore[arg-type]
            report=_last(str(row["report"])),
            actor_type=str(row["type"] or ""),
            actor_text=str(row["actorText"] or ""),
            reporters=tuple(_last(x) for x in _split(link.get("bys"))),
            partners=tuple(_last(x) for x in _split(link.get("partners"))),
            populations=tuple(_last(x) for x in _split(link.get("populations"))),
            action_types=tuple(_last(x) for x in _split(link.get("actionTypes"))),
            states=tuple(_last(x) for x in _split(link.get("states"))),
            challenges=tuple(challenges.get(iri, [])),
            source=source,
            same_programme=tuple(_last(x) for x in _split(link.get("sames"))),
            derivation=tuple(derivations.get(iri, ())),
        )
        cat.actions[action.key] = action
        for slug in action.reporters:
            cat.by_institution[slug].append(action.key)
        for slug in action.partners:
            cat.by_partner[slug].append(action.key)
        for inegi in action.states:
            cat.by_state[inegi].append(action.key)
        cat.by_objective[action.objective].append(action.key)
        cat.by_title[title_key(action.title)].append(action.key)
    return cat


_lock = threading.Lock()
_cache: dict[str, Catalogue] = {}


def catalogue_for(build_key: str, backend: SparqlBackend, base_uri: str) -> Catalogue:
    """The catalogue of one build, loaded once (the newest build only is kept)."""
    with _lock:
        cat = _cache.get(build_key)
        if cat is None:
            cat = load_catalogue(backend, base_uri)
            _cache.clear()
            _cache[build_key] = cat
        return cat
