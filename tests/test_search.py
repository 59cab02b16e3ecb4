"""Tests of the search package on a hand-written 13-action graph (tests/fixtures/search/actions.ttl)."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from search import (
    MAX_QUERY_CHARS,
    SearchIndexError,
    SearchQueryError,
    build_aliases,
    build_index,
    documents_from_store,
    open_index,
    search,
    similar,
)
from search.cli import run_search_command

FIXTURE = Path(__file__).parent / "fixtures" / "search" / "actions.ttl"
ACT = "https://w3id.org/migrakg/id/action/"
PREFIXES = """
PREFIX mkg: <https://w3id.org/migrakg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    return s


@pytest.fixture(scope="module")
def index_dir(store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search-index")
    assert build_index(documents_from_store(store), path, build_aliases(store)) == 13
    return path


@pytest.fixture(scope="module")
def sx(index_dir: Path):
    opened = open_index(index_dir)
    yield opened
    opened.close()


def keys(result: dict) -> list[str]:
    return [h["key"] for h in result["hits"]]


def all_keys(sx, q: str, filters: dict | None = None) -> set[str]:
    return set(keys(search(sx, q, filters, per_page=100)))


def sparql_keys(store: ox.Store, where: str) -> set[str]:
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?a WHERE {{ ?a a mkg:Action . {where} }}")
    return {row["a"].value.removeprefix(ACT) for row in rows}


# --- documents from the graph ------------------------------------------------------------------


def test_documents_read_every_field_from_the_graph(store: ox.Store) -> None:
    docs = {d.key: d for d in documents_from_store(store)}
    assert len(docs) == 13
    campeche = docs["2024-ef-o01-02"]
    assert campeche.edition == 2024 and campeche.objective == 1
    assert campeche.objective_title == "Recopilar y utilizar datos exactos y desglosados"  # the @es label
    assert campeche.institutions == ["Campeche"]
    assert campeche.partners == ["OIM"] and "Organización Internacional para las Migraciones" in campeche.partner_names
    assert campeche.states == ["Campeche"]
    assert campeche.actor_types == ["ENTIDAD_FEDERATIVA"]
    assert campeche.populations == ["discapacidad", "extranjeros", "mujeres"]
    assert campeche.challenge_categories == ["difusion-informacion"]
    assert campeche.challenges[0].startswith("Las personas en situación irregular")
    # two reporting institutions of two actor types
    assert docs["2024-pj-o10-01"].actor_types == ["APF", "PODER_JUDICIAL"]
    # the action's own mkg:actorType wins over its institution's
    assert docs["2024-osc-o13-01"].actor_types == ["OSC"]
    assert docs["2018-apf-o05-02"].edition == 2018
    assert len(docs["2024-apf-o07-10"].challenges) == 2


def test_documents_from_the_graph_builder_use_named_graphs() -> None:
    pytest.importorskip("graph.build_rdf")
    from graph.build_rdf import build_dataset, to_nquads
    from graph.synthetic import INSTITUTIONS, sample_reports
    from graph.uris import Minter

    ds = build_dataset(sample_reports(), INSTITUTIONS, Minter(), "2026-01-01T00:00:00Z")
    s = ox.Store()
    s.load(to_nquads(ds), format=ox.RdfFormat.N_QUADS)
    docs = {d.key: d for d in documents_from_store(s)}
    n_actions = sum(len(r.actions) for r in sample_reports())
    assert len(docs) == n_actions
    campeche = docs["2024-ef-o01-02"]
    assert campeche.states == ["Campeche"] and campeche.actor_types == ["ENTIDAD_FEDERATIVA"]
    assert "OIM" in campeche.partners and campeche.edition == 2024


# --- relevance, analysis -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ventanilla OIM", "2024-ef-o01-02"),
        ("protección consular", "2024-apf-o07-03"),
        ("trabajadores agrícolas temporales", "2018-apf-o05-02"),
        ("solicitudes de refugio", "2024-apf-o07-10"),
        ("niños no acompañados", "2020-apf-o07-01"),
        ("guía discapacidad", "2024-apf-o04-01"),
        ("vacunación frontera sur", "2024-apf-o15-02"),
        ("amparos detención", "2024-osc-o13-01"),
        ("protocolo juzgar", "2024-pj-o10-01"),
        ("estadísticas encuestas hogares", "2020-apf-o01-04"),
    ],
)
def test_relevance_expected_action_in_top_5(sx, query: str, expected: str) -> None:
    assert expected in keys(search(sx, query, per_page=5))


