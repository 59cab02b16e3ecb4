"""Records → RDF: URIs, ontology and concept schemes, the triples of every record, the VoID description."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from graph import concepts
from graph.build_rdf import InstitutionInfo, build_dataset, to_nquads, union_graph
from graph.namespaces import DCAT, DCTERMS, MKG, ORG, OWL, PROV, RDF, SKOS, VOID, XSD
from graph.synthetic import INSTITUTIONS, sample_reports
from graph.uris import Minter

BUILT_AT = "2026-01-01T00:00:00Z"
ID = "https://w3id.org/migrakg/id/"
M = Minter()


@pytest.fixture(scope="module")
def notes() -> list[str]:
    return []


@pytest.fixture(scope="module")
def ds(notes):
    return build_dataset(sample_reports(), INSTITUTIONS, M, BUILT_AT, notes)


@pytest.fixture(scope="module")
def g(ds):
    return union_graph(ds)


# -- URIs ---------------------------------------------------------------------------------------


def test_minter_follows_the_contract():
    assert M.action("2024-ef-o01-02") == URIRef(ID + "action/2024-ef-o01-02")
    assert M.institution("segob-upmrip") == URIRef(ID + "institution/segob-upmrip")
    assert M.state_government(4) == URIRef(ID + "institution/estado-04")
    assert M.objective(23) == URIRef(ID + "objective/23")
    assert M.state("9") == URIRef(ID + "state/09")
    assert M.report("2024-compendio-general") == URIRef(ID + "report/2024-compendio-general")
    assert M.population("nna") == URIRef(ID + "population/nna")
    assert M.action_type("colaboracion-coordinacion") == URIRef(ID + "action-type/colaboracion-coordinacion")
    assert M.challenge_category("falta-recursos") == URIRef(ID + "challenge-category/falta-recursos")
    assert M.actor_type("apf") == URIRef(ID + "actor-type/apf")
    assert M.challenge("2024-ef-o01-02", 3) == URIRef(ID + "challenge/2024-ef-o01-02-r03")
    assert M.source_span("2024-compendio-general.txt", 6011, 6046) == URIRef(
        ID + "span/2024-compendio-general-l6011-6046"
    )
    assert Minter("http://localhost:5000/").objective(1) == URIRef("http://localhost:5000/id/objective/1")


@pytest.mark.parametrize(
    ("method", "arg"),
    [
        ("action", "2024-xx-o01-01"),
        ("action", "2024-apf-o24-01"),
        ("action", "2024-apf-o1-1"),
        ("institution", "INM"),
        ("institution", "segob upmrip"),
        ("objective", 0),
        ("objective", 24),
        ("state", 33),
        ("report", "compendio"),
    ],
)
def test_minter_rejects_bad_keys(method, arg):
    with pytest.raises(ValueError):
        getattr(M, method)(arg)


def test_minter_rejects_bad_base():
    with pytest.raises(ValueError):
        Minter("https://w3id.org/migrakg")


# -- ontology and concepts ----------------------------------------------------------------------


def test_every_vocabulary_term_is_defined_with_labels_and_comment():
    onto = concepts.ontology_graph()
    for name in MKG.__annotations__:
        term = MKG[name]
        assert {lit.language for lit in onto.objects(term, RDFS.label)} == {"es", "en"}, name
        assert {lit.language for lit in onto.objects(term, RDFS.comment)} == {"es", "en"}, name
    defined = {s for s in onto.subjects(RDFS.isDefinedBy, None)}
    assert {str(t).split("#")[1] for t in defined} == set(MKG.__annotations__)


def test_class_hierarchy_reuses_w3c_vocabularies():
    onto = concepts.ontology_graph()
    assert (MKG.Action, RDFS.subClassOf, PROV.Activity) in onto
    assert (MKG.Institution, RDFS.subClassOf, ORG.Organization) in onto
    assert (MKG.Report, RDFS.subClassOf, PROV.Entity) in onto


def test_objectives_titles():
    obj = concepts.objectives()
    assert list(obj) == list(range(1, 24))
    assert obj[1].label_es == (
        "Objetivo 1. Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica"
    )
    assert obj[23].label_en == (
        "Objective 23. Strengthen international cooperation and global partnerships for safe, orderly and "
        "regular migration"
    )
    assert obj[15].definition_es == "Proporcionar a los migrantes accesos a servicios básicos"  # as printed


def test_states_and_lookup():
    st = concepts.states()
    assert len(st) == 32 and list(st)[0] == "01" and list(st)[-1] == "32"
    assert st["09"].label_es == "Ciudad de México"
    assert concepts.state_code("BAJA CALIFORNIA SUR") == "03"
    assert concepts.state_code("Baja California") == "02"
    assert concepts.state_code("estado de mexico") == "15"
    assert concepts.state_code("Michoacán de Ocampo") == "16"
    assert concepts.state_code("Texas") is None


def test_contract_slugs_are_in_the_schemes():
    assert concepts.slugs("population") == {
        "extranjeros", "mexicanos-exterior", "retornados", "nna", "mujeres", "indigenas", "lgbti",
        "discapacidad", "refugiados-solicitantes", "desplazados-internos", "en-transito", "victimas",
        "victimas-trata", "desaparecidos-familias", "trabajadores", "adultos-mayores", "jovenes-estudiantes",
        "familias", "servidores-publicos", "comunidades-acogida",
    }  # fmt: skip
    cats = concepts.concepts("challenge-category")
    assert len(cats) == 21 and "otros" in cats
    assert cats["coordinacion-interinstitucional"].label_es == "Coordinación y cooperación inter e intrainstitucional"
    assert cats["falta-recursos"].definition_es.startswith("Se refiere a la obtención y capacidad de gestión")
    assert "colaboracion-coordinacion" in concepts.slugs("action-type")
    assert len(concepts.slugs("action-type")) == 17
    assert concepts.actor_type_slug("ENTIDAD_FEDERATIVA") == "entidad-federativa"
    assert concepts.actor_type_slug("OCA") == "oca"
    assert concepts.actor_type_slug("nonsense") is None


# -- the built dataset --------------------------------------------------------------------------


def test_named_graphs(ds):
    names = {str(c.identifier) for c in ds.graphs() if len(c)}
    assert names == {
        ID + "report/2024-compendio-general",
        ID + "report/2020-compendio-general",
        ID + "report/2024-informe-ejecutivo",
        ID + "graph/ontology",
        ID + "graph/institutions",
        ID + "graph/meta",
    }
    report_graph = ds.graph(URIRef(ID + "report/2020-compendio-general"))
    assert (URIRef(ID + "action/2020-oca-o07-01"), RDF.type, MKG.Action) in report_graph
    assert (URIRef(ID + "action/2024-ef-o01-02"), RDF.type, MKG.Action) not in report_graph


def test_action_triples(g):
    a = URIRef(ID + "action/2024-ef-o01-02")
    assert g.value(a, DCTERMS.title) == Literal(
        "COLABORACIÓN CON LA VENTANILLA DE ATENCIÓN A PERSONAS MIGRANTES DE LA OIM", lang="es"
    )
    assert g.value(a, DCTERMS.description).language == "es"
    assert set(g.objects(a, MKG.reportedBy)) == {URIRef(ID + "institution/estado-04")}
    assert set(g.objects(a, MKG.partner)) == {URIRef(ID + "institution/oim")}
    assert g.value(a, MKG.objective) == URIRef(ID + "objective/1")
    assert g.value(a, MKG.reportedIn) == URIRef(ID + "report/2024-compendio-general")
    assert g.value(a, MKG.numberInSection) == Literal(2)
    assert g.value(a, MKG.actorType) == URIRef(ID + "actor-type/entidad-federativa")
    assert g.value(a, MKG.state) == URIRef(ID + "state/04")
    assert set(g.objects(a, MKG.population)) == {
        URIRef(ID + "population/extranjeros"),
        URIRef(ID + "population/mujeres"),
    }
    assert g.value(a, MKG.actionType) == URIRef(ID + "action-type/colaboracion-coordinacion")
    assert g.value(a, MKG.results) == Literal("Se atendieron 120 personas.", lang="es")
    assert g.value(a, MKG.hasResults) == Literal(True)
    assert g.value(a, MKG.genderFocus) == Literal(True) and g.value(a, MKG.disabilityFocus) == Literal(True)
    assert g.value(a, MKG.derivation) == Literal("populations: keywords")
    span = g.value(a, PROV.wasDerivedFrom)
    assert span == URIRef(ID + "span/2024-compendio-general-l6011-6046")
    assert (span, RDF.type, MKG.SourceSpan) in g
    assert g.value(span, MKG.sourceFile) == Literal("2024-compendio-general.txt")
    assert g.value(span, MKG.lineStart) == Literal(6011) and g.value(span, MKG.lineEnd) == Literal(6046)
    assert g.value(span, MKG.lineStart).datatype == XSD.integer
    assert g.value(span, MKG.quote) == Literal("2. COLABORACIÓN CON LA VENTANILLA")


def test_challenges(g):
    a = URIRef(ID + "action/2024-ef-o01-02")
    challenges = sorted(g.objects(a, MKG.challenge))
    assert challenges == [URIRef(ID + "challenge/2024-ef-o01-02-r01"), URIRef(ID + "challenge/2024-ef-o01-02-r02")]
    first = challenges[0]
    assert g.value(first, RDF.value) == Literal("Falta de recursos humanos.", lang="es")
    assert g.value(first, MKG.challengeCategory) == URIRef(ID + "challenge-category/falta-recursos")
    assert g.value(first, MKG.categoryMethod) == Literal("keywords")
    assert g.value(g.value(first, PROV.wasDerivedFrom), MKG.lineStart) == Literal(6040)
    no_retos = URIRef(ID + "action/2024-ef-o01-03")
    assert g.value(no_retos, MKG.noChallengesReported) == Literal(True)
    assert g.value(no_retos, MKG.hasResults) == Literal(False)
    assert g.value(no_retos, MKG.results) is None


def test_institutions(g, notes):
    inm = URIRef(ID + "institution/inm")
    assert (inm, RDF.type, MKG.Institution) in g and (inm, RDF.type, ORG.Organization) in g
    assert g.value(inm, MKG.acronym) == Literal("INM")
    assert g.value(inm, SKOS.prefLabel) == Literal("Instituto Nacional de Migración", lang="es")
    assert g.value(inm, SKOS.altLabel) == Literal("Instituto Nacional de Migración (INM)", lang="es")
    assert g.value(inm, ORG.subOrganizationOf) == URIRef(ID + "institution/segob")
    assert g.value(inm, MKG.actorType) == URIRef(ID + "actor-type/apf")
    assert g.value(URIRef(ID + "institution/acnur"), OWL.sameAs) == URIRef("http://www.wikidata.org/entity/Q132551")
    assert g.value(URIRef(ID + "institution/oim"), OWL.sameAs) is None  # no QID in the registry: none invented
    assert g.value(URIRef(ID + "institution/estado-07"), MKG.state) == URIRef(ID + "state/07")
    # GIZ is a partner missing from the registry: a stub, and a note saying where
    giz = URIRef(ID + "institution/giz")
    assert g.value(giz, MKG.acronym) == Literal("GIZ")
    assert notes == [
        "2020-compendio-general.txt:200 (2020-oca-o07-01): institution 'GIZ' is not in the registry; minted 'giz'"
    ]


def test_state_government_stub_when_registry_lacks_it():
    (r24, *_rest) = sample_reports()
    ds = build_dataset((r24,), [i for i in INSTITUTIONS if i.slug != "estado-07"], M, BUILT_AT)
    g = union_graph(ds)
    chiapas = URIRef(ID + "institution/estado-07")
    assert g.value(URIRef(ID + "action/2024-ef-o01-03"), MKG.reportedBy) == chiapas
    assert g.value(chiapas, MKG.state) == URIRef(ID + "state/07")
    assert g.value(chiapas, MKG.actorType) == URIRef(ID + "actor-type/entidad-federativa")


def test_bad_wikidata_id_is_refused():
    bad = InstitutionInfo("ONU", "onu", "Organización de las Naciones Unidas", wikidata="United Nations")
    with pytest.raises(ValueError, match="Wikidata"):
        build_dataset((), [bad], M, BUILT_AT)


def test_reports_statistics_goals_categories(g):
    r = URIRef(ID + "report/2024-compendio-general")
    assert (r, RDF.type, MKG.Report) in g
    assert g.value(r, DCTERMS.issued) == Literal("2024-11-21", datatype=XSD.date)
    assert g.value(r, MKG.periodStart) == Literal("2023-06-01", datatype=XSD.date)
    assert g.value(r, MKG.periodEnd) == Literal("2024-06-30", datatype=XSD.date)
    assert g.value(r, MKG.edition) == Literal(2024)
    stats = {s: g.value(s, MKG.statisticKey) for s in g.subjects(RDF.type, MKG.StatedStatistic)}
    assert len(stats) == 3
    s2 = URIRef(ID + "statistic/2024-informe-ejecutivo-s002")
    assert g.value(s2, RDF.value).toPython() == 12
    assert g.value(s2, RDF.value).datatype == XSD.decimal
    assert g.value(s2, MKG.objective) == URIRef(ID + "objective/1")
    assert g.value(s2, MKG.actorType) == URIRef(ID + "actor-type/apf")
    assert set(map(str, g.objects(s2, MKG.qualifier))) == {"actor_type=APF", "objective=1"}
    s1 = URIRef(ID + "statistic/2024-informe-ejecutivo-s001")
    assert g.value(s1, MKG.challengeCategory) == URIRef(ID + "challenge-category/falta-recursos")
    assert g.value(g.value(s1, PROV.wasDerivedFrom), MKG.lineStart) == Literal(541)
    assert g.value(URIRef(ID + "statistic/2024-informe-ejecutivo-s003"), MKG.unit) == Literal("percent")
    goal = URIRef(ID + "goal/2020-compendio-general-o01-01")
    assert (goal, RDF.type, MKG.StatedGoal) in g
    assert g.value(goal, RDF.value) == Literal("Fortalecer la encuesta.", lang="es")
    cat_span = g.value(URIRef(ID + "challenge-category/falta-recursos"), PROV.wasDerivedFrom)
    assert g.value(cat_span, MKG.lineStart) == Literal(639)


def test_void_description(ds, g):
    d = URIRef(ID + "dataset/migrakg")
    assert (d, RDF.type, DCAT.Dataset) in g and (d, RDF.type, VOID.Dataset) in g
    quads = sum(1 for _ in ds.quads((None, None, None, None)))
    assert g.value(d, VOID.triples).toPython() == quads
    assert g.value(d, DCTERMS.modified) == Literal(BUILT_AT, datatype=XSD.dateTime)
    assert "citando la fuente" in str(g.value(d, DCTERMS.rights))
    sources = set(g.objects(d, DCTERMS.source))
    assert URIRef(ID + "report/2020-compendio-general") in sources
    per_edition = {}
    for subset in g.objects(d, VOID.subset):
        part = g.value(subset, VOID.classPartition)
        assert g.value(part, VOID["class"]) == MKG.Action
        per_edition[str(g.value(subset, DCTERMS.source)).rsplit("/", 1)[1]] = g.value(part, VOID.entities).toPython()
        assert g.value(subset, VOID.triples).toPython() == len(ds.graph(g.value(subset, DCTERMS.source)))
    assert per_edition == {"2024-compendio-general": 5, "2020-compendio-general": 2, "2024-informe-ejecutivo": 0}


def test_nquads_are_deterministic_and_uri_clean():
    a = to_nquads(build_dataset(sample_reports(), INSTITUTIONS, M, BUILT_AT))
    b = to_nquads(build_dataset(sample_reports(), INSTITUTIONS, M, BUILT_AT))
    assert a == b
    assert b"_:" not in a  # no blank nodes: every resource has a stable URI
    subjects = {line.split(b" ", 1)[0].decode() for line in a.splitlines()}
    data = [s for s in subjects if s.startswith("<" + ID)]
    kinds = {re.match(r"<" + re.escape(ID) + r"([a-z-]+)/", s).group(1) for s in data}
    assert kinds == {
        "action", "challenge", "span", "report", "institution", "objective", "state", "population",
        "action-type", "challenge-category", "actor-type", "statistic", "goal", "dataset",
    }  # fmt: skip


def test_objective_titles_are_the_compendio_headings(corpus_dir):
    """Spanish titles as the Compendio General 2024 prints the chapter-1 headings (lines joined)."""
    lines = (corpus_dir / "2024-compendio-general.txt").read_text(encoding="utf-8").splitlines()
    printed: dict[int, str] = {}
    for i, line in enumerate(lines):
        m = re.match(r"\s*Objetivo (\d+)\. ", line)
        if m and int(m.group(1)) not in printed:
            block = []
            for follow in lines[i:]:
                if not follow.strip():
                    break
                block.append(follow.strip())
            printed[int(m.group(1))] = " ".join(" ".join(block).split())
    assert sorted(printed) == list(range(1, 24))
    assert {n: c.label_es for n, c in concepts.objectives().items()} == printed
