"""HTML pages: dashboard, search, about and the downloads of the published build."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, abort, render_template, request, send_from_directory

from graph.namespaces import MKG_IRI, SKOS
from search.query import SearchQueryError, search
from webapp.api_search import get_index
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
ACTOR_TYPES = ["APF", "ENTIDAD_FEDERATIVA", "PODER_JUDICIAL", "PODER_LEGISLATIVO", "OCA", "OSC"]

COUNTS_QUERY = f"""PREFIX mkg: <{MKG_IRI}>
PREFIX skos: <{SKOS}>
SELECT ?edition ?objective ?actorType (COUNT(?a) AS ?n) WHERE {{
  ?a a mkg:Action ; mkg:objective ?o ; mkg:reportedIn ?r ; mkg:actorType ?t .
  ?o skos:notation ?objective . ?r mkg:edition ?edition . ?t skos:notation ?actorType .
}} GROUP BY ?edition ?objective ?actorType"""


def _counts() -> dict[int, dict[int, dict[str, int]]]:
    """Actions per edition → objective → actor type."""
    table: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in get_build().backend.select(COUNTS_QUERY):
        table[int(row["edition"])][int(row["objective"])][str(row["actorType"])] = int(row["n"])
    return table


@bp.get("/")
def index() -> str:
    """Dashboard: actions by objective and actor type, per edition, and a search box."""
    counts = _counts()
    editions = sorted(counts, reverse=True)
    edition = request.args.get("edition", type=int) or (editions[0] if editions else None)
    if edition not in counts:
        abort(404)
    table = counts[edition]
    types = [t for t in ACTOR_TYPES if any(t in row for row in table.values())]
    maximum = max((sum(row.values()) for row in table.values()), default=1)
    return render_template(
        "index.html",
        editions=editions,
        edition=edition,
        table=table,
        types=types,
        maximum=maximum,
        manifest=get_build().manifest,
    )


@bp.get("/search")
def search_page() -> Any:
    """The search page: results with snippets and facets."""
    q = request.args.get("q", "")
    filters = {k: request.args.getlist(k) for k in ("objective", "actor_type", "state", "edition", "partner") if
               request.args.getlist(k)}  # fmt: skip
    error = None
    result: dict[str, Any] = {"total": 0, "hits": [], "facets": {}}
    try:
        result = search(get_index(), q, filters, page=request.args.get("page", 1, type=int) or 1, per_page=10)
    except SearchQueryError as exc:
        error = exc.message
    return render_template("search.html", q=q, result=result, error=error, filters=filters), 400 if error else 200


@bp.get("/about")
def about() -> str:
    """The dataset card: sources, licence line, counts and downloads."""
    build = get_build()
    files = build.manifest.get("files", {})
    downloads = [(name, files[name]["bytes"]) for name in DOWNLOADS if name in files]
    return render_template("about.html", manifest=build.manifest, downloads=downloads)


@bp.get("/downloads/<name>")
def download(name: str) -> Any:
    """A file of the published build at a stable URL."""
    if name not in DOWNLOADS:
        abort(404)
    build = get_build()
    if not (build.path / name).is_file():
        abort(404)
    return send_from_directory(build.path, name, mimetype=DOWNLOADS[name], as_attachment=False)
