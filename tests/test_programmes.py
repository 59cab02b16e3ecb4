"""Programme links (issue 7): the linker's invariants, the programmes the corpus notes name, and their RDF."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import pytest
from rdflib import Literal

from graph import concepts
from graph.build_rdf import build_dataset, union_graph
from graph.namespaces import MKG, RDF
from graph.synthetic import INSTITUTIONS, sample_reports
from graph.uris import Minter
from graph.validate import validate_graph
from ingest.classify.programmes import THRESHOLD, link_programmes, programme_name, score_pairs
from ingest.records import ProgrammeLink

M = Minter("https://w3id.org/migrakg/")


@pytest.fixture(scope="module")
def links(corpus):
    return [link for r in corpus.reports for link in r.programme_links]


@pytest.fixture(scope="module")
def components(links):
    g = nx.Graph()
    g.add_edges_from((link.a_key, link.b_key) for link in links)
    return g


def _same_programme(g: nx.Graph, *keys: str) -> bool:
    return all(k in g for k in keys) and all(nx.has_path(g, keys[0], k) for k in keys[1:])


def test_link_invariants(corpus, links):
    actions = {a.key: a for a in corpus.actions}
    assert len(links) > 50
    seen = set()
    for link in links:
        a, b = actions[link.a_key], actions[link.b_key]
        assert link.a_key < link.b_key and (link.a_key, link.b_key) not in seen
        seen.add((link.a_key, link.b_key))
        assert THRESHOLD <= link.confidence <= 1.0
        assert "name similarity" in link.evidence
        assert not (a.edition == b.edition and a.objective == b.objective)
        assert not (a.chapter == b.chapter == "ef" and a.state != b.state)
    # each link is kept by the report of its first action
    for r in corpus.reports:
        assert all(link.a_key in {a.key for a in r.actions} for link in r.programme_links)


@pytest.mark.parametrize(
    "keys",
    [
        # corpus-formats.md: the same programme under several objectives of the 2024 Compendio
        ("2024-pj-o03-01", "2024-pj-o04-01", "2024-pj-o07-01", "2024-pj-o23-01"),  # IFDP asesoría especializada
        ("2024-apf-o07-22", "2024-apf-o14-05"),  # SRE asistencia y protección consular
        ("2024-ef-o03-04", "2024-ef-o07-06"),  # Chiapas "Diez Noticias"
        ("2024-ef-o03-07", "2024-ef-o07-03"),  # Chiapas retorno voluntario
        ("2024-ef-o15-16", "2024-ef-o21-03"),  # Sinaloa near-duplicate titles
        ("2024-apf-o07-15", "2024-apf-o15-09"),  # Bienestar PESN / PBPESN
        # issue 7: across editions
        ("2018-apf-o06-01", "2020-apf-o06-04", "2024-apf-o06-02"),  # PTAT with Canada
        ("2018-apf-o15-03", "2020-apf-o15-04", "2024-apf-o15-15"),  # Semana Binacional de Salud
        ("2020-apf-o15-06", "2024-apf-o15-16"),  # Ventanillas de Salud
        ("2018-apf-o08-03", "2020-apf-o08-01", "2024-apf-o08-02"),  # Grupos Beta
        ("2020-apf-o03-03", "2024-apf-o03-05"),  # Programa Paisano → Héroes Paisanos
        # linker v2 (development pairs): an acronym abbreviating its own name, a name of common words printed
        # whole in a 2018 sentence, a head word ("Expedición de…") that names no programme
        ("2020-apf-o07-01", "2024-apf-o07-13"),  # Oficiales de Protección a la Infancia (OPI)
        ("2018-apf-o08-04", "2020-apf-o03-08"),  # Centro de Información y Asistencia a Mexicanos
        ("2018-apf-o06-02", "2020-apf-o05-07"),  # Tarjeta de Visitante Trabajador Fronterizo
    ],
)
def test_known_programmes_are_linked(components, keys):
    assert _same_programme(components, *keys), keys


def test_sibling_programmes_are_not_linked(components):
    # AMEXCID's "Sembrando Vida" in different countries are different projects
    assert not components.has_edge("2024-apf-o02-05", "2024-apf-o02-08")
    # two states' own "doble nacionalidad" programmes
    assert not components.has_edge("2024-ef-o04-15", "2024-ef-o04-19")


def test_2018_names_come_from_the_first_sentence(corpus):
    a = next(x for x in corpus.actions if x.key == "2018-apf-o03-03")
    assert a.title.endswith("…")
    name = programme_name(a)
    assert "Programa Paisano" in name and not name.endswith("…")


def test_threshold_filters_scored_pairs(corpus, links):
    scored = score_pairs(corpus.actions, corpus.registry.ancestors, {i.acronym.upper() for i in corpus.registry})
    above = {(s.a_key, s.b_key) for s in scored if s.confidence >= THRESHOLD}
    assert above == {(link.a_key, link.b_key) for link in links}
    strict = link_programmes(corpus.actions, corpus.registry.ancestors, threshold=0.9)
    assert len(strict) < len(links)


def test_links_in_rdf_are_reified_and_valid(corpus):
    reports = [r for r in corpus.reports if r.info.slug == "2024-compendio-general"]
    ds = build_dataset(reports, [], M, "2024-01-01T00:00:00")
    g = union_graph(ds)
    link = reports[0].programme_links[0]
    a, b = M.action(link.a_key), M.action(link.b_key)
    assert (a, MKG.sameProgrammeAs, b) in g
    nodes = [n for n in g.subjects(RDF.type, MKG.ProgrammeLink) if (n, MKG.linksAction, a) in g]
    node = next(n for n in nodes if (n, MKG.linksAction, b) in g)
    assert str(node).endswith(f"/id/programme-link/{link.a_key}--{link.b_key}")
    assert float(g.value(node, MKG.confidence)) == pytest.approx(link.confidence)
    assert str(g.value(node, MKG.evidence)) == link.evidence
    assert "threshold" in str(g.value(node, MKG.linkMethod))
    # every mkg:sameProgrammeAs has its link node
    assert len(set(g.subjects(RDF.type, MKG.ProgrammeLink))) == len(list(g.triples((None, MKG.sameProgrammeAs, None))))


def _link_graph(confidence: float):
    reports = list(sample_reports())
    keys = sorted(a.key for r in reports for a in r.actions)[:2]
    first = next(r for r in reports if any(a.key == keys[0] for a in r.actions))
    reports[reports.index(first)] = replace(first, programme_links=(ProgrammeLink(keys[0], keys[1], confidence, "e"),))
    return reports, INSTITUTIONS


def test_shacl_checks_programme_links():
    reports, institutions = _link_graph(0.5)
    g = union_graph(build_dataset(reports, institutions, M, "2024-01-01T00:00:00"))
    for triple in concepts.ontology_graph(M):
        g.add(triple)
    assert validate_graph(g).conforms
    node = next(g.subjects(RDF.type, MKG.ProgrammeLink))
    g.set((node, MKG.confidence, Literal(1.5)))
    g.remove((node, MKG.evidence, None))
    result = validate_graph(g)
    assert not result.conforms
    paths = {v.path for v in result.violations if v.focus == str(node)}
    assert any("confidence" in p for p in paths) and any("evidence" in p for p in paths), paths
    # a mkg:sameProgrammeAs whose link node is gone is reported on the action
    a = next(g.subjects(MKG.sameProgrammeAs, None))
    g.remove((None, RDF.type, MKG.ProgrammeLink))
    result = validate_graph(g)
    assert any(v.focus == str(a) and "ProgrammeLink" in v.message for v in result.violations)


def test_confidence_out_of_range_is_refused():
    reports, institutions = _link_graph(1.5)
    with pytest.raises(ValueError, match="confidence 1.5 not in"):
        build_dataset(reports, institutions, M, "2024-01-01T00:00:00")
