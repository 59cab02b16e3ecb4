"""Oxigraph store: embedded pyoxigraph and a real `oxigraph serve` answer the named queries identically."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import queries as Q
from graph.build_rdf import build_dataset, to_nquads
from graph.store import (
    EmbeddedBackend,
    RemoteBackend,
    SparqlBackend,
    SparqlError,
    load_store,
    memory_store,
    open_store,
)
from graph.synthetic import INSTITUTIONS, sample_reports
from graph.uris import Minter
from tests.conftest import free_port

BUILT_AT = "2026-01-01T00:00:00Z"
ID = "https://w3id.org/migrakg/id/"


@pytest.fixture(scope="module")
def nquads() -> bytes:
    return to_nquads(build_dataset(sample_reports(), INSTITUTIONS, Minter(), BUILT_AT))


@pytest.fixture(scope="module")
def embedded(nquads) -> EmbeddedBackend:
    return EmbeddedBackend(memory_store(nquads))


def _all_answers(backend: SparqlBackend) -> dict[str, list]:
    return {
        "states-o1-2024": Q.states_for_objective(backend, 1, 2024),
        "states-o1-2020": Q.states_for_objective(backend, 1, 2020),
        "institutions-o1": Q.institutions_for_objective(backend, 1),
        "institutions-o1-2020": Q.institutions_for_objective(backend, 1, 2020),
        "both-oim-acnur": Q.actions_with_both(backend, "OIM", "ACNUR"),
        "both-inm-acnur": Q.actions_with_both(backend, "INM", "ACNUR"),
        "per-objective-actor-type": Q.actions_per_objective_and_actor_type(backend),
        "labels": backend.select(
            'SELECT ?s ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l . FILTER(lang(?l)="es") } '
            "ORDER BY ?s ?l"
        ),
        "typed": backend.select(
            "PREFIX mkg: <https://w3id.org/migrakg/ontology#> SELECT ?s ?v ?g ?u WHERE { "
            "?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v ; mkg:unit ?u . "
            "OPTIONAL { ?s mkg:objective ?g } } ORDER BY ?s"
        ),
    }


def test_states_for_objective(embedded):
    rows = Q.states_for_objective(embedded, 1, 2024)
    assert rows == [
        {"state": ID + "state/04", "inegi": "04", "name": "Campeche", "actions": 1},
        {"state": ID + "state/07", "inegi": "07", "name": "Chiapas", "actions": 1},
    ]
    assert Q.states_for_objective(embedded, 1, 2020) == []
    assert Q.states_for_objective(embedded, 4, 0) == []


def test_institutions_for_objective(embedded):
    rows = Q.institutions_for_objective(embedded, 4, 2024)
    assert [(r["acronym"], r["actor_type"], r["actions"]) for r in rows] == [
        ("CAFAMI", "OSC", 1),
        ("COMAR", "APF", 1),
        ("INM", "APF", 1),
    ]
    all_editions = {r["acronym"]: r["actions"] for r in Q.institutions_for_objective(embedded, 1)}
    assert all_editions == {"Campeche": 1, "Chiapas": 1, "INM": 1, "SRE": 1}


def test_actions_with_both(embedded):
    keys = [r["key"] for r in Q.actions_with_both(embedded, "OIM", "ACNUR")]
    assert keys == ["2024-apf-o01-01", "2024-osc-o04-01"]
    # reporter + partner counts too
    assert [r["key"] for r in Q.actions_with_both(embedded, "INM", "ACNUR")] == ["2024-apf-o01-01", "2024-apf-o04-01"]
    # quotes in a parameter are escaped, not injected
    assert Q.actions_with_both(embedded, 'OIM" } #', "ACNUR") == []


def test_actions_per_objective_and_actor_type(embedded):
    rows = Q.actions_per_objective_and_actor_type(embedded, 2020)
    assert rows == [
        {"edition": 2020, "objective": 1, "actor_type": "APF", "actions": 1},
        {"edition": 2020, "objective": 7, "actor_type": "OCA", "actions": 1},
    ]
    total = sum(r["actions"] for r in Q.actions_per_objective_and_actor_type(embedded))
    assert total == sum(len(r.actions) for r in sample_reports())


def test_render_rejects_missing_parameters():
    with pytest.raises(ValueError, match="missing"):
        Q.STATES_FOR_OBJECTIVE.render(objective=1)


def test_bad_query_raises_sparql_error(embedded):
    with pytest.raises(SparqlError):
        embedded.select("SELECT WHERE {")
    with pytest.raises(SparqlError):
        embedded.select("ASK { ?s ?p ?o }")
    assert embedded.ask("ASK { ?s a <https://w3id.org/migrakg/ontology#Action> }")


def test_on_disk_store_round_trip(tmp_path: Path, nquads, embedded):
    path = tmp_path / "store"
    store = load_store(path, nquads)
    n = len(store)
    del store
    reader = open_store(path)
    assert len(reader) == n == nquads.count(b"\n")
    assert _all_answers(EmbeddedBackend(reader)) == _all_answers(embedded)
    with pytest.raises(RuntimeError, match="read-write"):
        reader.update("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(FileNotFoundError):
        open_store(tmp_path / "nothing")


def test_load_store_from_files(tmp_path: Path, nquads, embedded):
    file = tmp_path / "migrakg.nq"
    file.write_bytes(nquads)
    store = load_store(tmp_path / "s", [file])
    assert _all_answers(EmbeddedBackend(store)) == _all_answers(embedded)


@pytest.mark.server
def test_remote_endpoint_gives_identical_results(oxigraph_server, nquads, embedded):
    remote = RemoteBackend(f"{oxigraph_server}/query", f"{oxigraph_server}/update")
    sent = remote.push(nquads, drop_all=True)
    assert sent == nquads.count(b"\n")
    count = remote.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert count == [{"n": sent}]
    remote_answers = _all_answers(remote)
    assert remote_answers == _all_answers(embedded)
    assert remote_answers["states-o1-2024"][0]["name"] == "Campeche"
    # pushing again replaces the graphs instead of duplicating them
    remote.push(nquads)
    assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == [{"n": sent}]


@pytest.mark.server
def test_remote_errors_are_sparql_errors(oxigraph_server):
    remote = RemoteBackend(f"{oxigraph_server}/query")
    with pytest.raises(SparqlError, match="400"):
        remote.select("SELECT WHERE {")
    with pytest.raises(SparqlError, match="update endpoint"):
        remote.push(b"")
    with pytest.raises(SparqlError, match="unreachable"):
        RemoteBackend(f"http://127.0.0.1:{free_port()}/query", timeout=2).select("SELECT * WHERE {}")