def test_title_match_ranks_first(sx) -> None:
    assert keys(search(sx, "protección consular"))[0] == "2024-apf-o07-03"
    assert keys(search(sx, "detención migratoria"))[0] == "2024-osc-o13-01"


def test_accents_and_case_are_folded(sx) -> None:
    base = all_keys(sx, "información")
    assert base and "2020-apf-o01-04" in base
    assert all_keys(sx, "informacion") == base == all_keys(sx, "INFORMACIÓN") == all_keys(sx, "InFoRmAcIoN")
    assert all_keys(sx, "ninez") == all_keys(sx, "niñez") != set()
    assert all_keys(sx, "migracion") == all_keys(sx, "migración") != set()


def test_stemming_and_stopwords(sx) -> None:
    assert all_keys(sx, "refugiado") == all_keys(sx, "refugiados") != set()
    assert all_keys(sx, "migrante") == all_keys(sx, "migrantes")
    # stop words do not restrict an AND query
    assert all_keys(sx, "la protección de las personas") == all_keys(sx, "protección personas")


def test_prefix_phrase_and_boolean(sx) -> None:
    prefix = all_keys(sx, "migra*")
    assert prefix >= all_keys(sx, "migrantes") | all_keys(sx, "migratoria")
    assert all_keys(sx, "consul*") == {"2024-apf-o07-03", "2024-apf-o15-02"}  # consular, consultas
    assert all_keys(sx, '"protección consular"') == {"2024-apf-o07-03"}
    assert all_keys(sx, '"consular protección"') == set()
    assert all_keys(sx, "salud OR trata") == all_keys(sx, "salud") | all_keys(sx, "trata")
    assert all_keys(sx, "OIM NOT Campeche") == all_keys(sx, "OIM") - all_keys(sx, "Campeche")
    assert all_keys(sx, "OIM -Campeche") == all_keys(sx, "OIM NOT Campeche")
    # "*" is every action, also inside AND/NOT
    assert all_keys(sx, "*") == all_keys(sx, "") and len(all_keys(sx, "*")) == 13
    assert all_keys(sx, "OIM *") == all_keys(sx, "OIM")
    assert all_keys(sx, "* NOT OIM") == all_keys(sx, "") - all_keys(sx, "OIM")
    assert all_keys(sx, "refug*") >= all_keys(sx, "refugiado")
    # a hyphenated word is not an exclusion
    assert all_keys(sx, "MÉXICO-CANADÁ") == {"2018-apf-o05-02"}


# --- aliases ---------------------------------------------------------------------------------


def test_aliases_find_the_same_actions(sx, store: ox.Store) -> None:
    oim = sparql_keys(store, "{ ?a mkg:partner ?i } UNION { ?a mkg:reportedBy ?i } ?i mkg:acronym 'OIM' .")
    assert oim == {"2024-ef-o01-02", "2024-ef-o07-05", "2024-ef-o21-01"}
    assert all_keys(sx, "IOM") == oim
    assert all_keys(sx, "OIM") == oim
    assert all_keys(sx, "Organización Internacional para las Migraciones") == oim
    acnur = sparql_keys(store, "{ ?a mkg:partner ?i } UNION { ?a mkg:reportedBy ?i } ?i mkg:acronym 'ACNUR' .")
    assert all_keys(sx, "UNHCR") == acnur == all_keys(sx, "ACNUR")
    assert acnur <= all_keys(sx, "Alto Comisionado de las Naciones Unidas para los Refugiados")
    nna = sparql_keys(store, "?a mkg:population <https://w3id.org/migrakg/id/population/nna> .")
    assert all_keys(sx, "NNA") == all_keys(sx, "niñez") == all_keys(sx, '"niñas, niños y adolescentes"') == nna
    assert all_keys(sx, "Cancillería") == all_keys(sx, "SRE") == {"2024-apf-o07-03"}
    assert all_keys(sx, "mexiquense") == {"2024-ef-o03-01"}
    assert "2024-ef-o07-05" in all_keys(sx, "chiapanecos")
    assert all_keys(sx, "tamaulipeco") == {"2024-ef-o21-01"}
    # an altLabel from the graph, not in the curated table as such
    assert all_keys(sx, "DIF Nacional") == {"2020-apf-o07-01"}


