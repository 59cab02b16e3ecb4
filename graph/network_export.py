"""Network files of a build: ``network.graphml`` and ``network.gexf`` (institution network with metrics)."""

from __future__ import annotations

from pathlib import Path

from graph import network
from graph.store import SparqlBackend

FILES = {"graphml": "network.graphml", "gexf": "network.gexf"}


def write_network_files(backend: SparqlBackend, folder: Path) -> dict[str, int]:
    """Write the whole institution network (every edition), its nodes carrying centralities and Louvain
    communities, as GraphML and GEXF into ``folder``; return its node and edge counts."""
    g = network.with_metrics(network.institution_network(network.fetch_participation(backend)))
    g.graph["name"] = "migrakg: red de colaboración entre instituciones"
    (folder / FILES["graphml"]).write_bytes(network.to_graphml(g))
    (folder / FILES["gexf"]).write_bytes(network.to_gexf(g))
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
