"""Collaboration networks with networkx: who works with whom, on which objectives.

The rows come from SPARQL on any :class:`~graph.store.SparqlBackend` (embedded store or remote endpoint);
the functions here take those rows or a graph and return graphs or plain data (dicts, lists, numbers).

- :func:`institution_network`: institutions linked when they appear in the same action, typed
  ``co_reporting`` (both report it) or ``lead_partner`` (one reports it, the other is named as partner),
  weighted by the number of distinct actions.
- :func:`bipartite_network`: institutions and GCM objectives, weighted by actions.
- :func:`ego_network`: one partner (OIM, ACNUR, UNICEF…) and its neighbours.
- :func:`centrality`, :func:`communities` (Louvain, fixed seed), :func:`brokers` (actor-type brokerage).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx

from graph.namespaces import MKG_IRI, SKOS
from graph.store import Row, SparqlBackend

METRICS = ("degree", "betweenness", "eigenvector")
KINDS = ("institutions", "bipartite")
EDGE_TYPES = ("co_reporting", "lead_partner")
LOUVAIN_SEED = 42

PARTICIPATION_QUERY = f"""PREFIX mkg: <{MKG_IRI}>
PREFIX skos: <{SKOS}>
SELECT ?action ?key ?edition ?objective ?role ?institution ?acronym ?name ?actorType WHERE {{
  ?action a mkg:Action ; mkg:reportedIn ?report ; mkg:objective ?o .
  ?report mkg:edition ?edition .
  ?o skos:notation ?objective .
  OPTIONAL {{ ?action <http://purl.org/dc/terms/identifier> ?key }}
  {{ ?action mkg:reportedBy ?institution BIND ("lead" AS ?role) }}
  UNION
  {{ ?action mkg:partner ?institution BIND ("partner" AS ?role) }}
  OPTIONAL {{ ?institution mkg:acronym ?acronym }}
  OPTIONAL {{ ?institution skos:prefLabel ?name FILTER (LANG(?name) = "es") }}
  OPTIONAL {{ ?institution mkg:actorType/skos:notation ?actorType }}
  %(filters)s
}}"""


@dataclass(frozen=True, slots=True)
class Participation:
    """One institution in one action, as lead (reports it) or partner (named in its text)."""

    action: str
    key: str
    edition: int
    objective: int
    role: str  # "lead" | "partner"
    institution: str
    acronym: str
    name: str
    actor_type: str


def participation_query(edition: int | None = None, objective: int | None = None) -> str:
    """The SPARQL SELECT giving :class:`Participation` rows, filtered by edition and objective."""
    filters = []
    if edition is not None:
        filters.append(f"FILTER (?edition = {int(edition)})")
    if objective is not None:
        filters.append(f"FILTER (?objective = {int(objective)})")
    return PARTICIPATION_QUERY % {"filters": "\n  ".join(filters)}


def _participation(row: Row) -> Participation:
    iri = str(row["institution"])
    acronym = str(row.get("acronym") or iri.rstrip("/").rsplit("/", 1)[-1])
    action = str(row["action"])
    return Participation(
        action=action,
        key=str(row.get("key") or action.rsplit("/", 1)[-1]),
        edition=int(row["edition"]),  # type: ignore[arg-type]
        objective=int(row["objective"]),  # type: ignore[arg-type]
        role=str(row["role"]),
        institution=iri,
        acronym=acronym,
        name=str(row.get("name") or acronym),
        actor_type=str(row.get("actorType") or ""),
    )


def fetch_participation(
    backend: SparqlBackend, edition: int | None = None, objective: int | None = None
) -> list[Participation]:
    """Every (action, institution, role) of the graph, from SPARQL, sorted for stable output."""
    rows = backend.select(participation_query(edition, objective))
    out = {_participation(r) for r in rows}
    return sorted(out, key=lambda p: (p.action, p.role, p.institution))


def _add_institution(g: nx.Graph, p: Participation) -> None:
    if p.institution not in g:
        g.add_node(p.institution, kind="institution", label=p.acronym, name=p.name, actor_type=p.actor_type)


def institution_network(rows: Iterable[Participation]) -> nx.Graph:
    """Institution–institution network: an edge for each pair sharing an action, typed and weighted.

    Edge attributes: ``weight`` (distinct shared actions), ``co_reporting`` and ``lead_partner`` (actions
    of each type), ``type`` (the types present, joined by ``+``) and ``actions`` (their keys, space-separated).
    Two partners of the same action are not linked: the report does not say they worked together.
    """
    g = nx.Graph()
    by_action: dict[str, list[Participation]] = defaultdict(list)
    for p in rows:
        _add_institution(g, p)
        by_action[p.action].append(p)
    links: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: {t: set() for t in EDGE_TYPES})
    for action, parts in by_action.items():
        leads = {p.institution for p in parts if p.role == "lead"}
        partners = {p.institution for p in parts if p.role == "partner"} - leads
        key = parts[0].key
        for a, b in combinations(sorted(leads), 2):
            links[(a, b)]["co_reporting"].add(key)
        for a in leads:
            for b in partners:
                links[tuple(sorted((a, b)))]["lead_partner"].add(key)  # type: ignore[index]
        del action
    for (a, b), kinds in sorted(links.items()):
        actions = set().union(*kinds.values())
        g.add_edge(
            a,
            b,
            weight=len(actions),
            co_reporting=len(kinds["co_reporting"]),
            lead_partner=len(kinds["lead_partner"]),
            type="+".join(t for t in EDGE_TYPES if kinds[t]),
            actions=" ".join(sorted(actions)),
        )
    return g


def bipartite_network(rows: Iterable[Participation], roles: Sequence[str] = ("lead", "partner")) -> nx.Graph:
    """Institution–objective bipartite network; edge ``weight`` = distinct actions of the institution there."""
    g = nx.Graph()
    counts: dict[tuple[str, int], set[str]] = defaultdict(set)
    for p in rows:
        if p.role not in roles:
            continue
        _add_institution(g, p)
        g.nodes[p.institution]["bipartite"] = 0
        counts[(p.institution, p.objective)].add(p.action)
    for (inst, objective), actions in sorted(counts.items()):
        node = f"objective:{objective}"
        if node not in g:
            g.add_node(node, kind="objective", label=f"Objetivo {objective}", objective=objective, bipartite=1)
        g.add_edge(inst, node, weight=len(actions))
    return g


def find_node(g: nx.Graph, name: str) -> str | None:
    """The node whose id, acronym (case-insensitive) or slug is ``name``, or None."""
    if name in g:
        return name
    wanted = name.strip().casefold()
    for node, data in g.nodes(data=True):
        if str(data.get("label", "")).casefold() == wanted or str(node).rstrip("/").rsplit("/", 1)[-1] == wanted:
            return node
    return None


def ego_network(g: nx.Graph, center: str, radius: int = 1) -> nx.Graph:
    """The ego network of ``center`` (node id or acronym): it, its neighbours within ``radius`` and their edges."""
    node = find_node(g, center)
    if node is None:
        raise KeyError(center)
    return nx.ego_graph(g, node, radius=radius)


def centrality(g: nx.Graph) -> dict[str, dict[str, float]]:
    """Per node: ``degree`` (neighbours), ``strength`` (sum of edge weights), ``degree_centrality``,
    ``betweenness`` (normalized, unweighted shortest paths) and ``eigenvector`` (unweighted, unit norm;
    computed per connected component so isolated groups do not get zero)."""
    if g.number_of_nodes() == 0:
        return {}
    degree_c = nx.degree_centrality(g)
    between = nx.betweenness_centrality(g, normalized=True)
    eigen = _eigenvector(g)
    return {
        n: {
            "degree": g.degree(n),
            "strength": g.degree(n, weight="weight"),
            "degree_centrality": round(degree_c[n], 6),
            "betweenness": round(between[n], 6),
            "eigenvector": round(eigen[n], 6),
        }
        for n in g.nodes
    }


def _eigenvector(g: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality of each connected component, scaled by the component's share of nodes."""
    out: dict[str, float] = {}
    total = g.number_of_nodes()
    for comp in nx.connected_components(g):
        sub = g.subgraph(comp)
        if sub.number_of_nodes() == 1:
            out.update(dict.fromkeys(comp, 0.0))
            continue
        if sub.number_of_nodes() == 2:
            values = dict.fromkeys(comp, 2**-0.5)
        else:
            try:
                values = nx.eigenvector_centrality(sub, max_iter=2000, tol=1e-9)
            except nx.PowerIterationFailedConvergence:
                values = nx.eigenvector_centrality_numpy(sub)
        share = sub.number_of_nodes() / total
        out.update({n: abs(v) * share for n, v in values.items()})
    return out


def communities(g: nx.Graph, seed: int = LOUVAIN_SEED) -> list[list[str]]:
    """Louvain communities (weighted, fixed seed), largest first; each a sorted list of node ids."""
    if g.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(g, weight="weight", seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))


def brokers(g: nx.Graph, attribute: str = "actor_type") -> list[dict[str, Any]]:
    """Brokers between actor types: per node, the pairs of its neighbours that are of different actor
    types and not linked to each other (only through it), most pairs first; nodes with none are left out."""
    out = []
    for node in g.nodes:
        neighbours = sorted(g.neighbors(node))
        pairs = [
            (a, b)
            for a, b in combinations(neighbours, 2)
            if g.nodes[a].get(attribute) != g.nodes[b].get(attribute) and not g.has_edge(a, b)
        ]
        if not pairs:
            continue
        out.append(
            {
                "id": node,
                "label": g.nodes[node].get("label", node),
                attribute: g.nodes[node].get(attribute, ""),
                "brokered_pairs": len(pairs),
                "types_bridged": sorted({str(g.nodes[n].get(attribute, "")) for pair in pairs for n in pair}),
            }
        )
    return sorted(out, key=lambda d: (-d["brokered_pairs"], str(d["label"])))


def summary(g: nx.Graph) -> dict[str, Any]:
    """Counts: nodes, edges, density, connected components, size of the largest one."""
    comps = list(nx.connected_components(g)) if g.number_of_nodes() else []
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "density": round(nx.density(g), 6) if g.number_of_nodes() > 1 else 0.0,
        "components": len(comps),
        "largest_component": max((len(c) for c in comps), default=0),
    }


