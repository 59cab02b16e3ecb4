"""Dashboard, search, about and the downloads of the published build."""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.exceptions import BadRequest

from search.index import FACETS, SearchIndexError
from search.query import SearchQueryError, search
from webapp.api_search import get_index
from webapp.catalogue import CHAPTER_TYPES
from webapp.charts import PALETTE, stacked_bars
from webapp.common import BoundedCache, cached_page, catalogue, edition_arg, int_arg
from webapp.i18n import current_lang
from webapp.published import get_build

bp = Blueprint("pages", __name__)

#: The files of a build served under /downloads/ (contract §4), with their media types.
DOWNLOADS = {
    "migrakg.ttl": "text/turtle",
    "migrakg.nt": "application/n-triples",
    "migrakg.jsonld": "application/ld+json",
    "actions.jsonl": "application/x-ndjson",
    "actions.csv": "text/csv",
    "network.graphml": "application/xml",
    "network.gexf": "application/xml",
}
#: Facets shown on the search page, in this order.
SEARCH_FACETS = tuple(f for f in FACETS if f != "institution") + ("institution",)
PER_PAGE = 10
MAX_PAGE = 1000


@bp.get("/")
@cached_page
def index() -> str:
    """Dashboard: actions by objective and actor type (stacked bars per edition) and a search box."""
    cat = catalogue()
    edition = edition_arg(cat)
    lang = current_lang()
    counts: dict[int, Counter] = {n: Counter() for n in range(1, 24)}
    for a in cat.actions.values():
        if edition is None or a.edition == edition:
            counts.setdefault(a.objective, Counter())[a.actor_type] += 1
    types = [t for t in CHAPTER_TYPES if any(c.get(t) for c in counts.values())]
    rows = [
        (
            f"{n}. {cat.objective(n).definition(lang) if cat.objective(n) else ''}",
            url_for("objectives.objective", n=n, edition=edition),
            dict(counts[n]),
        )
        for n in sorted(counts)
    ]
    bars, height = stacked_bars(rows, types, width=520.0)  # room for the total at the end of the longest bar
    legend = [(t, PALETTE[i % len(PALETTE)]) for i, t in enumerate(types)]
    totals = Counter(a.edition for a in cat.actions.values())
    return render_template(
        "index.html",
        editions=cat.editions,
        highlight_editions=cat.highlight_editions,
        edition=edition,
        bars=bars,
        chart_height=height,
        legend=legend,
        totals=totals,
        total=sum(b.total for b in bars),
        institutions=len({s for a in cat.actions.values() for s in a.reporters}),
        manifest=get_build().manifest,
    )


def _search_filters() -> dict[str, list[str]]:
    out = {}
    for name in SEARCH_FACETS:
        values = [v[:120] for v in request.args.getlist(name) if v.strip()]
        if values:
            out[name] = values[:10]
    return out


@bp.get("/search")
@cached_page
def search_page() -> Any:
    """The search page: snippets, facets with counts, suggestion, pagination; the URL holds the whole state."""
    q = request.args.get("q", "")
    filters = _search_filters()
    sort = request.args.get("sort", "relevance") or "relevance"
    error = None
    result: dict[str, Any] = {"total": 0, "hits": [], "facets": {}, "pages": 0, "warnings": [], "suggestion": None}
    page = 1
    try:
        page = int_arg("page", low=1, high=MAX_PAGE) or 1
        result = cached_search(q, filters, page, sort)
    except SearchQueryError as exc:
        error = exc.message
    except BadRequest as exc:  # a malformed ?page=
        error = exc.description or _("Solicitud incorrecta")
    except SearchIndexError:
        abort(503, _("El índice de búsqueda no está disponible."))
    cat = catalogue()
    base_args = [(k, v) for k, vs in request.args.lists() if k not in SEARCH_FACETS and k != "page" for v in vs]
    search_path = url_for("pages.search_page")

    current = urlencode(base_args + [(f, v) for f in SEARCH_FACETS for v in filters.get(f, [])])

    def facet_url(name: str, value: str) -> str:
        chosen = filters.get(name, [])
        if value not in chosen:  # adding a value: the current URL plus one parameter
            extra = urlencode([(name, value)])
            return f"{search_path}?{current}&{extra}" if current else f"{search_path}?{extra}"
        values = [v for v in chosen if v != value]
        args = base_args + [(f, v) for f in SEARCH_FACETS for v in (values if f == name else filters.get(f, []))]
        return f"{search_path}?{urlencode(args)}" if args else search_path

    # facet links are built here rather than in the template: up to 40 values × 9 facets per page
    lang = current_lang()
    build_key = str(get_build().path)
    facets = []
    for name in SEARCH_FACETS:
        counts = result["facets"].get(name) or {}
        chosen = filters.get(name, [])
        values = list(counts.items())
        values += [(v, 0) for v in chosen if v not in counts]
        if values:
            entries = [
                FacetEntry(facet_url(name, v), _short_facet_label(build_key, cat, lang, name, v), n, v in chosen)
                for v, n in values[:FACET_VALUES_SHOWN]
            ]
            facets.append((name, entries, chosen))

    html = render_template(
        "search.html",
        q=q,
        result=result,
        error=error,
        filters=filters,
        facets=facets,
        page=page,
        sort=sort,
        cat=cat,
        facet_url=facet_url,
        api_url=url_for("api_search.api_search", q=q, sort=sort, page=page, **filters),
        facet_label=_facet_label,
    )
    return (html, 400) if error else html