def test_alias_table_merges_graph_and_curated(store: ox.Store) -> None:
    table = build_aliases(store)
    assert table.resolve("institution", "iom") == "OIM"
    assert table.resolve("institution", "Secretaria de Relaciones Exteriores") == "SRE"
    assert table.resolve("institution", "DIF Nacional") == "SNDIF"
    assert table.resolve("state", "mexiquense") == "Estado de México"
    assert table.resolve("state", "CHIAPANECO") == "Chiapas"
    assert table.resolve("population", "niñez") == "nna"
    assert table.resolve("actor_type", "entidad-federativa") == "ENTIDAD_FEDERATIVA"
    assert table.resolve("institution", "nonexistent") is None


# --- field filters and facets -----------------------------------------------------------------


def test_field_filters_in_the_query_string(sx, store: ox.Store) -> None:
    obj7 = sparql_keys(store, "?a mkg:objective/skos:notation 7 .")
    assert all_keys(sx, "objetivo:7") == obj7 == all_keys(sx, "objetivo:07") and len(obj7) == 4
    inm = sparql_keys(store, "?a mkg:reportedBy/mkg:acronym 'INM' .")
    assert all_keys(sx, "institucion:INM") == inm == all_keys(sx, "institución:inm")
    assert all_keys(sx, 'estado:"Estado de México"') == {"2024-ef-o03-01"} == all_keys(sx, "estado:mexiquense")
    acnur = sparql_keys(store, "?a mkg:partner/mkg:acronym 'ACNUR' .")
    assert all_keys(sx, "socio:UNHCR") == acnur == all_keys(sx, "socio:acnur")
    e2020 = sparql_keys(store, "?a mkg:reportedIn/dcterms:issued ?d FILTER(YEAR(?d) = 2020)")
    assert all_keys(sx, "edicion:2020") == e2020 == all_keys(sx, "edición:2020") and len(e2020) == 2
    assert all_keys(sx, "categoria:falta-recursos") == sparql_keys(
        store, "?a mkg:challenge/mkg:challengeCategory ?c FILTER(STRENDS(STR(?c), '/falta-recursos'))"
    )
    assert all_keys(sx, "edicion:2024 socio:OIM") == {"2024-ef-o01-02", "2024-ef-o07-05", "2024-ef-o21-01"}
    # "protección" is in three titles; 2024-apf-o07-10 has "refugiado" only in its title, "refugiados" in its text
    assert all_keys(sx, "titulo:protección") == {"2024-apf-o07-03", "2020-apf-o07-01", "2024-pj-o10-01"}
    assert all_keys(sx, "titulo:refugiado") == {"2024-apf-o07-10"}
    assert "2024-ef-o07-05" not in all_keys(sx, "descripcion:refugiados")


FACET_SPARQL = {
    "objective": "?a mkg:objective/skos:notation ?v",
    "edition": "?a mkg:reportedIn/dcterms:issued ?d BIND(STR(YEAR(?d)) AS ?v)",
    "institution": "?a mkg:reportedBy ?i . OPTIONAL { ?i mkg:acronym ?acr } ?i skos:prefLabel ?p"
    " BIND(COALESCE(?acr, ?p) AS ?v)",
    "partner": "?a mkg:partner/mkg:acronym ?v",
    "state": "{ ?a mkg:state ?s } UNION { ?a mkg:reportedBy/mkg:state ?s } ?s skos:prefLabel ?v",
    "population": "?a mkg:population ?c BIND(REPLACE(STR(?c), '^.*/', '') AS ?v)",
    "action_type": "?a mkg:actionType ?c BIND(REPLACE(STR(?c), '^.*/', '') AS ?v)",
    "challenge_category": "?a mkg:challenge/mkg:challengeCategory ?c BIND(REPLACE(STR(?c), '^.*/', '') AS ?v)",
    "actor_type": "{ ?a mkg:actorType ?t } UNION"
    " { FILTER NOT EXISTS { ?a mkg:actorType ?x } ?a mkg:reportedBy/mkg:actorType ?t } ?t skos:notation ?v",
}