def analyse(g: nx.Graph, metric: str = "degree", top: int = 20) -> dict[str, Any]:
    """Everything about ``g`` as plain data: nodes with their metrics and community, edges, ranking by
    ``metric``, communities, brokers and summary (the ``/api/network`` and ``migrakg network --format json``
    object)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}: use one of {', '.join(METRICS)}")
    metrics = centrality(g)
    comms = communities(g)
    community_of = {n: i for i, c in enumerate(comms) for n in c}
    nodes = []
    for n, data in sorted(g.nodes(data=True)):
        nodes.append({"id": n, **{k: v for k, v in data.items()}, **metrics.get(n, {}), "community": community_of[n]})
    edges = [{"source": a, "target": b, **data} for a, b, data in sorted(g.edges(data=True))]
    ranking = sorted(nodes, key=lambda d: (-d[metric], str(d.get("label", d["id"]))))[:top]
    return {
        "summary": summary(g),
        "metric": metric,
        "ranking": [{"id": d["id"], "label": d.get("label", d["id"]), metric: d[metric]} for d in ranking],
        "nodes": nodes,
        "edges": edges,
        "communities": comms,
        "brokers": brokers(g) if any("actor_type" in d for _, d in g.nodes(data=True)) else [],
    }


def build_network(
    rows: Sequence[Participation], kind: str = "institutions", ego: str | None = None, radius: int = 1
) -> nx.Graph:
    """The network of ``kind`` (institutions | bipartite) from ``rows``, cut to ``ego``'s neighbourhood if given."""
    if kind not in KINDS:
        raise ValueError(f"unknown network {kind!r}: use one of {', '.join(KINDS)}")
    g = institution_network(rows) if kind == "institutions" else bipartite_network(rows)
    if ego:
        g = ego_network(g, ego, radius)
    return g


