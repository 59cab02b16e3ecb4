"""Records → RDF: an rdflib ``Dataset`` with one named graph per report.

Graphs: ``{BASE}id/report/{slug}`` (the report, its actions, challenges, figures, goals and source
spans), ``{BASE}id/graph/ontology`` (OWL terms and concept schemes), ``{BASE}id/graph/institutions``
and ``{BASE}id/graph/meta`` (the DCAT/VoID description of the build).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef

from graph import concepts
from graph.namespaces import DCAT, DCTERMS, MKG, MKG_IRI, ORG, OWL, PROV, RDF, SKOS, VOID, WD, XSD
from graph.uris import Minter, slugify
from ingest.classify.programmes import METHOD as PROGRAMME_LINK_METHOD
from ingest.classify.programmes import THRESHOLD as PROGRAMME_LINK_THRESHOLD
from ingest.records import (
    Action,
    CategoryDefinition,
    Challenge,
    ParsedReport,
    ProgrammeLink,
    ReportInfo,
    SourceSpan,
    StatedGoal,
    StatedStatistic,
)

#: The licence line the reports print (corpus/README.md).
LICENCE_ES = "Se permite la reproducción total o parcial sin fines comerciales, citando la fuente."
SOURCE_ES = "Unidad de Política Migratoria, Registro e Identidad de Personas (UPMRIP), Secretaría de Gobernación."
SOURCE_URL = "http://www.politicamigratoria.gob.mx/"

_QID = re.compile(r"Q[1-9]\d*")

#: The primary-population groups that are concepts (``no-especificado`` is the absence of mkg:primaryPopulation).
PRIMARY_GROUPS = ("extranjeros", "mexicanos-exterior", "retornados")
LINK_METHOD = f"{PROGRAMME_LINK_METHOD}; threshold {PROGRAMME_LINK_THRESHOLD}"


@dataclass(frozen=True, slots=True)
class InstitutionInfo:
    """What the graph needs to know about one institution (filled from the institution registry)."""

    acronym: str  # canonical acronym; for a state government, the state's name
    slug: str  # URI key: lower-cased acronym or estado-{inegi:02}
    name_es: str  # the spelled-out name
    alt_labels: tuple[str, ...] = ()
    actor_type: str = ""  # actor-type slug or export code (APF, ENTIDAD_FEDERATIVA, …); "" if unknown
    parent: str | None = None  # acronym or slug of the parent institution (unit → parent)
    state_inegi: str | None = None  # two-digit INEGI code, for state governments
    wikidata: str | None = None  # QID, only when the registry knows it for certain
    source: SourceSpan | None = None  # e.g. the glossary line that spells the acronym out


class _Institutions:
    """Resolves the actor and partner strings of the records to institution URIs."""

    def __init__(self, infos: Sequence[InstitutionInfo], minter: Minter, notes: list[str]) -> None:
        self.minter = minter
        self.notes = notes
        self.by_slug: dict[str, InstitutionInfo] = {}
        self.index: dict[str, str] = {}
        for info in infos:
            self.by_slug[info.slug] = info
        for info in infos:  # acronyms first, then alternative labels: an acronym always wins
            self.index.setdefault(concepts.fold(info.acronym), info.slug)
            self.index.setdefault(info.slug, info.slug)
        for info in infos:
            for label in (info.name_es, *info.alt_labels):
                self.index.setdefault(concepts.fold(label), info.slug)

    def slug_for(self, name: str, context: str) -> str:
        """The slug of the institution ``name`` (acronym, state name or label); creates a stub if unknown."""
        key = concepts.fold(name)
        if key in self.index:
            return self.index[key]
        code = concepts.state_code(name)
        if code is not None:
            slug = f"estado-{code}"
            if slug not in self.by_slug:
                state = concepts.states()[code]
                self.by_slug[slug] = InstitutionInfo(
                    acronym=state.label_es,
                    slug=slug,
                    name_es=f"Gobierno del estado de {state.label_es}",
                    actor_type="entidad-federativa",
                    state_inegi=code,
                )
            self.index[key] = slug
            return slug
        slug = slugify(name)
        if not slug:
            raise ValueError(f"{context}: institution name {name!r} gives an empty slug")
        if slug not in self.by_slug:
            self.notes.append(f"{context}: institution {name!r} is not in the registry; minted {slug!r}")
            self.by_slug[slug] = InstitutionInfo(acronym=name, slug=slug, name_es=name)
        self.index[key] = slug
        return slug

    def uri(self, name: str, context: str) -> URIRef:
        return self.minter.institution(self.slug_for(name, context))


class _Builder:
    def __init__(self, ds: Dataset, minter: Minter, institutions: _Institutions) -> None:
        self.ds = ds
        self.m = minter
        self.inst = institutions

    # -- helpers -------------------------------------------------------------------------------
    def span(self, g: Graph, span: SourceSpan) -> URIRef:
        node = self.m.source_span(span.file, span.line_start, span.line_end)
        if (node, RDF.type, MKG.SourceSpan) not in g:
            g.add((node, RDF.type, MKG.SourceSpan))
            g.add((node, MKG.sourceFile, Literal(span.file)))
            g.add((node, MKG.lineStart, Literal(span.line_start)))
            g.add((node, MKG.lineEnd, Literal(span.line_end)))
            if span.quote:
                g.add((node, MKG.quote, Literal(span.quote)))
        return node

    # -- reports ---------------------------------------------------------------------------------
    def report(self, parsed: ParsedReport) -> None:
        info: ReportInfo = parsed.info
        report = self.m.report(info.slug)
        g = self.ds.graph(report)
        g.add((report, RDF.type, MKG.Report))
        g.add((report, DCTERMS.identifier, Literal(info.slug)))
        g.add((report, DCTERMS.title, Literal(info.title, lang="es")))
        g.add((report, DCTERMS.issued, Literal(info.issued, datatype=XSD.date)))
        g.add((report, MKG.periodStart, Literal(info.period_start, datatype=XSD.date)))
        g.add((report, MKG.periodEnd, Literal(info.period_end, datatype=XSD.date)))
        g.add((report, MKG.edition, Literal(info.year)))
        g.add((report, MKG.layout, Literal(info.layout)))
        g.add((report, MKG.reportKind, Literal(info.kind)))
        g.add((report, DCTERMS.source, URIRef(SOURCE_URL)))
        for action in parsed.actions:
            self.action(g, report, action)
        for i, stat in enumerate(parsed.statistics, start=1):
            self.statistic(g, report, info.slug, i, stat)
        for goal in parsed.goals:
            self.goal(g, report, goal)
        for cat in parsed.categories:
            self.category(g, cat)
        for link in parsed.programme_links:
            self.programme_link(g, link)

    def action(self, g: Graph, report: URIRef, a: Action) -> None:
        node = self.m.action(a.key)
        ctx = f"{a.source.file}:{a.source.line_start} ({a.key})"
        g.add((node, RDF.type, MKG.Action))
        g.add((node, DCTERMS.identifier, Literal(a.key)))
        g.add((node, DCTERMS.title, Literal(a.title, lang="es")))
        if a.description:
            g.add((node, DCTERMS.description, Literal(a.description, lang="es")))
        g.add((node, MKG.reportedIn, report))
        g.add((node, MKG.objective, self.m.objective(a.objective)))
        g.add((node, MKG.numberInSection, Literal(a.number)))
        g.add((node, MKG.actorType, self.m.actor_type(concepts.actor_type_slug(a.actor_type) or slugify(a.actor_type))))
        if a.actor_text:
            g.add((node, MKG.actorText, Literal(a.actor_text)))
        g.add((node, MKG.actorInferred, Literal(a.actor_inferred)))
        for actor in a.actors:
            g.add((node, MKG.reportedBy, self.inst.uri(actor, ctx)))
        for partner in a.partners:
            g.add((node, MKG.partner, self.inst.uri(partner, ctx)))
        if a.state:
            code = concepts.state_code(a.state)
            if code is None:
                raise ValueError(f"{ctx}: unknown state {a.state!r}")
            g.add((node, MKG.state, self.m.state(code)))
        for slug in a.populations:
            g.add((node, MKG.population, self.m.population(slug)))
        for slug in a.action_types:
            g.add((node, MKG.actionType, self.m.action_type(slug)))
        if a.primary_population in PRIMARY_GROUPS:
            g.add((node, MKG.primaryPopulation, self.m.population(a.primary_population)))
        if a.results:
            g.add((node, MKG.results, Literal(a.results, lang="es")))
        g.add((node, MKG.hasResults, Literal(a.has_results)))
        g.add((node, MKG.noChallengesReported, Literal(a.no_challenges_reported)))
        g.add((node, MKG.genderFocus, Literal(a.gender_focus)))
        g.add((node, MKG.disabilityFocus, Literal(a.disability_focus)))
        for field_name, method in a.derivation:
            g.add((node, MKG.derivation, Literal(f"{field_name}: {method}")))
        g.add((node, PROV.wasDerivedFrom, self.span(g, a.source)))
        for i, ch in enumerate(a.challenges, start=1):
            g.add((node, MKG.challenge, self.challenge(g, a.key, i, ch)))

    def challenge(self, g: Graph, action_key: str, i: int, ch: Challenge) -> URIRef:
        node = self.m.challenge(action_key, i)
        g.add((node, RDF.type, MKG.Challenge))
        g.add((node, RDF.value, Literal(ch.text, lang="es")))
        for slug in ch.categories:
            g.add((node, MKG.challengeCategory, self.m.challenge_category(slug)))
        if ch.category_method:
            g.add((node, MKG.categoryMethod, Literal(ch.category_method)))
        g.add((node, PROV.wasDerivedFrom, self.span(g, ch.source)))
        return node

    def programme_link(self, g: Graph, link: ProgrammeLink) -> None:
        """``a mkg:sameProgrammeAs b`` and its link node (mkg:ProgrammeLink) with confidence, evidence, method."""
        a, b = self.m.action(link.a_key), self.m.action(link.b_key)  # validates both keys
        if not 0.0 <= link.confidence <= 1.0:
            raise ValueError(f"programme link {link.a_key}--{link.b_key}: confidence {link.confidence} not in [0, 1]")
        node = self.m.programme_link(link.a_key, link.b_key)
        g.add((a, MKG.sameProgrammeAs, b))
        g.add((node, RDF.type, MKG.ProgrammeLink))
        g.add((node, MKG.linksAction, a))
        g.add((node, MKG.linksAction, b))
        g.add((node, MKG.confidence, Literal(Decimal(f"{link.confidence:.3f}"), datatype=XSD.decimal)))
        g.add((node, MKG.evidence, Literal(link.evidence)))
        g.add((node, MKG.linkMethod, Literal(LINK_METHOD)))

    def statistic(self, g: Graph, report: URIRef, slug: str, i: int, s: StatedStatistic) -> None:
        node = self.m.statistic(slug, i)
        g.add((node, RDF.type, MKG.StatedStatistic))
        g.add((node, MKG.statisticKey, Literal(s.key)))
        g.add((node, RDF.value, Literal(Decimal(repr(float(s.value))), datatype=XSD.decimal)))
        g.add((node, MKG.unit, Literal(s.unit)))
        g.add((node, MKG.reportedIn, report))
        for name, value in s.qualifiers:
            g.add((node, MKG.qualifier, Literal(f"{name}={value}")))
            typed = self.qualifier(name, value)
            if typed is not None:
                g.add((node, *typed))
        g.add((node, PROV.wasDerivedFrom, self.span(g, s.source)))

    def qualifier(self, name: str, value: str) -> tuple[URIRef, URIRef | Literal] | None:
        """The typed triple (predicate, object) for a qualifier that names a concept or a year."""
        if name == "objective" and value.isdigit() and 1 <= int(value) <= 23:
            return MKG.objective, self.m.objective(int(value))
        if name == "actor_type" and (slug := concepts.actor_type_slug(value)):
            return MKG.actorType, self.m.actor_type(slug)
        if name == "population" and value in concepts.slugs("population"):
            return MKG.population, self.m.population(value)
        if name == "category" and value in concepts.slugs("challenge-category"):
            return MKG.challengeCategory, self.m.challenge_category(value)
        if name == "state" and (code := concepts.state_code(value)):
            return MKG.state, self.m.state(code)
        if name == "year" and value.isdigit():
            return MKG.year, Literal(int(value))
        if name == "section":
            return MKG.section, Literal(value)
        return None

    def goal(self, g: Graph, report: URIRef, goal: StatedGoal) -> None:
        node = self.m.goal(goal.report, goal.objective, goal.number)
        g.add((node, RDF.type, MKG.StatedGoal))
        g.add((node, RDF.value, Literal(goal.text, lang="es")))
        g.add((node, MKG.objective, self.m.objective(goal.objective)))
        g.add((node, MKG.numberInSection, Literal(goal.number)))
        g.add((node, MKG.reportedIn, report))
        g.add((node, PROV.wasDerivedFrom, self.span(g, goal.source)))

    def category(self, g: Graph, cat: CategoryDefinition) -> None:
        """Where a challenge category's glossary definition was read (the concept itself is in the ontology)."""
        g.add((self.m.challenge_category(cat.slug), PROV.wasDerivedFrom, self.span(g, cat.source)))

    # -- institutions ----------------------------------------------------------------------------
    def institutions(self) -> None:
        g = self.ds.graph(self.m.graph("institutions"))
        for slug, info in sorted(self.inst.by_slug.items()):
            node = self.m.institution(slug)
            g.add((node, RDF.type, MKG.Institution))
            g.add((node, RDF.type, ORG.Organization))
            g.add((node, MKG.acronym, Literal(info.acronym)))
            g.add((node, SKOS.prefLabel, Literal(info.name_es, lang="es")))
            for alt in sorted(set(info.alt_labels) - {info.name_es}):
                g.add((node, SKOS.altLabel, Literal(alt, lang="es")))
            if info.actor_type:
                at = concepts.actor_type_slug(info.actor_type)
                g.add((node, MKG.actorType, self.m.actor_type(at or slugify(info.actor_type))))
            if info.parent:
                parent = self.inst.slug_for(info.parent, f"institution {slug}")
                g.add((node, ORG.subOrganizationOf, self.m.institution(parent)))
            if info.state_inegi:
                g.add((node, MKG.state, self.m.state(info.state_inegi)))
            if info.wikidata:
                if not _QID.fullmatch(info.wikidata):
                    raise ValueError(f"institution {slug}: bad Wikidata id {info.wikidata!r}")
                g.add((node, OWL.sameAs, WD[info.wikidata]))
            if info.source is not None:
                g.add((node, PROV.wasDerivedFrom, self.span(g, info.source)))

    # -- dataset description ---------------------------------------------------------------------
    def meta(self, reports: Sequence[ParsedReport], built_at: str) -> None:
        g = self.ds.graph(self.m.graph("meta"))
        ds = self.m.dataset()
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, RDF.type, VOID.Dataset))
        title_es = "migrakg: acciones de México sobre el Pacto Mundial para la Migración"
        g.add((ds, DCTERMS.title, Literal(title_es, lang="es")))
        g.add((ds, DCTERMS.title, Literal("migrakg: Mexico's actions on the Global Compact for Migration", lang="en")))
        g.add(
            (
                ds,
                DCTERMS.description,
                Literal(
                    "Grafo de conocimiento de los programas, acciones, instituciones y retos que México reporta "
                    "sobre el Pacto Mundial para una Migración Segura, Ordenada y Regular.",
                    lang="es",
                ),
            )
        )
        g.add((ds, DCTERMS.created, Literal(built_at, datatype=XSD.dateTime)))
        g.add((ds, DCTERMS.modified, Literal(built_at, datatype=XSD.dateTime)))
        g.add((ds, DCTERMS.rights, Literal(f"{LICENCE_ES} Fuente: {SOURCE_ES} {SOURCE_URL}", lang="es")))
        g.add((ds, DCTERMS.publisher, Literal(SOURCE_ES, lang="es")))
        g.add((ds, DCTERMS.source, URIRef(SOURCE_URL)))
        g.add((ds, VOID.uriSpace, Literal(self.m.id_prefix)))
        g.add((ds, VOID.vocabulary, URIRef(MKG_IRI)))
        for vocab in (ORG, SKOS, PROV, DCTERMS, DCAT):
            g.add((ds, VOID.vocabulary, URIRef(str(vocab))))
        g.add((ds, VOID.sparqlEndpoint, URIRef(f"{self.m.base}sparql")))
        for parsed in reports:
            slug = parsed.info.slug
            report = self.m.report(slug)
            subset = self.m.dataset(slug)
            g.add((ds, DCTERMS.source, report))
            g.add((ds, VOID.subset, subset))
            g.add((subset, RDF.type, VOID.Dataset))
            g.add((subset, DCTERMS.source, report))
            g.add((subset, MKG.edition, Literal(parsed.info.year)))
            g.add((subset, VOID.triples, Literal(len(self.ds.graph(report)))))
            part = self.m.dataset(f"{slug}-actions")
            g.add((subset, VOID.classPartition, part))
            g.add((part, VOID["class"], MKG.Action))
            g.add((part, VOID.entities, Literal(len(parsed.actions))))
        total = sum(len(self.ds.graph(c)) for c in self.ds.graphs()) + 1  # + the void:triples triple
        g.add((ds, VOID.triples, Literal(total)))


