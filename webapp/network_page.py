"""The collaboration network drawn as SVG on the server (networkx spring layout with a fixed seed)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
from flask import Blueprint, render_template, request

from graph.network import fetch_participation, institution_network
from webapp.catalogue import CHAPTER_TYPES
from webapp.charts import PALETTE
from webapp.common import BoundedCache, cached_page, catalogue, edition_arg, int_arg
from webapp.published import get_build

bp = Blueprint("network_page", __name__)

WIDTH, HEIGHT, MARGIN = 960.0, 720.0, 40.0
LAYOUT_SEED = 42
LABELLED = 30  # the biggest nodes carry a visible label
TYPE_ORDER = (*CHAPTER_TYPES, "ORGANISMO_INTERNACIONAL", "GOBIERNO_EXTRANJERO", "ACADEMIA", "SECTOR_PRIVADO")
#: One colour per actor type (the chart palette, then four more).
NODE_COLORS = (*PALETTE[:6], "#6d9eeb", "#cc0000", "#8e7cc3", "#b45f06")


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
    height: int


_cache = BoundedCache(64)


def _color(actor_type: str) -> str:
    if actor_type not in TYPE_ORDER:
        return "#999999"
    return NODE_COLORS[TYPE_ORDER.index(actor_type) % len(NODE_COLORS)]


def _layout(g: nx.Graph, x: float, y: float, w: float, h: float) -> dict[str, tuple[float, float]]:
    """Spring layout of one connected graph (fixed seed) scaled into the box (x, y, w, h)."""
    if len(g) == 1:
        return {n: (round(x + w / 2, 1), round(y + h / 2, 1)) for n in g}
    pos = nx.spring_layout(g, seed=LAYOUT_SEED, k=1.6 / math.sqrt(len(g)), iterations=80, weight="weight")
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return {
        n: (round(x + (p[0] - x0) / ((x1 - x0) or 1) * w, 1), round(y + (p[1] - y0) / ((y1 - y0) or 1) * h, 1))
        for n, p in pos.items()
    }


def _pack(g: nx.Graph) -> tuple[dict[str, tuple[float, float]], float]:
    """Lay out each connected component on its own: the biggest on top, the small ones in a grid below."""
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    main, rest = comps[0], comps[1:]
    top = HEIGHT - 2 * MARGIN if not rest else HEIGHT * 0.72
    pos = _layout(g.subgraph(main), MARGIN, MARGIN, WIDTH - 2 * MARGIN, top - MARGIN)
    cell = 120.0
    ch = cell * 0.7  # cell height
    per_row = max(1, int((WIDTH - 2 * MARGIN) // cell))
    y = top + 20
    for i, comp in enumerate(rest):
        row, col = divmod(i, per_row)
        pos.update(
            _layout(g.subgraph(comp), MARGIN + col * cell + 20, y + row * cell * 0.7, cell - 40, cell * 0.7 - 40)
        )
    rows = math.ceil(len(rest) / per_row) if rest else 0
    height = y + rows * ch + 10 if rest else HEIGHT
    return pos, height


def draw(objective: int | None, edition: int | None) -> Drawing:
    """The laid-out network for the filters (cached per build and filters)."""
    build = get_build()
    key = (str(build.path), objective, edition)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    g = institution_network(fetch_participation(build.backend, edition, objective))
    isolated = [n for n in g if g.degree(n) == 0]
    g.remove_nodes_from(isolated)
    nodes: list[Node] = []
    edges: list[Edge] = []
    if len(g):
        pos, height = _pack(g)
        strength = {n: int(sum(d["weight"] for *_e, d in g.edges(n, data=True))) for n in g}
        ranked = sorted(g, key=lambda n: (-strength[n], str(g.nodes[n].get("label", n))))
        labelled = set(ranked[:LABELLED])
        for a, b, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
            la, lb = g.nodes[a].get("label", a), g.nodes[b].get("label", b)
            edges.append(
                Edge(pos[a][0], pos[a][1], pos[b][0], pos[b][1],
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
                    x=pos[n][0],
                    y=pos[n][1],
                    r=round(4 + 2.2 * math.sqrt(strength[n]), 1),
                    color=_color(str(data.get("actor_type", ""))),
                    degree=g.degree(n),
                    strength=strength[n],
                    show_label=n in labelled,
                )
            )
    else:
        height = 0.0
    types = sorted({n.actor_type for n in nodes}, key=lambda t: TYPE_ORDER.index(t) if t in TYPE_ORDER else 99)
    drawing = Drawing(nodes, edges, len(isolated), {t: _color(t) for t in types}, round(height))
    _cache.put(key, drawing)
    return drawing


@bp.get("/network")
@cached_page
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
        height=drawing.height or HEIGHT,
    )
