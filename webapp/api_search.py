"""``GET /api/search`` (contract §4) and ``GET /api/search/similar/<key>``: JSON over the whoosh index.

The index directory comes from ``current_app.config["SEARCH_INDEX_DIR"]``; it is opened read-only
once per directory and shared by the worker threads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from search.index import FACETS, SearchIndex, SearchIndexError, open_index
from search.query import FIELD_NAMES, SearchQueryError, search, similar

bp = Blueprint("api_search", __name__)

_lock = threading.Lock()
_opened: dict[str, SearchIndex] = {}


KEEP_OPEN = 2  # the published build's index and the one before it (requests may still be using it)


def get_index() -> SearchIndex:
    """The opened index of ``SEARCH_INDEX_DIR`` (opened once per published build, then reused).

    When a new build is published the path resolves elsewhere and its index is opened; indexes older than
    the previous one are closed.
    """
    path = current_app.config.get("SEARCH_INDEX_DIR")
    if not path:
        raise SearchIndexError("SEARCH_INDEX_DIR is not configured")
    key = str(Path(path).resolve())
    with _lock:
        sx = _opened.get(key)
        if sx is None:
            sx = open_index(Path(path))
            _opened[key] = sx
            while len(_opened) > KEEP_OPEN:
                oldest = next(iter(_opened))
                _opened.pop(oldest).close()
        return sx


def _error(status: int, error: str, detail: str = "") -> tuple[Response, int]:
    return jsonify({"error": error, "detail": detail}), status


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    if raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SearchQueryError(f"«{name}» debe ser un número entero.", f"recibido: {raw[:40]!r}") from None


def _filters() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in request.args:
        if name in ("q", "page", "per_page", "sort"):
            continue
        facet = FIELD_NAMES.get(name, name)
        if facet not in FACETS:
            raise SearchQueryError(f"Parámetro desconocido «{name}».", f"Filtros válidos: {', '.join(FACETS)}.")
        values = [v for v in request.args.getlist(name) if v.strip()]
        if values:
            out.setdefault(facet, []).extend(values)
    return out


@bp.get("/api/search")
def api_search() -> Any:
    """Search with facets: ``?q=&objective=&actor_type=&state=&edition=&partner=&population=&page=&per_page=``."""
    try:
        sx = get_index()
    except SearchIndexError as exc:
        return _error(503, "search index unavailable", str(exc))
    try:
        result = search(
            sx,
            request.args.get("q", ""),
            _filters(),
            page=_int_arg("page", 1),
            per_page=_int_arg("per_page", 10),
            sort=request.args.get("sort", "relevance") or "relevance",
        )
    except SearchQueryError as exc:
        return _error(400, exc.message, exc.detail)
    return jsonify(result)


@bp.get("/api/search/similar/<key>")
def api_similar(key: str) -> Any:
    """Acciones similares to the action ``key`` (``?n=5``)."""
    try:
        sx = get_index()
    except SearchIndexError as exc:
        return _error(503, "search index unavailable", str(exc))
    try:
        return jsonify({"id": key, "similar": similar(sx, key, _int_arg("n", 5))})
    except SearchQueryError as exc:
        status = 404 if exc.message.startswith("Acción desconocida") else 400
        return _error(status, exc.message, exc.detail)
