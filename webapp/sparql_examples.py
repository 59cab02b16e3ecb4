"""Example queries of the SPARQL page: questions coordinators and researchers ask, one sentence each.

Every example that lists actions projects ``?action`` (its IRI, linked to the action page) and
``?sourceFile``/``?lineStart`` (where the report says it), so each row leads back to the action and its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.namespaces import DCTERMS, MKG_IRI, ORG, PROV, SKOS

PREFIX_MAP = {
    "mkg": MKG_IRI,
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def prefix_block() -> str:
    """The PREFIX lines every example starts with."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIX_MAP.items())


@dataclass(frozen=True, slots=True)
class Example:
    """One example query: a key, a Spanish title, one sentence saying what it answers, and its text."""

    key: str
    title: str
    explanation: str
    body: str

    @property
    def text(self) -> str:
        return prefix_block() + "\n" + self.body.strip() + "\n"


EXAMPLES: tuple[Example, ...] = (
    Example(
        "acciones-con-oim",
        "Acciones en colaboración con la OIM",
        "Qué acciones nombran a la Organización Internacional para las Migraciones como socia, quién las "
        "reporta y en qué línea del informe aparecen.",
        """
SELECT ?action ?edition ?title ?lead ?sourceFile ?lineStart WHERE {
  ?oim mkg:acronym "OIM" .
  ?action a mkg:Action ; mkg:partner ?oim ; dcterms:title ?title ; mkg:reportedIn/mkg:edition ?edition ;
          mkg:reportedBy/mkg:acronym ?lead ;
          prov:wasDerivedFrom [ mkg:sourceFile ?sourceFile ; mkg:lineStart ?lineStart ] .
}
ORDER BY DESC(?edition) ?action
""",
    ),
    Example(
        "pares-de-instituciones",
        "Pares de instituciones que trabajan juntas",
        "Qué pares de instituciones aparecen en las mismas acciones (una la reporta, la otra es socia o "
        "también la reporta), cuántas veces, con una acción de ejemplo.",
        """
SELECT ?a ?b (COUNT(DISTINCT ?action) AS ?actions) (SAMPLE(?action) AS ?exampleAction) WHERE {
  ?action a mkg:Action ; mkg:reportedBy ?x .
  { ?action mkg:partner ?y } UNION { ?action mkg:reportedBy ?y }
  FILTER (?x != ?y)
  ?x mkg:acronym ?a . ?y mkg:acronym ?b .
  FILTER (STR(?a) < STR(?b))
}
GROUP BY ?a ?b
ORDER BY DESC(?actions) ?a ?b
LIMIT 50
""",
    ),
    Example(
        "objetivos-un-solo-tipo",
        "Objetivos que cubre un solo tipo de actor",
        "En qué objetivos del Pacto todas las acciones de una edición vienen de un único tipo de actor "
        "(por ejemplo, solo la APF): huecos de coordinación.",
        """
SELECT ?edition ?objective (SAMPLE(?type) AS ?onlyActorType) (COUNT(DISTINCT ?action) AS ?actions)
       (SAMPLE(?action) AS ?exampleAction) WHERE {
  ?action a mkg:Action ; mkg:objective/skos:notation ?objective ; mkg:reportedIn/mkg:edition ?edition ;
          mkg:actorType/skos:notation ?type .
}
GROUP BY ?edition ?objective
HAVING (COUNT(DISTINCT ?type) = 1)
ORDER BY DESC(?edition) ?objective
""",
    ),
    Example(
        "instituciones-por-objetivo",
        "Instituciones que cubren el objetivo 7",
        "Qué instituciones reportan acciones para reducir las vulnerabilidades en la migración (objetivo 7), "
        "con cuántas acciones y una de ejemplo.",
        """
SELECT ?institution ?acronym (COUNT(DISTINCT ?action) AS ?actions) (SAMPLE(?action) AS ?exampleAction) WHERE {
  ?action a mkg:Action ; mkg:objective/skos:notation 7 ; mkg:reportedBy ?institution .
  ?institution mkg:acronym ?acronym .
}
GROUP BY ?institution ?acronym
ORDER BY DESC(?actions) ?acronym
""",
    ),
    Example(
        "socios-internacionales",
        "Organismos internacionales como socios",
        "Con qué organismos internacionales colaboran las instituciones mexicanas, en cuántas acciones y "
        "con cuántas instituciones distintas.",
        """
SELECT ?partner ?name (COUNT(DISTINCT ?action) AS ?actions) (COUNT(DISTINCT ?lead) AS ?institutions)
       (SAMPLE(?action) AS ?exampleAction) WHERE {
  ?action a mkg:Action ; mkg:partner ?p ; mkg:reportedBy ?lead .
  ?p mkg:actorType/skos:notation "ORGANISMO_INTERNACIONAL" ; mkg:acronym ?partner ; skos:prefLabel ?name .
  FILTER (LANG(?name) = "es")
}
GROUP BY ?partner ?name
ORDER BY DESC(?actions)
""",
    ),
    Example(
        "genero-sin-resultados",
        "Acciones con enfoque de género sin resultados reportados",
        "Qué acciones dirigidas a mujeres y niñas no reportaron resultados, para pedirlos en la próxima edición.",
        """
SELECT ?action ?edition ?title ?sourceFile ?lineStart WHERE {
  ?action a mkg:Action ; mkg:genderFocus true ; mkg:hasResults false ; dcterms:title ?title ;
          mkg:reportedIn/mkg:edition ?edition ;
          prov:wasDerivedFrom [ mkg:sourceFile ?sourceFile ; mkg:lineStart ?lineStart ] .
}
ORDER BY DESC(?edition) ?action
""",
    ),
    Example(
        "estados-sin-accion",
        "Estados sin acciones para la niñez migrante",
        "Qué entidades federativas no reportaron en 2024 ninguna acción dirigida a niñas, niños y adolescentes.",
        """
SELECT ?state ?name WHERE {
  ?state skos:inScheme mkg:States ; skos:prefLabel ?name .
  FILTER (LANG(?name) = "es")
  FILTER NOT EXISTS {
    ?action a mkg:Action ; mkg:state ?state ; mkg:population ?nna ; mkg:reportedIn/mkg:edition 2024 .
    FILTER (STRENDS(STR(?nna), "/population/nna"))
  }
}
ORDER BY ?name
""",
    ),
    Example(
        "ficha-construct",
        "Ficha de una acción como grafo (CONSTRUCT)",
        "Todo lo que el grafo dice de una acción y de su fuente, como Turtle o JSON-LD para reutilizarlo.",
        """
CONSTRUCT { ?action ?p ?o . ?span ?sp ?so . }
WHERE {
  ?action a mkg:Action ; dcterms:identifier "2024-ef-o01-02" ; ?p ?o ; prov:wasDerivedFrom ?span .
  ?span ?sp ?so .
}
""",
    ),
)
