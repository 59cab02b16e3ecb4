"""Helpers shared by the page blueprints: the catalogue, argument parsing, URL building, labels."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask, abort, g, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from webapp.catalogue import Catalogue, catalogue_for
from webapp.i18n import current_lang
from webapp.published import get_build

#: Machine-readable twins of a resource: ?format= value → (media type, label).
RDF_FORMATS = {
    "ttl": ("text/turtle", "Turtle"),
    "jsonld": ("application/ld+json", "JSON-LD"),
    "nt": ("application/n-triples", "N-Triples"),
}


def catalogue() -> Catalogue:
    """The pages' view of the published build (loaded once per build, looked up once per request)."""
    if "migrakg_catalogue" not in g:
        build = get_build()
        base = build.manifest.get("base_uri", "https://w3id.org/migrakg/")
        g.migrakg_catalogue = catalogue_for(str(build.path), build.backend, base)
    return g.migrakg_catalogue


def bad_request(message: str) -> BadRequest:
    """A 400 whose description is shown on the error page."""
    return BadRequest(message)


def int_arg(name: str, *, low: int | None = None, high: int | None = None) -> int | None:
    """An optional integer query parameter; a malformed or out-of-range value is a 400."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise bad_request(_("El parámetro «%(name)s» debe ser un número entero.", name=name))
    value = int(raw)
    if (low is not None and value < low) or (high is not None and value > high):
        raise bad_request(_("El parámetro «%(name)s» está fuera de rango.", name=name))
    return value


def edition_arg(cat: Catalogue) -> int | None:
    """``?edition=``: one of the published editions, or none (all)."""
    edition = int_arg("edition")
    if edition is not None and edition not in cat.editions:
        raise bad_request(_("No hay una edición %(edition)s.", edition=edition))
    return edition


def choice_arg(name: str, allowed: list[str] | tuple[str, ...]) -> str | None:
    """An optional query parameter that must be one of ``allowed``."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if raw not in allowed:
        raise bad_request(_("Valor no válido para «%(name)s».", name=name))
    return raw


def url_with(**changes: Any) -> str:
    """The current URL with some query parameters changed (``None`` removes one)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    query = urlencode([(k, v) for k, vs in args.items() for v in vs])
    path = quote(request.path)
    return f"{path}?{query}" if query else path


def resource_path(iri: str) -> str | None:
    """The local ``/id/...`` path of a resource IRI under the build's base, else ``None``."""
    base = catalogue().base_uri
    return "/" + iri[len(base) :] if iri.startswith(base) else None


def page_for(kind: str, key: str) -> str | None:
    """The HTML page URL of a resource kind/key, where there is one."""
    endpoints = {
        "action": ("actions.action", "key"),
        "institution": ("institutions.institution", "slug"),
        "objective": ("objectives.objective", "n"),
        "state": ("states.state", "inegi"),
    }
    if kind not in endpoints:
        return None
    endpoint, arg = endpoints[kind]
    if kind == "objective":
        return url_for(endpoint, n=int(key)) if key.isdigit() else None
    return url_for(endpoint, **{arg: key})


class BoundedCache:
    """A thread-safe mapping of at most ``size`` entries; the least recently used is dropped first.

    For values computed from a published build, which never changes: key them by the build's path.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        """The value kept for ``key`` (None when there is none)."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used entries beyond ``size``."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_pages_lock = threading.Lock()
_pages: dict[str, OrderedDict[tuple[str, str, str], str]] = {}
_page_bytes: dict[str, int] = {}
#: Characters (≈ bytes) of rendered pages kept per endpoint (every action page in both languages fits in its budget).
PAGE_CACHE_BYTES = {"actions.action": 32 << 20}
PAGE_CACHE_DEFAULT_BYTES = 8 << 20
#: Query parameters a cached page may carry; a page asked with any other parameter is rendered, not kept.
CACHEABLE_PARAMS = frozenset(
    {"q", "page", "sort", "lang", "edition", "objective", "actor_type", "status", "focus", "institution", "state",
     "partner", "population", "challenge_category", "action_type"}
)  # fmt: skip


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep the rendered HTML of a page per (build, URL, language): a published build never changes.

    Only successful string answers to known parameters are kept, in one LRU per endpoint bounded in
    bytes (so that a burst of distinct searches does not push the action pages out)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not CACHEABLE_PARAMS.issuperset(request.args.keys()):
            return view(*args, **kwargs)
        args_key = "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))
        key = (str(get_build().path), f"{request.path}?{args_key}", current_lang())
        endpoint = request.endpoint or ""
        with _pages_lock:
            lru = _pages.setdefault(endpoint, OrderedDict())
            page = lru.get(key)
            if page is not None:
                lru.move_to_end(key)
                return page
        out = view(*args, **kwargs)
        if isinstance(out, str):
            budget = PAGE_CACHE_BYTES.get(endpoint, PAGE_CACHE_DEFAULT_BYTES)
            with _pages_lock:
                if key not in lru:
                    lru[key] = out
                    _page_bytes[endpoint] = _page_bytes.get(endpoint, 0) + len(out)
                while _page_bytes[endpoint] > budget and lru:
                    _old, dropped = lru.popitem(last=False)
                    _page_bytes[endpoint] -= len(dropped)
        return out

    return wrapper


def init_app(app: Flask) -> None:
    """Template globals: label helpers bound to the current language."""

    @app.context_processor
    def helpers() -> dict:
        cat = None

        def get_cat() -> Catalogue:
            nonlocal cat
            if cat is None:
                cat = catalogue()
            return cat

        def concept(kind: str, key: str) -> str:
            return get_cat().concept_label(kind, key, current_lang())

        def actor_type(notation: str) -> str:
            return get_cat().actor_type_label(notation, current_lang())

        def objective_label(n: int, short: bool = False) -> str:
            c = get_cat().objective(n)
            if c is None:
                return str(n)
            return c.definition(current_lang()) if short else c.label(current_lang())

        def institution_name(slug: str) -> str:
            inst = get_cat().institutions.get(slug)
            return inst.display if inst else slug

        return {
            "url_with": url_with,
            "label_of": concept,
            "actor_type": actor_type,
            "objective_label": objective_label,
            "institution_name": institution_name,
            "rdf_formats": RDF_FORMATS,
        }


def guard_key(value: str, limit: int = 80) -> str:
    """A path key: short and made of safe characters, else 404."""
    if len(value) > limit or not all(ch.isalnum() or ch in "-_." for ch in value):
        abort(404)
    return value
