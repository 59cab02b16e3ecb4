"""Search on the real build: relevance read off the reports, and facets that agree with SPARQL on the graph."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.namespaces import SPARQL_PROLOGUE
from graph.store import EmbeddedBackend, open_store
from migrakg.publish import current_build
from search.index import open_index
from search.query import search


@pytest.fixture(scope="module")
def build(published):
    data_dir, _ = published
    return current_build(data_dir)


@pytest.fixture(scope="module")
def sx(build):
    return open_index(build / "search")


@pytest.fixture(scope="module")
def sparql(build) -> EmbeddedBackend:
    return EmbeddedBackend(open_store(build / "store"))


def _keys(result: dict) -> list[str]:
    return [h["key"] for h in result["hits"]]


def test_remesas_finds_the_2x1_para_migrantes_programme(sx):
    # 2023-infografia.txt:116-130: Guerrero and Tamaulipas report "2x1 para Migrantes" (one action each); the box
    # says "remesas" once and prints no objective (placed under 20 by ingest.classify.objectives)
    hits = search(sx, "remesas", {}, per_page=10)["hits"]
    two_for_one = [i for i, h in enumerate(hits) if h["title"] == "2x1 para Migrantes"]
    assert len(two_for_one) == 2 and two_for_one[0] < 5, [h["key"] for h in hits]
    assert {hits[i]["key"][:9] for i in two_for_one} == {"2023-ef-o"}


def test_remesas_finds_the_remittance_programmes_first(sx):
    top = _keys(search(sx, "remesas", {}, per_page=5))
    # 001:5800s "VISIBILIZACIÓN DEL APORTE DE LAS REMESAS INDÍGENAS"; the Anuario de Migración y Remesas (2020, 2024)
    assert "2024-apf-o20-05" in top
    assert {"2020-apf-o01-04", "2024-apf-o01-18"} & set(top)


def test_accents_do_not_matter(sx):
    a = search(sx, "informacion", {}, per_page=100)
    b = search(sx, "información", {}, per_page=100)
    assert a["total"] == b["total"] > 100
    assert _keys(a) == _keys(b)


def test_acnur_finds_actions_that_only_spell_the_name_out(sx):
    found = set(_keys(search(sx, "ACNUR", {}, per_page=100)))
    # "Oficina del Alto Comisionado de las Naciones Unidas para los Refugiados" with no acronym:
    # 2018:2221 (objective 12), 2020:1922 (objective 12); "Alto Comisio-/nado" hyphenated, 2024:10192.
    assert {"2018-apf-o12-02", "2020-apf-o12-01", "2024-osc-o02-01"} <= found
    assert found == set(_keys(search(sx, "UNHCR", {}, per_page=100)))


def test_ninez_migrante_finds_actions_for_children(sx):
    result = search(sx, "niñez migrante", {}, per_page=10)
    top5 = _keys(result)[:5]
    # 001:... "ALBERGUE PARA NIÑEZ Y ADOLESCENCIA MIGRANTE…" (Chiapas) and the NNA regulation draft (objective 13)
    assert {"2024-ef-o15-13", "2024-apf-o13-02"} <= set(top5)
    # and actions that only say "niñas, niños y adolescentes" (the alias of NNA / niñez)
    assert "2020-apf-o07-19" in _keys(result)


def test_a_typo_gets_the_right_suggestion(sx):
    result = search(sx, "refujiados", {})
    assert result["total"] == 0
    assert result["suggestion"] == "refugiados"
    assert search(sx, result["suggestion"], {})["total"] > 0


ACTIONS_BY = (
    SPARQL_PROLOGUE
    + """
SELECT ?value (COUNT(DISTINCT ?a) AS ?n) WHERE {
  ?a a mkg:Action ; mkg:reportedIn/mkg:edition ?edition .
  %s
} GROUP BY ?value"""
)


@pytest.mark.parametrize(
    ("filters", "facet", "pattern"),
    [
        ({"objective": ["7"], "edition": ["2024"]}, "actor_type",
         "?a mkg:objective/skos:notation 7 ; mkg:actorType/skos:notation ?value . FILTER(?edition = 2024)"),
        ({"partner": ["OIM"]}, "objective",
         "?a mkg:partner/mkg:acronym 'OIM' ; mkg:objective/skos:notation ?value ."),
        ({"state": ["Chiapas"]}, "objective",
         "?a mkg:state/skos:prefLabel 'Chiapas'@es ; mkg:objective/skos:notation ?value ."),
        ({"edition": ["2020"]}, "objective", "?a mkg:objective/skos:notation ?value . FILTER(?edition = 2020)"),
    ],
)  # fmt: skip
def test_facet_counts_equal_sparql_counts(sx, sparql, filters, facet, pattern):
    result = search(sx, "*", filters, per_page=1)
    expected = Counter({str(r["value"]): r["n"] for r in sparql.select(ACTIONS_BY % pattern)})
    assert expected, "the SPARQL side found nothing: the test would prove nothing"
    assert Counter(result["facets"][facet]) == expected
    assert result["total"] == sum(expected.values())  # both facets are single-valued per action