def _exportable(g: nx.Graph) -> nx.Graph:
    """A copy with only str/int/float/bool attributes (GraphML and GEXF take no None or lists)."""
    h = nx.Graph()
    h.graph.update({k: v for k, v in g.graph.items() if isinstance(v, str | int | float | bool)})
    for n, data in g.nodes(data=True):
        h.add_node(n, **{k: v for k, v in data.items() if isinstance(v, str | int | float | bool)})
    for a, b, data in g.edges(data=True):
        h.add_edge(a, b, **{k: v for k, v in data.items() if isinstance(v, str | int | float | bool)})
    return h


def with_metrics(g: nx.Graph) -> nx.Graph:
    """A copy of ``g`` whose nodes also carry their centralities and Louvain community (for Gephi)."""
    h = g.copy()
    for n, values in centrality(g).items():
        h.nodes[n].update(values)
    for i, comm in enumerate(communities(g)):
        for n in comm:
            h.nodes[n]["community"] = i
    return h


def to_graphml(g: nx.Graph) -> bytes:
    """GraphML bytes (networkx ``read_graphml`` and Gephi load them)."""
    buf = io.BytesIO()
    nx.write_graphml(_exportable(g), buf, encoding="utf-8")
    return buf.getvalue()


def to_gexf(g: nx.Graph) -> bytes:
    """GEXF 1.2 bytes (Gephi's own format; networkx ``read_gexf`` loads them)."""
    buf = io.BytesIO()
    nx.write_gexf(_exportable(g), buf, encoding="utf-8")
    return buf.getvalue()
