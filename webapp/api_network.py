"""``GET /api/network``: the collaboration network of the published build as JSON (or GraphML/GEXF).

Parameters: ``edition`` (year), ``objective`` (1–23), ``metric`` (degree | betweenness | eigenvector: the
ranking), ``kind`` (institutions | bipartite), ``ego`` (an institution's acronym: its ego network),
``format`` (json | graphml | gexf). Works on the embedded store and on a remote SPARQL endpoint.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from graph import network
from graph.store import RemoteBackend, SparqlBackend, SparqlError
from webapp.published import get_build

bp = Blueprint("api_network", __name__)

_CACHE_SIZE = 64
_cache: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


class _BadParam(ValueError):
    pass


def _backend() -> tuple[str, SparqlBackend]:
    endpoint = current_app.config.get("SPARQL_ENDPOINT")
    if endpoint:
        return endpoint, RemoteBackend(endpoint, timeout=float(current_app.config.get("SPARQL_TIMEOUT", 10)))
    build = get_build()
    return str(build.path), build.backend


def _int_param(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _BadParam(f"{name}={raw!r}: debe ser un número entero entre {low} y {high}")
    return int(raw)


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, "").strip() or default
    if value not in choices:
        raise _BadParam(f"{name}={value!r}: use uno de {', '.join(choices)}")
    return value


def _error(status: int, error: str, detail: str) -> Response:
    response = jsonify({"error": error, "detail": detail})
    response.status_code = status
    return response


@bp.get("/api/network")
def api_network() -> Any:
    """The network (filtered by edition/objective, optionally an ego network) with metrics, as JSON or a file."""
    try:
        edition = _int_param("edition", 1900, 2999)
        objective = _int_param("objective", 1, 23)
        metric = _choice("metric", network.METRICS, "degree")
        kind = _choice("kind", network.KINDS, "institutions")
        fmt = _choice("format", ("json", "graphml", "gexf"), "json")
        ego = request.args.get("ego", "").strip() or None
        if ego is not None and len(ego) > 200:
            raise _BadParam("ego: demasiado largo")
    except _BadParam as exc:
        return _error(400, "Parámetro no válido", str(exc))
    source, backend = _backend()
    key = (source, edition, objective, metric, kind, ego, fmt)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
    if cached is None:
        try:
            rows = network.fetch_participation(backend, edition, objective)
        except SparqlError as exc:
            return _error(502, "Error del almacén SPARQL", str(exc)[:500])
        try:
            g = network.build_network(rows, kind, ego)
        except KeyError:
            return _error(404, "No encontrado", f"ego={ego!r}: ninguna institución con ese acrónimo en esta red")
        if fmt == "json":
            data = network.analyse(g, metric)
            data["filters"] = {"edition": edition, "objective": objective, "kind": kind, "ego": ego}
            cached = data
        else:
            g = network.with_metrics(g)
            cached = network.to_graphml(g) if fmt == "graphml" else network.to_gexf(g)
        with _lock:
            _cache[key] = cached
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    if fmt == "json":
        return jsonify(cached)
    name = "network" + "".join(f"-{v}" for v in (edition, objective, ego) if v) + f".{fmt}"
    return Response(
        cached,
        content_type="application/xml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
