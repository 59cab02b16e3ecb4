"""Named SPARQL queries for the questions coordinators ask, runnable on any :class:`SparqlBackend`.

Parameters are substituted as SPARQL literals (never pasted as raw text): integers as integers,
strings as escaped string literals. Every query reads the union of the named graphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.namespaces import SPARQL_PROLOGUE
from graph.store import Row, SparqlBackend

PREFIXES = SPARQL_PROLOGUE

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A parameterised SELECT query with a name and a one-line description."""

    name: str
    description: str
    template: str  # uses %(param)s placeholders

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_PLACEHOLDER.findall(self.template)))

    def render(self, **params: int | str) -> str:
        """The full SPARQL text with ``params`` substituted as SPARQL literals."""
        missing = set(self.params) - set(params)
        extra = set(params) - set(self.params)
        if missing or extra:
            raise ValueError(f"query {self.name}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        return PREFIXES + self.template % {k: sparql_literal(v) for k, v in params.items()}

    def run(self, backend: SparqlBackend, **params: int | str) -> list[Row]:
        return backend.select(self.render(**params))


def sparql_literal(value: int | str) -> str:
    """A Python int or str as a SPARQL literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        escaped = value.translate(_ESCAPES)
        return f'"{escaped}"'
    raise TypeError(f"unsupported query parameter {value!r}")


STATES_FOR_OBJECTIVE = NamedQuery(
    "states-for-objective",
    "States with actions under objective N in edition Y (0 = every edition), with their action counts.",
    """SELECT ?state ?inegi ?name (COUNT(DISTINCT ?action) AS ?actions) WHERE {
    ?action a mkg:Action ; mkg:objective ?objective ; mkg:reportedIn ?report ; mkg:state ?state .
    ?objective skos:notation %(objective)s .
    ?report mkg:edition ?edition .
    FILTER (%(edition)s = 0 || ?edition = %(edition)s)
    ?state skos:notation ?inegi ; skos:prefLabel ?name .
    FILTER (LANG(?name) = "es")
}
GROUP BY ?state ?inegi ?name
ORDER BY ?inegi""",
)

INSTITUTIONS_FOR_OBJECTIVE = NamedQuery(
    "institutions-for-objective",
    "Institutions reporting actions under objective N (edition Y, 0 = every edition), most actions first.",
    """SELECT ?institution ?acronym ?name ?actor_type (COUNT(DISTINCT ?action) AS ?actions) WHERE {
    ?action a mkg:Action ; mkg:objective ?objective ; mkg:reportedIn ?report ; mkg:reportedBy ?institution .
    ?objective skos:notation %(objective)s .
    ?report mkg:edition ?edition .
    FILTER (%(edition)s = 0 || ?edition = %(edition)s)
    ?institution mkg:acronym ?acronym ; skos:prefLabel ?name .
    FILTER (LANG(?name) = "es")
    OPTIONAL { ?institution mkg:actorType/skos:notation ?actor_type }
}
GROUP BY ?institution ?acronym ?name ?actor_type
ORDER BY DESC(?actions) ?acronym""",
)

ACTIONS_WITH_BOTH = NamedQuery(
    "actions-with-both",
    "Actions that name both institution A and institution B (as reporter or partner), by acronym.",
    """SELECT ?action ?key ?title ?edition ?objective WHERE {
    ?a mkg:acronym %(a)s .
    ?b mkg:acronym %(b)s .
    ?action a mkg:Action ; mkg:reportedBy|mkg:partner ?a ; mkg:reportedBy|mkg:partner ?b ;
        dcterms:identifier ?key ; dcterms:title ?title ; mkg:reportedIn ?report ; mkg:objective ?o .
    FILTER (?a != ?b)
    ?report mkg:edition ?edition .
    ?o skos:notation ?objective .
}
ORDER BY ?key""",
)

ACTIONS_PER_OBJECTIVE_AND_ACTOR_TYPE = NamedQuery(
    "actions-per-objective-actor-type",
    "Number of actions per objective and actor type (chapter) in edition Y (0 = every edition).",
    """SELECT ?edition ?objective ?actor_type (COUNT(DISTINCT ?action) AS ?actions) WHERE {
    ?action a mkg:Action ; mkg:objective/skos:notation ?objective ; mkg:actorType/skos:notation ?actor_type ;
        mkg:reportedIn/mkg:edition ?edition .
    FILTER (%(edition)s = 0 || ?edition = %(edition)s)
}
GROUP BY ?edition ?objective ?actor_type
ORDER BY ?edition ?objective ?actor_type""",
)

QUERIES: dict[str, NamedQuery] = {
    q.name: q
    for q in (STATES_FOR_OBJECTIVE, INSTITUTIONS_FOR_OBJECTIVE, ACTIONS_WITH_BOTH, ACTIONS_PER_OBJECTIVE_AND_ACTOR_TYPE)
}


def states_for_objective(backend: SparqlBackend, objective: int, edition: int = 0) -> list[Row]:
    """States with actions under ``objective`` in ``edition`` (0: all): state, inegi, name, actions."""
    return STATES_FOR_OBJECTIVE.run(backend, objective=int(objective), edition=int(edition))


def institutions_for_objective(backend: SparqlBackend, objective: int, edition: int = 0) -> list[Row]:
    """Institutions covering ``objective``: institution, acronym, name, actor_type, actions."""
    return INSTITUTIONS_FOR_OBJECTIVE.run(backend, objective=int(objective), edition=int(edition))


def actions_with_both(backend: SparqlBackend, a: str, b: str) -> list[Row]:
    """Actions naming both institutions (acronyms ``a`` and ``b``): action, key, title, edition, objective."""
    return ACTIONS_WITH_BOTH.run(backend, a=a, b=b)


def actions_per_objective_and_actor_type(backend: SparqlBackend, edition: int = 0) -> list[Row]:
    """Action counts per (edition, objective, actor type)."""
    return ACTIONS_PER_OBJECTIVE_AND_ACTOR_TYPE.run(backend, edition=int(edition))
