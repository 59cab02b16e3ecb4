"""Collaboration networks: metrics on small hand-made graphs equal the values worked out by hand; on the
corpus the GraphML/GEXF exports load back with networkx, and the API, CLI and remote backend agree."""

from __future__ import annotations

import io
import json
import math

import networkx as nx
import pytest

from graph import network
from graph.network import Participation

I = "https://w3id.org/migrakg/id/institution/"  # noqa: E741
TYPES = {"a": "APF", "b": "APF", "c": "ORGANISMO_INTERNACIONAL", "d": "ENTIDAD_FEDERATIVA", "e": "ENTIDAD_FEDERATIVA",
         "g": "OSC", "f": "APF"}  # fmt: skip


def p(action: str, role: str, slug: str, objective: int = 1, edition: int = 2024) -> Participation:
    return Participation(
        action=f"https://w3id.org/migrakg/id/action/{action}",
        key=action,
        edition=edition,
        objective=objective,
        role=role,
        institution=I + slug,
        acronym=slug.upper(),
        name=slug.upper(),
        actor_type=TYPES.get(slug, "APF"),
    )


# A tree B - A - C - D - E with G hanging from C, and F alone:
#   act1: A and B both report it            → A–B co_reporting
#   act2, act4: A reports, C named partner  → A–C lead_partner, weight 2
#   act3: D reports, C and E partners       → C–D, D–E (C and E, both partners, are not linked)
#   act5: F alone                           → F isolated
#   act7: G reports, C partner (objective 7) → C–G
TREE = [
    p("act1", "lead", "a"), p("act1", "lead", "b"),
    p("act2", "lead", "a"), p("act2", "partner", "c"),
    p("act4", "lead", "a", objective=2), p("act4", "partner", "c", objective=2),
    p("act3", "lead", "d"), p("act3", "partner", "c"), p("act3", "partner", "e"),
    p("act5", "lead", "f"),
    p("act7", "lead", "g", objective=7), p("act7", "partner", "c", objective=7),
]  # fmt: skip


def n(slug: str) -> str:
    return I + slug


def test_edges_are_typed_and_weighted():
    g = network.institution_network(TREE)
    assert g.number_of_nodes() == 7 and g.number_of_edges() == 5
    assert not g.has_edge(n("c"), n("e"))
    ab, ac = g.edges[n("a"), n("b")], g.edges[n("a"), n("c")]
    assert (ab["type"], ab["weight"], ab["co_reporting"], ab["lead_partner"]) == ("co_reporting", 1, 1, 0)
    assert (ac["type"], ac["weight"], ac["actions"]) == ("lead_partner", 2, "act2 act4")
    assert g.degree(n("f")) == 0
    assert g.nodes[n("c")]["actor_type"] == "ORGANISMO_INTERNACIONAL" and g.nodes[n("c")]["label"] == "C"


def test_degree_and_betweenness_by_hand():
    metrics = network.centrality(network.institution_network(TREE))
    # degree centrality = degree / (n - 1) = degree / 6
    assert {s: metrics[n(s)]["degree"] for s in "abcdefg"} == {"a": 2, "b": 1, "c": 3, "d": 2, "e": 1, "f": 0, "g": 1}
    assert metrics[n("c")]["degree_centrality"] == pytest.approx(3 / 6)
    assert metrics[n("a")]["strength"] == 3  # A–B (1) + A–C (2)
    # betweenness: pairs whose only shortest path crosses the node, over (n-1)(n-2)/2 = 15 pairs
    # A separates B from {C, D, E, G}: 4; C separates {A, B} | {D, E} | {G}: 2·2 + 2·1 + 2·1 = 8; D separates E: 4
    expected = {"a": 4 / 15, "c": 8 / 15, "d": 4 / 15, "b": 0, "e": 0, "f": 0, "g": 0}
    for slug, value in expected.items():
        assert metrics[n(slug)]["betweenness"] == pytest.approx(value, abs=1e-6), slug


