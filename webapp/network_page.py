"""The collaboration network drawn as SVG on the server (networkx spring layout with a fixed seed)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import networkx as nx
from flask import Blueprint, render_template, request

from graph.network import fetch_participation, institution_network
from webapp.catalogue import CHAPTER_TYPES
from webapp.charts import PALETTE
from webapp.common import catalogue, edition_arg, int_arg
from webapp.published import get_build

bp = Blueprint("network_page", __name__)

WIDTH, HEIGHT, MARGIN = 960.0, 720.0, 40.0
LAYOUT_SEED = 42
LABELLED = 30  # the biggest nodes carry a visible label
TYPE_ORDER = (*CHAPTER_TYPES, "ORGANISMO_INTERNACIONAL", "GOBIERNO_EXTRANJERO", "ACADEMIA", "SECTOR_PRIVADO")


@dataclass(frozen=True)
class Node:
    slug: str
    label: str
    name: str
    actor_type: str
    x: float
    y: float
    r: float
    color: str
    degree: int
    strength: int
    show_label: bool


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    weight: int
    title: str


@dataclass(frozen=True)
class Drawing:
    nodes: list[Node]
    edges: list[Edge]
    isolated: int
    colors: dict[str, str]


_lock = threading.Lock()
_cache: dict[tuple[str, int | None, int | None], Drawing] = {}


def _color(actor_type: str) -> str:
    i = TYPE_ORDER.index(actor_type) if actor_type in TYPE_ORDER else len(PALETTE) - 2
    return PALETTE[i % len(PALETTE)]


def draw(objective: int | None, edition: int | None) -> Drawing:
    """The laid-out network for the filters (cached per build and filters)."""
    build = get_build()
    key = (str(build.path), objective, edition)
    with _lock:
        if key in _cache:
            return _cache[key]
    g = institution_network(fetch_participation(build.backend, edition, objective))
    isolated = [n for n in g if g.degree(n) == 0]
    g.remove_nodes_from(isolated)
    nodes: list[Node] = []
    edges: list[Edge] = []
    if len(g):
        k = 1.6 / math.sqrt(len(g))
        pos = nx.spring_layout(g, seed=LAYOUT_SEED, k=k, iterations=80, weight="weight")
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)

        def sx(v: float) -> float:
            return round(MARGIN + (v - x0) / ((x1 - x0) or 1) * (WIDTH - 2 * MARGIN), 1)

        def sy(v: float) -> float:
            return round(MARGIN + (v - y0) / ((y1 - y0) or 1) * (HEIGHT - 2 * MARGIN), 1)

        strength = {n: int(sum(d["weight"] for *_e, d in g.edges(n, data=True))) for n in g}
        ranked = sorted(g, key=lambda n: (-strength[n], str(g.nodes[n].get("label", n))))
        labelled = set(ranked[:LABELLED])
        for a, b, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
            la, lb = g.nodes[a].get("label", a), g.nodes[b].get("label", b)
            edges.append(
                Edge(sx(pos[a][0]), sy(pos[a][1]), sx(pos[b][0]), sy(pos[b][1]),
                     round(min(6.0, 0.6 + 0.5 * d["weight"]), 2), int(d["weight"]), f"{la} – {lb}: {d['weight']}")
            )  # fmt: skip
        for n in ranked[::-1]:  # biggest drawn last (on top)
            data = g.nodes[n]
            nodes.append(
                Node(
                    slug=str(n).rstrip("/").rsplit("/", 1)[-1],
                    label=str(data.get("label", n)),
                    name=str(data.get("name", "")),
                    actor_type=str(data.get("actor_type", "")),
                    x=sx(pos[n][0]),
                    y=sy(pos[n][1]),
                    r=round(4 + 2.2 * math.sqrt(strength[n]), 1),
                    color=_color(str(data.get("actor_type", ""))),
                    degree=g.degree(n),
                    strength=strength[n],
                    show_label=n in labelled,
                )
            )
    types = sorted({n.actor_type for n in nodes}, key=lambda t: TYPE_ORDER.index(t) if t in TYPE_ORDER else 99)
    drawing = Drawing(nodes, edges, len(isolated), {t: _color(t) for t in types})
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = drawing
    return drawing


@bp.get("/network")
def network() -> str:
    """The network of institutions named in the same actions, filterable by objective and edition."""
    cat = catalogue()
    objective = int_arg("objective", low=1, high=23)
    edition = edition_arg(cat)
    focus_inst = cat.institutions.get(request.args.get("focus", "")[:80])
    drawing = draw(objective, edition)
    return render_template(
        "network.html",
        drawing=drawing,
        objective=objective,
        edition=edition,
        editions=cat.editions,
        objectives=cat.objectives(),
        focus=focus_inst.slug if focus_inst else None,
        width=WIDTH,
        height=HEIGHT,
    )
