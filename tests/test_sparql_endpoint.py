"""/sparql with real clients (plain HTTP, SPARQLWrapper, rdflib's SPARQLStore) against the app served by a
real waitress server on 127.0.0.1: once on the embedded store, once proxying a real ``oxigraph serve``."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import free_port

SRX = "{http://www.w3.org/2005/sparql-results#}"
MKG = "https://w3id.org/migrakg/ontology#"
PREFIX = f"PREFIX mkg: <{MKG}>\n"
COUNT_QUERY = (
    PREFIX + "SELECT ?edition (COUNT(?a) AS ?n) WHERE { ?a a mkg:Action ; mkg:reportedIn/mkg:edition ?edition } "
    "GROUP BY ?edition ORDER BY ?edition"
)
CONSTRUCT_QUERY = (
    PREFIX + 'CONSTRUCT { ?a ?p ?o } WHERE { ?a a mkg:Action ; <http://purl.org/dc/terms/identifier> "2024-ef-o01-02" ;'
    " ?p ?o }"
)


@contextlib.contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve ``app`` with a real waitress server on a free port of 127.0.0.1; yield its base URL."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=8)

    def run() -> None:
        with contextlib.suppress(OSError, ValueError):  # the socket closed under the loop at shutdown
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(f"{base}/sparql", timeout=2):
                break
        except urllib.error.HTTPError:
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield base
    finally:
        server.task_dispatcher.shutdown(timeout=5)  # finish the tasks first: they pull the server's trigger
        server.close()
        thread.join(timeout=5)
        pool = app.extensions.get("migrakg.sparql_pool")
        if pool is not None:
            pool.close()


def http(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> tuple[int, Any, bytes]:
    """One HTTP request with urllib; (status, headers (case-insensitive), body) also for error statuses."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get(base: str, query: str, accept: str | None = None, **params: str) -> tuple[int, Any, bytes]:
    qs = urllib.parse.urlencode({"query": query, **params})
    return http(f"{base}/sparql?{qs}", headers={"Accept": accept} if accept else {})


def _expected_counts(published) -> dict[int, int]:
    return {int(k): v for k, v in published[1].manifest["counts"]["actions_by_edition"].items()}


@pytest.fixture(scope="module", params=["embedded", "remote"])
def endpoint(request, published) -> Iterator[str]:
    """The app on a real waitress server: on the published store, or proxying a real `oxigraph serve`."""
    from webapp import create_app

    data_dir, result = published
    config: dict[str, Any] = {"DATA_DIR": str(data_dir), "SPARQL_TIMEOUT": 20, "SPARQL_MAX_ROWS": 500}
    if request.param == "remote":
        from graph.store import RemoteBackend

        server = request.getfixturevalue("oxigraph_server")
        RemoteBackend(f"{server}/query", f"{server}/update").push(
            (result.path / "migrakg.nq").read_bytes(), drop_all=True
        )
        config["SPARQL_ENDPOINT"] = f"{server}/query"
    with serve_app(create_app(config)) as base:
        yield base


@pytest.fixture(scope="module")
def direct(published) -> ox.Store:
    """The published store, opened in-process (the reference answers)."""
    return ox.Store.read_only(str(published[1].path / "store"))