def sparql_facet(store: ox.Store, facet: str, extra: str = "") -> dict[str, int]:
    where = f"?a a mkg:Action . {FACET_SPARQL[facet]} . {extra}"
    q = PREFIXES + f"SELECT ?v (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {where} }} GROUP BY ?v"
    return {row["v"].value: int(row["n"].value) for row in store.query(q)}


def test_facet_counts_equal_sparql_counts(sx, store: ox.Store) -> None:
    result = search(sx, "")
    assert result["total"] == 13
    for facet, query in FACET_SPARQL.items():
        assert query
        assert result["facets"][facet] == sparql_facet(store, facet), facet


def test_facet_counts_with_filters_equal_sparql_counts(sx, store: ox.Store) -> None:
    result = search(sx, "", {"edition": ["2024"], "actor_type": ["APF"]})
    extra = (
        "?a mkg:reportedIn/dcterms:issued ?dd FILTER(YEAR(?dd) = 2024) "
        "{ ?a mkg:actorType ?tt } UNION "
        "{ FILTER NOT EXISTS { ?a mkg:actorType ?xx } ?a mkg:reportedBy/mkg:actorType ?tt } "
        "?tt skos:notation 'APF'"
    )
    assert result["total"] == len(sparql_keys(store, extra)) == 5
    for facet in ("objective", "partner", "population", "institution", "challenge_category"):
        assert result["facets"][facet] == sparql_facet(store, facet, extra), facet


def test_facets_follow_the_text_query(sx) -> None:
    result = search(sx, "OIM")
    assert result["facets"]["partner"]["OIM"] == 3
    assert result["facets"]["state"] == {"Campeche": 1, "Chiapas": 1, "Tamaulipas": 1}
    assert sum(Counter(result["facets"]["edition"]).values()) == result["total"] == 3


def test_filters_combine_and_accept_aliases(sx) -> None:
    assert all_keys(sx, "", {"partner": ["IOM"]}) == all_keys(sx, "OIM")
    both = all_keys(sx, "", {"partner": ["OIM", "ACNUR"]})
    assert both == all_keys(sx, "", {"partner": ["OIM"]}) | all_keys(sx, "", {"partner": ["ACNUR"]})
    assert all_keys(sx, "", {"partner": ["OIM"], "state": ["chiapaneco"]}) == {"2024-ef-o07-05"}
    assert all_keys(sx, "", {"socio": ["OIM"], "estado": ["Chiapas"]}) == {"2024-ef-o07-05"}  # Spanish names
    assert all_keys(sx, "", {"actor_type": ["ef"]}) == all_keys(sx, "", {"actor_type": ["ENTIDAD_FEDERATIVA"]})
    assert all_keys(sx, "", {"population": ["niñez"]}) == {"2020-apf-o07-01", "2024-pj-o10-01"}
    assert all_keys(sx, "", {"objective": ["7,13"]}) == all_keys(sx, "objetivo:7 OR objetivo:13")


# --- paging, sorting, snippets, suggestions, similar ------------------------------------------


def test_paging(sx) -> None:
    first = search(sx, "", page=1, per_page=5)
    last = search(sx, "", page=3, per_page=5)
    assert first["total"] == 13 and first["pages"] == 3 and len(first["hits"]) == 5 and len(last["hits"]) == 3
    pages = [keys(search(sx, "", page=p, per_page=5)) for p in (1, 2, 3)]
    assert len({k for p in pages for k in p}) == 13
    beyond = search(sx, "", page=9, per_page=5)
    assert beyond["hits"] == [] and beyond["total"] == 13