def test_eigenvector_by_hand():
    # a star: centre S with leaves L1..L3 (S reports three actions, one partner each).
    # Adjacency eigenvalue √3; eigenvector (√3, 1, 1, 1) / √6.
    star = [p(f"s{i}", "lead", "s") for i in range(3)] + [p(f"s{i}", "partner", f"l{i}") for i in range(3)]
    metrics = network.centrality(network.institution_network(star))
    assert metrics[n("s")]["eigenvector"] == pytest.approx(math.sqrt(3) / math.sqrt(6), abs=1e-5)
    for i in range(3):
        assert metrics[n(f"l{i}")]["eigenvector"] == pytest.approx(1 / math.sqrt(6), abs=1e-5)
    # a path B – A – C of 3 plus one isolated node: the path's vector (1, √2, 1) / 2, scaled by its share 3/4
    path = [p("x1", "lead", "a"), p("x1", "partner", "b"), p("x2", "lead", "a"), p("x2", "partner", "c"),
            p("x3", "lead", "f")]  # fmt: skip
    metrics = network.centrality(network.institution_network(path))
    assert metrics[n("a")]["eigenvector"] == pytest.approx(math.sqrt(2) / 2 * 3 / 4, abs=1e-5)
    assert metrics[n("b")]["eigenvector"] == pytest.approx(0.5 * 3 / 4, abs=1e-5)
    assert metrics[n("f")]["eigenvector"] == 0


def test_louvain_finds_two_triangles():
    rows = [p("t1", "lead", x) for x in ("x1", "x2", "x3")] + [p("t2", "lead", y) for y in ("y1", "y2", "y3")]
    rows += [p("t3", "lead", "x1"), p("t3", "partner", "y1")]
    g = network.institution_network(rows)
    assert network.communities(g) == [[n("x1"), n("x2"), n("x3")], [n("y1"), n("y2"), n("y3")]]
    assert network.communities(g) == network.communities(g)  # fixed seed: stable


def test_brokers_by_hand():
    found = {b["label"]: b for b in network.brokers(network.institution_network(TREE))}
    # C's neighbours A (APF), D (EF), G (OSC): three pairs of different types, none linked
    assert found["C"]["brokered_pairs"] == 3
    assert found["C"]["types_bridged"] == ["APF", "ENTIDAD_FEDERATIVA", "OSC"]
    # A's neighbours B (APF) and C (OI); D's neighbours C (OI) and E (EF)
    assert found["A"]["brokered_pairs"] == 1 and found["D"]["brokered_pairs"] == 1
    assert set(found) == {"A", "C", "D"}
    assert network.brokers(network.institution_network(TREE))[0]["label"] == "C"


def test_bipartite_and_ego():
    b = network.bipartite_network(TREE)
    assert b.edges[n("a"), "objective:1"]["weight"] == 2  # act1, act2
    assert b.edges[n("a"), "objective:2"]["weight"] == 1
    assert b.edges[n("c"), "objective:7"]["weight"] == 1
    assert {d["bipartite"] for _, d in b.nodes(data=True)} == {0, 1}
    assert nx.is_bipartite(b)
    ego = network.ego_network(network.institution_network(TREE), "c")
    assert set(ego) == {n("a"), n("c"), n("d"), n("g")}
    with pytest.raises(KeyError):
        network.ego_network(network.institution_network(TREE), "UNKNOWN")


def test_analyse_ranks_by_metric():
    data = network.analyse(network.institution_network(TREE), "betweenness")
    assert data["ranking"][0]["label"] == "C"
    assert data["summary"] == {"nodes": 7, "edges": 5, "density": round(5 / 21, 6), "components": 2,
                               "largest_component": 6}  # fmt: skip
    json.dumps(data)  # plain data
    with pytest.raises(ValueError):
        network.analyse(nx.Graph(), "pagerank")


def test_exports_round_trip_by_hand():
    g = network.with_metrics(network.institution_network(TREE))
    for raw, reader in ((network.to_graphml(g), nx.read_graphml), (network.to_gexf(g), nx.read_gexf)):
        back = reader(io.BytesIO(raw))
        assert back.number_of_nodes() == 7 and back.number_of_edges() == 5
        assert float(back.nodes[n("c")]["betweenness"]) == pytest.approx(8 / 15, abs=1e-5)
        assert int(back.edges[n("a"), n("c")]["weight"]) == 2