def build_dataset(
    reports: Sequence[ParsedReport],
    institutions: Sequence[InstitutionInfo],
    minter: Minter,
    built_at: str,
    notes: list[str] | None = None,
) -> Dataset:
    """Build the RDF dataset of every report, the institutions, the ontology and a VoID description.

    ``built_at`` is an ISO ``xsd:dateTime`` (given, so that builds are reproducible). Actors and
    partners missing from ``institutions`` get a stub institution; each one adds a line to ``notes``.
    """
    notes = notes if notes is not None else []
    ds = Dataset()
    _bind(ds)
    onto = ds.graph(minter.graph("ontology"))
    for triple in concepts.ontology_graph(minter):
        onto.add(triple)
    builder = _Builder(ds, minter, _Institutions(institutions, minter, notes))
    for parsed in reports:
        builder.report(parsed)
    builder.institutions()
    builder.meta(reports, built_at)
    return ds


def _bind(g: Graph | Dataset) -> None:
    for prefix, ns in (
        ("mkg", MKG_IRI),
        ("org", str(ORG)),
        ("skos", str(SKOS)),
        ("prov", str(PROV)),
        ("dcterms", str(DCTERMS)),
        ("dcat", str(DCAT)),
        ("void", str(VOID)),
        ("wd", str(WD)),
        ("owl", str(OWL)),
        ("xsd", str(XSD)),
    ):
        g.bind(prefix, ns, override=True)


def union_graph(ds: Dataset, graphs: Iterable[URIRef] | None = None) -> Graph:
    """A plain rdflib Graph holding the triples of every named graph (or of ``graphs``)."""
    out = Graph()
    _bind(out)
    wanted = None if graphs is None else set(graphs)
    for ctx in ds.graphs():
        if wanted is None or ctx.identifier in wanted:
            for triple in ctx:
                out.add(triple)
    return out


def to_nquads(ds: Dataset) -> bytes:
    """The dataset as N-Quads (UTF-8, lines sorted: the same records give the same bytes)."""
    with warnings.catch_warnings():  # rdflib's own N-Quads serializer still calls Dataset.contexts()
        warnings.simplefilter("ignore", DeprecationWarning)
        data = ds.serialize(format="nquads", encoding="utf-8")
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    lines = sorted({line for line in raw.split(b"\n") if line.strip()})
    return b"\n".join(lines) + b"\n"


__all__ = ["LICENCE_ES", "InstitutionInfo", "build_dataset", "to_nquads", "union_graph"]
