"""RDF namespaces: the migrakg vocabulary (``mkg:``) and the W3C vocabularies it reuses."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace

MKG_IRI = "https://w3id.org/migrakg/ontology#"


class MKG(DefinedNamespace):
    """The migrakg ontology (``ontology/migrakg.ttl``); unknown terms raise ``AttributeError``."""

    _fail = True
    _NS = Namespace(MKG_IRI)

    # classes
    Action: URIRef
    Institution: URIRef
    Report: URIRef
    Challenge: URIRef
    SourceSpan: URIRef
    StatedStatistic: URIRef
    StatedGoal: URIRef

    # concept schemes
    GCMObjectives: URIRef
    ActorTypes: URIRef
    States: URIRef
    Populations: URIRef
    ActionTypes: URIRef
    ChallengeCategories: URIRef

    # action properties
    reportedBy: URIRef
    partner: URIRef
    objective: URIRef
    reportedIn: URIRef
    numberInSection: URIRef
    actorType: URIRef
    state: URIRef
    population: URIRef
    actionType: URIRef
    challenge: URIRef
    results: URIRef
    hasResults: URIRef
    noChallengesReported: URIRef
    genderFocus: URIRef
    disabilityFocus: URIRef
    actorText: URIRef
    actorInferred: URIRef
    derivation: URIRef
    sameProgrammeAs: URIRef
    primaryPopulation: URIRef

    # programme links (issue 7: the reified mkg:sameProgrammeAs, with confidence and evidence)
    ProgrammeLink: URIRef
    linksAction: URIRef
    confidence: URIRef
    evidence: URIRef
    linkMethod: URIRef

    # challenges
    challengeCategory: URIRef
    categoryMethod: URIRef

    # institutions
    acronym: URIRef

    # reports
    edition: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    layout: URIRef
    reportKind: URIRef

    # source spans
    sourceFile: URIRef
    lineStart: URIRef
    lineEnd: URIRef
    quote: URIRef

    # stated statistics and goals
    statisticKey: URIRef
    unit: URIRef
    qualifier: URIRef
    year: URIRef
    section: URIRef


WD = Namespace("http://www.wikidata.org/entity/")

__all__ = ["DCAT", "DCTERMS", "MKG", "MKG_IRI", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "VOID", "WD", "XSD"]


#: Prefixes written into the Turtle dump and bound on graphs (prefix → namespace IRI).
PREFIXES: dict[str, str] = {
    "mkg": MKG_IRI,
    "org": str(ORG),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "wd": str(WD),
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: The SPARQL prologue declaring :data:`PREFIXES`, for every query the code writes.
SPARQL_PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