# -- the corpus -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backend(published):
    from graph.store import EmbeddedBackend, open_store

    return EmbeddedBackend(open_store(published[1].path / "store"))


def test_build_exports_load_back(published, backend):
    g = network.institution_network(network.fetch_participation(backend))
    path = published[1].path
    for name, reader in (("network.graphml", nx.read_graphml), ("network.gexf", nx.read_gexf)):
        back = reader(path / name)
        assert back.number_of_nodes() == g.number_of_nodes() > 50
        assert back.number_of_edges() == g.number_of_edges() > 50
        assert set(back.nodes) == set(g.nodes)
        oim = back.nodes[I + "oim"]
        assert oim["label"] == "OIM" and float(oim["betweenness"]) > 0
    assert "network.graphml" in published[1].manifest["files"]


def test_corpus_filters(backend):
    every = network.fetch_participation(backend)
    only = network.fetch_participation(backend, edition=2024, objective=7)
    assert only and {(r.edition, r.objective) for r in only} == {(2024, 7)}
    assert set(only) <= set(every)
    assert {r.role for r in every} == {"lead", "partner"}
    oim = network.ego_network(network.institution_network(every), "OIM")
    degrees = dict(oim.degree())
    assert max(degrees, key=degrees.get) == I + "oim"


def test_api_network(published):
    from webapp import create_app

    client = create_app({"DATA_DIR": str(published[0])}).test_client()
    r = client.get("/api/network?edition=2024&metric=betweenness")
    assert r.status_code == 200
    data = r.get_json()
    assert data["filters"]["edition"] == 2024 and data["nodes"] and data["edges"]
    values = [row["betweenness"] for row in data["ranking"]]
    assert values == sorted(values, reverse=True)
    r = client.get("/api/network?ego=OIM&kind=institutions")
    assert r.status_code == 200 and r.get_json()["summary"]["nodes"] > 3
    r = client.get("/api/network?kind=bipartite&objective=7")
    assert r.status_code == 200 and any(node["kind"] == "objective" for node in r.get_json()["nodes"])
    for bad in ("objective=99", "edition=abc", "metric=pagerank", "kind=x", "format=pdf"):
        r = client.get(f"/api/network?{bad}")
        assert r.status_code == 400 and set(r.get_json()) == {"error", "detail"}, bad
    assert client.get("/api/network?ego=NOSUCH").status_code == 404
    r = client.get("/api/network?format=graphml&edition=2024")
    assert r.status_code == 200 and nx.read_graphml(io.BytesIO(r.data)).number_of_nodes() > 10
    r = client.get("/downloads/network.gexf")
    assert r.status_code == 200 and nx.read_gexf(io.BytesIO(r.data)).number_of_edges() > 50


def test_cli_network(published, tmp_path, capsys):
    from migrakg.cli import main

    data = str(published[0])
    assert main(["--data", data, "network", "--edition", "2024", "--metric", "eigenvector"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metric"] == "eigenvector" and out["filters"]["edition"] == 2024
    target = tmp_path / "n.gexf"
    assert main(["--data", data, "network", "--format", "gexf", "--ego", "ACNUR", "-o", str(target)]) == 0
    assert I + "acnur" in nx.read_gexf(target)
    assert main(["--data", data, "network", "--ego", "NOSUCH"]) == 2
    assert main(["--data", data, "network", "--objective", "40"]) == 2


def test_remote_backend_gives_the_same_network(published, backend, oxigraph_server):
    from graph.store import RemoteBackend

    remote = RemoteBackend(f"{oxigraph_server}/query", f"{oxigraph_server}/update")
    remote.push((published[1].path / "migrakg.nq").read_bytes(), drop_all=True)
    here = network.institution_network(network.fetch_participation(backend, edition=2024))
    there = network.institution_network(network.fetch_participation(remote, edition=2024))
    assert sorted(here.edges(data="weight")) == sorted(there.edges(data="weight"))