SEARCH_CACHE_SIZE = 1024
_search_cache = BoundedCache(SEARCH_CACHE_SIZE)


def cached_search(q: str, filters: dict[str, list[str]], page: int, sort: str) -> dict[str, Any]:
    """:func:`search.query.search` with a bounded LRU cache per build (a published build never changes)."""
    key = (str(get_build().path), q, tuple(sorted((k, tuple(v)) for k, v in filters.items())), page, sort)
    hit = _search_cache.get(key)
    if hit is None:
        hit = search(get_index(), q, filters, page=page, per_page=PER_PAGE, sort=sort)
        for h in hit["hits"]:  # whoosh may highlight only a fragment of a long title: then show it whole
            whole = " ".join(str(h.get("title", "")).split())
            if " ".join(Markup(h.get("title_html", "")).striptags().split()) != whole:
                h["title_html"] = escape(h.get("title", ""))
        _search_cache.put(key, hit)
    return hit  # shared: read-only from here on


class FacetEntry(NamedTuple):
    """One facet value as the search page links it."""

    url: str
    label: str
    count: int
    on: bool


FACET_VALUES_SHOWN = 40  # per facet: 12 in view, the rest under "más"


_short_labels = BoundedCache(8192)


def _short_facet_label(build_key: str, cat: Any, lang: str, name: str, value: str) -> str:
    """:func:`_facet_label` cut to 48 characters, memoised per build (``build_key``) and language."""
    key = (build_key, lang, name, value)
    label = _short_labels.get(key)
    if label is None:
        label = _facet_label(name, value, cat, lang)
        label = label if len(label) <= 48 else label[:47] + "…"
        _short_labels.put(key, label)
    return label


def _facet_label(name: str, value: str, cat: Any = None, lang: str | None = None) -> str:
    """A readable label for a facet value (objective titles, actor types, population names)."""
    cat = cat if cat is not None else catalogue()
    lang = lang or current_lang()
    if name == "objective" and value.isdigit() and cat.objective(int(value)):
        return f"{value}. {cat.objective(int(value)).definition(lang)}"  # type: ignore[union-attr]
    if name == "actor_type":
        return cat.actor_type_label(value, lang)
    kinds = {"population": "population", "challenge_category": "challenge-category", "action_type": "action-type"}
    if name in kinds:
        return cat.concept_label(kinds[name], value, lang)
    return value


@bp.get("/about")
@cached_page
def about() -> str:
    """The dataset card: sources, licence line, counts and downloads."""
    build = get_build()
    files = build.manifest.get("files", {})
    downloads = [(name, files[name]["bytes"]) for name in DOWNLOADS if name in files]
    cat = catalogue()
    return render_template("about.html", manifest=build.manifest, downloads=downloads, reports=cat.reports)


@bp.get("/downloads/<name>")
def download(name: str) -> Any:
    """A file of the published build at a stable URL."""
    if name not in DOWNLOADS:
        abort(404)
    build = get_build()
    if not (build.path / name).is_file():
        abort(404)
    return send_from_directory(build.path, name, mimetype=DOWNLOADS[name], as_attachment=False)