# -- plain HTTP, every result format ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
@pytest.mark.parametrize("how", ["accept", "format"])
def test_select_every_format(endpoint, published, accept, fmt, how):
    status, headers, body = (
        get(endpoint, COUNT_QUERY, accept) if how == "accept" else get(endpoint, COUNT_QUERY, format=fmt)
    )
    assert status == 200, body[:300]
    assert headers["Content-Type"].startswith(accept)
    assert headers["X-SPARQL-Truncated"] == "false"
    text = body.decode("utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert data["head"]["vars"] == ["edition", "n"]
        got = {int(b["edition"]["value"]): int(b["n"]["value"]) for b in data["results"]["bindings"]}
        assert data["results"]["bindings"][0]["n"]["datatype"].endswith("#integer")
    elif fmt == "xml":
        root = ET.fromstring(body)
        assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["edition", "n"]
        got = {}
        for result in root.iter(f"{SRX}result"):
            values = {b.get("name"): b.find(f"{SRX}literal").text for b in result.iter(f"{SRX}binding")}
            got[int(values["edition"])] = int(values["n"])
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["edition", "n"]
        assert text.endswith("\r\n")
        got = {int(e): int(n) for e, n in rows[1:]}
    else:
        lines = text.splitlines()
        assert lines[0] == "?edition\t?n"
        got = {}
        for line in lines[1:]:
            e, n = line.split("\t")
            got[int(e.split('"')[1] if e.startswith('"') else e)] = int(n.split('"')[1] if n.startswith('"') else n)
    assert got == _expected_counts(published)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_ask_every_format(endpoint, fmt):
    yes = get(endpoint, PREFIX + "ASK { ?a a mkg:Action }", format=fmt)
    no = get(endpoint, PREFIX + "ASK { ?a a mkg:NoSuchClass }", format=fmt)
    assert yes[0] == no[0] == 200
    if fmt == "json":
        assert json.loads(yes[2])["boolean"] is True and json.loads(no[2])["boolean"] is False
    elif fmt == "xml":
        assert ET.fromstring(yes[2]).find(f"{SRX}boolean").text == "true"
        assert ET.fromstring(no[2]).find(f"{SRX}boolean").text == "false"
    else:
        assert yes[2].split()[-1] == b"true" and no[2].split()[-1] == b"false"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_every_format(endpoint, direct, accept, rdflib_format):
    status, headers, body = get(endpoint, CONSTRUCT_QUERY, accept)
    assert status == 200, body[:300]
    assert headers["Content-Type"].startswith(accept)
    got = rdflib.Graph().parse(data=body, format=rdflib_format)
    expected_nt = ox.serialize(
        list(direct.query(CONSTRUCT_QUERY, use_default_graph_as_union=True)), format=ox.RdfFormat.N_TRIPLES
    )
    expected = rdflib.Graph().parse(data=expected_nt, format="nt")
    assert len(got) == len(expected) > 10
    assert isomorphic(got, expected)


def test_describe(endpoint):
    status, headers, body = get(endpoint, "DESCRIBE <https://w3id.org/migrakg/id/institution/oim>", "text/turtle")
    assert status == 200
    g = rdflib.Graph().parse(data=body, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/migrakg/id/institution/oim"), None, None) in g


def test_post_form_and_post_query(endpoint, published):
    expected = _expected_counts(published)
    for data, ctype in (
        (urllib.parse.urlencode({"query": COUNT_QUERY}).encode(), "application/x-www-form-urlencoded"),
        (COUNT_QUERY.encode("utf-8"), "application/sparql-query"),
    ):
        status, _, body = http(
            f"{endpoint}/sparql",
            data,
            {"Content-Type": ctype, "Accept": "application/sparql-results+json"},
        )
        assert status == 200, body[:300]
        bindings = json.loads(body)["results"]["bindings"]
        assert {int(b["edition"]["value"]): int(b["n"]["value"]) for b in bindings} == expected


def test_row_cap_is_signalled(endpoint):
    status, headers, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200
    data = json.loads(body)
    assert headers["X-SPARQL-Truncated"] == "true" and data["truncated"] is True
    assert len(data["results"]["bindings"]) == int(headers["X-SPARQL-Max-Rows"]) == 500
    status, headers, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 10", "text/csv")
    assert headers["X-SPARQL-Truncated"] == "false" and len(body.splitlines()) == 11


def test_bad_query_is_json_400_with_position(endpoint):
    status, headers, body = get(endpoint, "SELECT * WHERE { ?s ?p }")
    assert status == 400
    assert headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert set(data) >= {"error", "detail"}
    assert "Traceback" not in data["detail"]
    if "line" in data:  # the embedded engine gives the position; a remote one words it its own way
        assert (data["line"], data["column"]) == (1, 24) or data["line"] == 1
    status, _, body = get(endpoint, COUNT_QUERY, format="yaml")
    assert status == 400 and "yaml" in json.loads(body)["detail"]
    status, _, body = get(endpoint, COUNT_QUERY, "image/png")
    assert status == 406


def test_service_description_and_cors(endpoint):
    status, headers, body = http(f"{endpoint}/sparql", headers={"Accept": "text/turtle"})
    assert status == 200
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    g = rdflib.Graph().parse(data=body, format="turtle")
    service = g.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert g.value(service, sd.endpoint) == rdflib.URIRef(f"{endpoint}/sparql")
    assert (service, sd.feature, sd.UnionDefaultGraph) in g
    status, headers, _ = http(
        f"{endpoint}/sparql",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"},
        method="OPTIONS",
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    _, headers, _ = get(endpoint, COUNT_QUERY)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "X-SPARQL-Truncated" in headers["Access-Control-Expose-Headers"]


def test_example_queries_answer(endpoint):
    from webapp.sparql_examples import EXAMPLES

    for example in EXAMPLES:
        status, headers, body = get(endpoint, example.text, format="json" if "CONSTRUCT" not in example.body else "nt")
        assert status == 200, (example.key, body[:300])
        if "CONSTRUCT" in example.body:
            assert len(body.splitlines()) > 10
        else:
            assert json.loads(body)["results"]["bindings"], example.key


# -- SPARQLWrapper -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select(endpoint, published, fmt, method):
    import SPARQLWrapper as sw

    client = sw.SPARQLWrapper(f"{endpoint}/sparql")
    client.setMethod(method)
    client.setQuery(COUNT_QUERY)
    client.setReturnFormat({"json": sw.JSON, "xml": sw.XML, "csv": sw.CSV, "tsv": sw.TSV}[fmt])
    result = client.query().convert()
    if fmt == "json":
        got = {int(b["edition"]["value"]): int(b["n"]["value"]) for b in result["results"]["bindings"]}
    elif fmt == "xml":
        got = {}
        for node in result.getElementsByTagName("result"):
            values = {
                b.getAttribute("name"): b.getElementsByTagName("literal")[0].firstChild.data
                for b in node.getElementsByTagName("binding")
            }
            got[int(values["edition"])] = int(values["n"])
    else:
        sep = "," if fmt == "csv" else "\t"
        lines = result.decode("utf-8").splitlines()[1:]
        got = {
            int(a.strip('"').split('"')[0]): int(b.strip('"').split('"')[0]) for a, b in (x.split(sep) for x in lines)
        }
    assert got == _expected_counts(published)


def test_sparqlwrapper_ask_and_construct(endpoint, direct):
    import SPARQLWrapper as sw

    client = sw.SPARQLWrapper(f"{endpoint}/sparql")
    client.setQuery(PREFIX + "ASK { ?a a mkg:Action }")
    client.setReturnFormat(sw.JSON)
    assert client.query().convert()["boolean"] is True
    expected = len(list(direct.query(CONSTRUCT_QUERY, use_default_graph_as_union=True)))
    for fmt in (sw.TURTLE, sw.JSONLD, sw.N3, sw.RDFXML):
        client = sw.SPARQLWrapper(f"{endpoint}/sparql")
        client.setQuery(CONSTRUCT_QUERY)
        client.setReturnFormat(fmt)
        result = client.query().convert()
        if isinstance(result, bytes):
            result = rdflib.Graph().parse(data=result, format="turtle")
        assert len(result) == expected, fmt


# -- rdflib's SPARQLStore ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(endpoint, published, direct, method):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(f"{endpoint}/sparql", method=method)
    g = rdflib.Graph(store=store)
    rows = g.query(COUNT_QUERY)
    assert {int(r.edition): int(r.n) for r in rows} == _expected_counts(published)
    assert g.query(PREFIX + "ASK { ?a a mkg:Action }").askAnswer is True
    constructed = g.query(CONSTRUCT_QUERY).graph
    assert len(constructed) == len(list(direct.query(CONSTRUCT_QUERY, use_default_graph_as_union=True)))
    oim = rdflib.URIRef("https://w3id.org/migrakg/id/institution/oim")
    assert (oim, rdflib.URIRef(MKG + "acronym"), rdflib.Literal("OIM")) in g
    store.close()


# -- the page --------------------------------------------------------------------------------------------


def test_query_page_for_browsers(endpoint):
    status, headers, body = http(f"{endpoint}/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode("utf-8")
    from webapp.sparql_examples import EXAMPLES

    for example in EXAMPLES:
        assert example.title in html
    assert "PREFIX mkg:" in html
    shared = urllib.parse.quote(COUNT_QUERY)
    status, headers, body = http(f"{endpoint}/sparql?query={shared}", headers={"Accept": "text/html"})
    assert status == 200 and "GROUP BY ?edition" in body.decode("utf-8")


def test_query_page_runs_in_a_browser(endpoint):
    """The page's script runs the query, links rows to the action pages and keeps a shareable URL."""
    import shutil

    if shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--headless", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"],
        )  # fmt: skip
        try:
            page = browser.new_page()
            page.goto(f"{endpoint}/sparql")
            page.click("#sparql-run")
            page.wait_for_selector("#sparql-table tbody tr", timeout=15000)
            assert page.locator("#sparql-table tbody tr").count() > 10
            assert page.locator("#sparql-table tbody tr a").first.get_attribute("href").startswith("/id/action/")
            assert "query=" in page.url
            source = page.locator("#sparql-table tbody tr td:last-child a").nth(1)
            assert source.get_attribute("href").startswith("/actions/") and "/source" in source.get_attribute("href")
            assert "fuente: 2024-compendio-general.txt:" in source.inner_text()
            page.fill("#sparql-query", "SELECT * WHERE { ?s ?p }")
            page.click("#sparql-run")
            page.wait_for_selector("#sparql-error:not([hidden])", timeout=15000)
            assert "columna 25" in page.inner_text("#sparql-error")
        finally:
            browser.close()
