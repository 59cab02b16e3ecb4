"""``/sparql``: the SPARQL 1.1 Protocol endpoint on the published store, and its query page.

GET ``?query=``, POST form and POST ``application/sparql-query``; SELECT/ASK results as JSON, XML, CSV or
TSV, CONSTRUCT/DESCRIBE as Turtle, JSON-LD, N-Triples or RDF/XML (by ``Accept`` or ``?format=``); the
Service Description when asked without a query; CORS for browser clients. Read-only, closed and bounded:
see :mod:`webapp.sparql_guard` (static checks) and :mod:`webapp.sparql_worker` (time limit, row cap,
bounded concurrency). Browsers asking for HTML get the query page instead.
"""

from __future__ import annotations

import atexit
import re
import threading
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from graph.namespaces import PREFIXES as NS_PREFIXES
from migrakg import settings
from webapp.published import get_build
from webapp.sparql_guard import QueryRejected, check_query
from webapp.sparql_worker import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    PoolBusy,
    QueryError,
    QueryOutOfMemory,
    QueryTimeout,
    WorkerFailed,
    WorkerPool,
)

bp = Blueprint("sparql", __name__)
_pool_lock = threading.Lock()


#: The endpoint's limits: app config key → setting in :data:`migrakg.settings.SETTINGS` (defaults, help,
#: environment variables ``MIGRAKG_SPARQL_*`` all live there, in the one settings table).
CONFIG_KEYS = (
    "SPARQL_TIMEOUT",
    "SPARQL_MAX_ROWS",
    "SPARQL_MAX_CONCURRENT",
    "SPARQL_QUEUE_WAIT",
    "SPARQL_WORKER_MEMORY_MB",
    "SPARQL_MAX_QUERY_BYTES",
    "SPARQL_ENDPOINT",
)


def config_defaults() -> dict[str, Any]:
    """The endpoint's app config defaults, read from the settings table (environment overrides applied)."""
    return {key: settings.get(key.lower()) for key in CONFIG_KEYS}


#: Prefixes offered in the query editor (the ones the data uses).
PREFIXES = dict(NS_PREFIXES)
#: ``?format=`` values (also SPARQLWrapper's) → format name, for SELECT/ASK and for CONSTRUCT/DESCRIBE.
_RESULT_FORMAT_NAMES = {
    "json": "json", "srj": "json", "application/sparql-results+json": "json", "application/json": "json",
    "xml": "xml", "srx": "xml", "application/sparql-results+xml": "xml",
    "csv": "csv", "text/csv": "csv", "tsv": "tsv", "text/tab-separated-values": "tsv",
}  # fmt: skip
_GRAPH_FORMAT_NAMES = {
    "turtle": "turtle", "ttl": "turtle", "n3": "turtle", "text/turtle": "turtle",
    "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "application/ld+json": "jsonld",
    "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples", "application/n-triples": "ntriples",
    "rdf": "rdfxml", "xml": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "application/rdf+xml": "rdfxml",
}  # fmt: skip
_RESULT_ACCEPT = [
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
]
_GRAPH_ACCEPT = [
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("text/plain", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/xml", "rdfxml"),
]
_POSITION = re.compile(r"error at (\d+):(\d+)")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Expose-Headers": "X-SPARQL-Truncated, X-SPARQL-Rows, X-SPARQL-Max-Rows, X-SPARQL-Seconds",
    "Access-Control-Max-Age": "86400",
}