def test_sorting(sx) -> None:
    by_edition = search(sx, "personas", sort="edition", per_page=50)["hits"]
    assert [h["edition"] for h in by_edition] == sorted((h["edition"] for h in by_edition), reverse=True)
    by_objective = search(sx, "personas", sort="objective", per_page=50)["hits"]
    assert [h["objective"] for h in by_objective] == sorted(h["objective"] for h in by_objective)
    relevance = search(sx, "personas", per_page=50)["hits"]
    scores = [h["score"] for h in relevance]
    assert scores == sorted(scores, reverse=True) and all(isinstance(s, float) for s in scores)


def test_snippets_are_escaped_and_marked(sx) -> None:
    hit = search(sx, "cobertura")["hits"][0]
    assert hit["key"] == "2024-apf-o07-10"
    assert "<mark>cobertura</mark>" in hit["snippet"]
    assert "&lt;50%" in hit["snippet"] and "&amp; sureste" in hit["snippet"]
    assert re.sub(r"</?mark>", "", hit["snippet"]).count("<") == 0
    hit = search(sx, "consular")["hits"][0]
    assert "<mark>CONSULAR</mark>" in hit["title_html"]
    assert hit["title"] == "PROTECCIÓN CONSULAR A PERSONAS MEXICANAS EN EL EXTERIOR"
    assert hit["actors"] == ["SRE"] and hit["objective"] == 7 and hit["edition"] == 2024
    assert hit["id"] == ACT + "2024-apf-o07-03"


def test_did_you_mean(sx) -> None:
    result = search(sx, "imformación estadística")
    assert result["total"] == 0
    assert result["suggestion"] == "información estadística"
    assert search(sx, "refujiados")["suggestion"] == "refugiados"
    assert search(sx, "consular")["suggestion"] is None


def test_similar_actions(sx) -> None:
    sims = similar(sx, "2024-apf-o07-10", 3)
    assert len(sims) == 3 and "2024-apf-o07-10" not in {s["key"] for s in sims}
    assert sims[0]["key"] == "2024-pj-o10-01"  # ACNUR, refugees, protection
    assert {s["key"] for s in similar(sx, ACT + "2024-ef-o01-02", 3)} & {"2024-ef-o21-01", "2024-ef-o07-05"}
    with pytest.raises(SearchQueryError, match="desconocida"):
        similar(sx, "2030-apf-o01-01")


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ['"protección consular', "(OIM OR ACNUR", "OIM)) OR", "AND", "OR", "NOT", "*", "~", '""', "()", "a:",
     "Retos: falta", "x" * 10_000, "OIM\x00\x07\u200b\x1b[31m", "<script>alert(1)</script>", "10:30",
     "objetivo:7 AND", "ümlaut~2"],
)  # fmt: skip
def test_bad_queries_give_results(sx, query: str) -> None:
    result = search(sx, query)
    assert result["total"] >= len(result["hits"])
    for hit in result["hits"]:
        assert re.sub(r"</?mark>", "", hit["snippet"]).count("<") == 0


def test_long_queries_are_truncated(sx) -> None:
    result = search(sx, "consular " * 2000)
    assert result["truncated"] is True and len(result["query"]) <= MAX_QUERY_CHARS
    assert keys(result) == ["2024-apf-o07-03"]
    assert search(sx, "consular")["truncated"] is False


def test_control_characters_are_spaces(sx) -> None:
    assert keys(search(sx, "protección\x00consular")) == keys(search(sx, "protección consular"))