class _Problem(Exception):
    def __init__(self, status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers or {}


def _error(status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"error": error, "detail": detail}
    m = _POSITION.search(detail)
    if m:
        body["line"], body["column"] = int(m.group(1)), int(m.group(2))
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def get_pool() -> WorkerPool:
    """The app's pool of SPARQL worker processes (created on first use, stopped at exit)."""
    pool = current_app.extensions.get("migrakg.sparql_pool")
    if pool is not None:
        return pool
    with _pool_lock:
        pool = current_app.extensions.get("migrakg.sparql_pool")
        if pool is not None:
            return pool
        pool = WorkerPool(
            int(current_app.config["SPARQL_MAX_CONCURRENT"]),
            float(current_app.config["SPARQL_QUEUE_WAIT"]),
            memory_mb=int(current_app.config["SPARQL_WORKER_MEMORY_MB"]),
        )
        current_app.extensions["migrakg.sparql_pool"] = pool
        atexit.register(pool.close)
        return pool


def _dataset_base() -> str:
    if not current_app.config.get("SPARQL_ENDPOINT"):
        return str(get_build().manifest.get("base_uri") or settings.get("base_uri"))
    return settings.get("base_uri")


def _query_text() -> str | None:
    """The query of this request (GET, POST form or POST sparql-query), with size checked before reading."""
    limit = int(current_app.config["SPARQL_MAX_QUERY_BYTES"])
    for name in ("update", "using-graph-uri", "using-named-graph-uri"):
        if name in request.args:
            raise _Problem(400, "Operación no permitida", "SPARQL Update: este punto de acceso es de solo lectura")
    if request.method == "POST":
        length = request.content_length or 0
        # a form-encoded query takes up to 3 bytes per byte of text
        if length > 3 * limit + 4096:
            raise _Problem(
                413, "Consulta demasiado grande", f"la petición ocupa {length} bytes; la consulta admite {limit}"
            )
        request.max_content_length = 3 * limit + 4096  # also bounds a chunked body (413 when read)
        request.max_form_memory_size = 3 * limit + 4096
        mimetype = request.mimetype
        if mimetype == "application/sparql-query":
            return request.get_data(as_text=True)
        if mimetype == "application/sparql-update" or "update" in request.form:
            raise _Problem(400, "Operación no permitida", "SPARQL Update: este punto de acceso es de solo lectura")
        if mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return request.form.get("query")
        raise _Problem(
            415,
            "Tipo de contenido no admitido",
            f"{mimetype or '(ninguno)'}: use application/sparql-query o application/x-www-form-urlencoded",
        )
    if len(request.query_string) > 3 * limit + 4096:
        raise _Problem(413, "Consulta demasiado grande", f"la consulta admite {limit} bytes")
    return request.args.get("query")


def _choose_format(form: str) -> str:
    graph = form in ("CONSTRUCT", "DESCRIBE")
    if graph:
        names, accept, formats = _GRAPH_FORMAT_NAMES, _GRAPH_ACCEPT, list(GRAPH_FORMATS)
    else:
        names, accept, formats = _RESULT_FORMAT_NAMES, _RESULT_ACCEPT, list(RESULT_FORMATS)
    asked = request.values.get("format") or request.values.get("output")
    if asked:
        name = names.get(asked.strip().lower())
        if name is None:
            raise _Problem(
                400,
                "Formato no admitido",
                f"format={asked!r} para {form}: use uno de {', '.join(sorted(set(names.values())))}",
            )
        return name
    if not request.accept_mimetypes:
        return formats[0]
    best = request.accept_mimetypes.best_match([m for m, _ in accept])
    if best is None:
        raise _Problem(
            406,
            "Formato no admitido",
            f"Accept: {request.headers.get('Accept')!r}; para {form} se ofrece {', '.join(m for m, _ in accept)}",
        )
    return dict(accept)[best]


def _wants_page() -> bool:
    """A browser (HTML preferred over every SPARQL format) without an explicit ``format``."""
    if request.values.get("format") or request.values.get("output"):
        return False
    offers = ["application/sparql-results+json", "text/turtle", "text/html"]
    return request.accept_mimetypes.best_match(offers) == "text/html" and request.accept_mimetypes["text/html"] > 0


def run_query(query: str) -> tuple[str, str, Any]:
    """Check and run ``query`` with this request's format; return (form, format name, Answer)."""
    info = check_query(query, int(current_app.config["SPARQL_MAX_QUERY_BYTES"]), _dataset_base())
    fmt = _choose_format(info.form)
    endpoint = current_app.config.get("SPARQL_ENDPOINT")
    timeout = float(current_app.config["SPARQL_TIMEOUT"])
    req: dict[str, Any] = {
        "query": query,
        "form": info.form,
        "format": fmt,
        "max_rows": int(current_app.config["SPARQL_MAX_ROWS"]),
        "timeout": timeout,
        "prefixes": {**PREFIXES, **info.prefixes},
    }
    base = _dataset_base()
    for param, key in (("default-graph-uri", "default_graph"), ("named-graph-uri", "named_graphs")):
        iris = request.values.getlist(param)
        outside = [iri for iri in iris if not iri.startswith(base)]
        if outside:
            raise _Problem(
                400,
                "Operación no permitida",
                f"{param}={outside[0]}: solo se admiten grafos de este conjunto de datos (IRI que empiezan por {base})",
            )
        if iris:
            req[key] = iris
    if endpoint:
        req["endpoint"] = endpoint
    else:
        req["store"] = str(get_build().path / "store")
    answer = get_pool().run(req, timeout)
    return info.form, fmt, answer


def _media_type(form: str, fmt: str) -> str:
    media = GRAPH_FORMATS[fmt][0] if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS[fmt]
    return f"{media}; charset=utf-8"


def _service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (Turtle, or another RDF format by Accept)."""
    url = request.base_url
    graphs: list[str] = []
    if not current_app.config.get("SPARQL_ENDPOINT"):
        rows = get_build().backend.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g")
        graphs = [str(r["g"]) for r in rows]
    fmts = "http://www.w3.org/ns/formats/"
    named = "".join(f"\n    sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ] ;" for g in graphs)
    text = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{url}> a sd:Service ;
  rdfs:label "migrakg: acciones de México ante el Pacto Mundial para la Migración"@es ;
  rdfs:comment "SPARQL 1.1 de solo lectura; grafo por omisión: la unión de los grafos con nombre."@es ;
  sd:endpoint <{url}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat <{fmts}SPARQL_Results_JSON>, <{fmts}SPARQL_Results_XML>, <{fmts}SPARQL_Results_CSV>,
    <{fmts}SPARQL_Results_TSV>, <{fmts}Turtle>, <{fmts}JSON-LD>, <{fmts}N-Triples>, <{fmts}RDF_XML> ;
  sd:defaultDataset [ a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph ] ;{named}
  ] .
"""
    fmt = _choose_format("DESCRIBE")
    media, rdf_format = GRAPH_FORMATS[fmt]
    if fmt == "turtle":
        body = text.encode("utf-8")
    else:
        triples = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
        body = ox.serialize(triples, format=rdf_format)
    return Response(body, status=200, content_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Any:
    """SPARQL 1.1 Protocol endpoint (or the query page for browsers)."""
    try:
        query = _query_text()
        if request.method == "GET" and _wants_page():
            return query_page(query or "")
        if query is None:
            return _service_description()
        form, fmt, answer = run_query(query)
    except QueryRejected as exc:
        return _error(exc.status, exc.error, exc.detail)
    except _Problem as exc:
        return _error(exc.status, exc.error, exc.detail, exc.headers)
    except QueryError as exc:
        status = exc.status if exc.status in (400, 502) else 500
        return _error(status, exc.error, exc.detail)
    except QueryTimeout:
        limit = current_app.config["SPARQL_TIMEOUT"]
        return _error(
            504, "Tiempo de consulta agotado", f"la consulta pasó de {limit} s y se detuvo; acótela (LIMIT, filtros)"
        )
    except QueryOutOfMemory:
        limit = current_app.config["SPARQL_WORKER_MEMORY_MB"]
        return _error(
            503, "Memoria de consulta agotada", f"la consulta pasó de {limit} MB de memoria y se detuvo; acótela"
        )
    except PoolBusy:
        return _error(
            503,
            "Servicio ocupado",
            f"ya hay {current_app.config['SPARQL_MAX_CONCURRENT']} consultas en curso; reintente en unos segundos",
            {"Retry-After": "2"},
        )
    except WorkerFailed as exc:
        return _error(503, "Servicio no disponible", str(exc), {"Retry-After": "2"})
    headers = {
        "Vary": "Accept",
        "X-SPARQL-Truncated": "true" if answer.truncated else "false",
        "X-SPARQL-Rows": str(answer.rows),
        "X-SPARQL-Max-Rows": str(current_app.config["SPARQL_MAX_ROWS"]),
        "X-SPARQL-Seconds": f"{answer.seconds:.3f}",
    }
    if request.values.get("download"):
        ext = {"turtle": "ttl", "ntriples": "nt", "rdfxml": "rdf"}.get(fmt, fmt)
        headers["Content-Disposition"] = f'attachment; filename="migrakg-resultados.{ext}"'
    return Response(answer.body, status=200, content_type=_media_type(form, fmt), headers=headers)


@bp.after_request
def _cors(response: Response) -> Response:
    if request.path.startswith("/sparql"):
        response.headers.update(CORS_HEADERS)
    return response


def query_page(query: str) -> Any:
    """The query page: editor with prefixes, example queries, results table, CSV download, shareable URL."""
    from webapp.sparql_examples import EXAMPLES, prefix_block

    return render_template(
        "sparql.html",
        query=query or EXAMPLES[0].text,
        autorun=bool(query),
        examples=EXAMPLES,
        prefixes=prefix_block(),
        base=_dataset_base() if current_app.config.get("SPARQL_ENDPOINT") else _page_base(),
        limits={key: current_app.config[key] for key in CONFIG_KEYS if key != "SPARQL_ENDPOINT"},
    )


def _page_base() -> str:
    try:
        return _dataset_base()
    except Exception:  # noqa: BLE001 - the page still renders without a build; queries answer 503
        return settings.get("base_uri")


def init_app(app: Flask) -> None:
    """Register the endpoint's config defaults (kept when already set) and the blueprint."""
    for name, value in config_defaults().items():
        app.config.setdefault(name, value)
    app.register_blueprint(bp)