@pytest.mark.parametrize(
    ("query", "filters", "kwargs", "message"),
    [
        ("foo:bar", None, {}, "Campo desconocido"),
        ("objetivo:99", None, {}, "Objetivo no válido"),
        ("edicion:hoy", None, {}, "Edición no válida"),
        ("", {"objective": ["siete"]}, {}, "Objetivo no válido"),
        ("", {"color": ["rojo"]}, {}, "Filtro desconocido"),
        ("", None, {"page": 0}, "Página"),
        ("", None, {"per_page": 1000}, "Tamaño de página"),
        ("", None, {"sort": "random"}, "Orden desconocido"),
        ("*a*", None, {}, "dos letras"),
        ("a* OR b*", None, {}, "dos letras"),
        ("migra* refug* derech* trabaj* famil* niñ* mujer*", None, {}, "Demasiados comodines"),
        (42, None, {}, "texto"),
    ],
)
def test_query_errors_are_clear(sx, query, filters, kwargs, message) -> None:
    with pytest.raises(SearchQueryError, match=message) as info:
        search(sx, query, filters, **kwargs)
    assert info.value.message


def test_unknown_facet_value_warns_and_matches_nothing(sx) -> None:
    result = search(sx, "", {"state": ["Atlántida"]})
    assert result["total"] == 0 and any("Atlántida" in w for w in result["warnings"])
    result = search(sx, "estado:Narnia")
    assert result["total"] == 0 and result["warnings"]


def test_open_index_errors(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError):
        open_index(tmp_path / "missing")
    with pytest.raises(SearchIndexError):
        open_index(tmp_path)


# --- CLI and HTTP ------------------------------------------------------------------------------


def test_cli_table_and_json(index_dir: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_search_command(index_dir, "OIM", {"state": ["Chiapas"]}, 1, 10, False, out=out, err=err) == 0
    text = out.getvalue()
    assert "1 acciones" in text and "[2024-ef-o07-05]" in text and "partner: " in text
    out = io.StringIO()
    assert run_search_command(index_dir, "migrantes", {}, 2, 3, True, out=out, err=err) == 0
    data = json.loads(out.getvalue())
    assert data["page"] == 2 and len(data["hits"]) == 3 and set(data["hits"][0]) >= {"id", "title", "snippet", "score"}
    err = io.StringIO()
    assert run_search_command(index_dir, "foo:bar", {}, 1, 10, False, out=io.StringIO(), err=err) == 2
    assert "Campo desconocido" in err.getvalue()
    assert run_search_command(index_dir / "nope", "x", {}, 1, 10, False, out=io.StringIO(), err=io.StringIO()) == 1


@pytest.fixture(scope="module")
def client(index_dir: Path):
    from flask import Flask

    from webapp.api_search import bp

    app = Flask("test_search")
    app.config["SEARCH_INDEX_DIR"] = str(index_dir)
    app.register_blueprint(bp)
    return app.test_client()


def test_api_search(client) -> None:
    resp = client.get("/api/search?q=OIM&edition=2024&per_page=2")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["total"] == 3 and len(data["hits"]) == 2
    assert set(data["hits"][0]) >= {"id", "title", "snippet", "objective", "actors", "edition", "score"}
    assert data["facets"]["edition"] == {"2024": 3}
    data = client.get("/api/search?state=Chiapas&state=Campeche").get_json()
    assert {h["key"] for h in data["hits"]} == {"2024-ef-o01-02", "2024-ef-o07-05"}
    assert client.get("/api/search?objetivo=7").get_json()["total"] == 4


@pytest.mark.parametrize(
    "url",
    ["/api/search?page=abc", "/api/search?per_page=0", "/api/search?color=rojo", "/api/search?q=foo:bar",
     "/api/search?objective=99", "/api/search?sort=x"],
)  # fmt: skip
def test_api_search_errors_are_json_400(client, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 400
    data = resp.get_json()
    assert set(data) == {"error", "detail"} and data["error"]


def test_api_similar(client) -> None:
    data = client.get("/api/search/similar/2024-apf-o07-10?n=2").get_json()
    assert [s["key"] for s in data["similar"]][0] == "2024-pj-o10-01"
    assert client.get("/api/search/similar/2030-apf-o01-01").status_code == 404


def test_searching_leaves_the_index_untouched(index_dir: Path, sx) -> None:
    before = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in index_dir.iterdir()}
    search(sx, "OIM", {"edition": ["2024"]})
    similar(sx, "2024-ef-o01-02")
    after = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in index_dir.iterdir()}
    assert before == after
