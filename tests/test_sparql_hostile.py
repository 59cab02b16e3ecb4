"""Hostile queries against /sparql on a real waitress server (2 s limit): each is rejected or stopped within
the limit + 1 s with a clear JSON error, a concurrent simple query still answers, and the server keeps
serving. Run on the embedded store and proxying a real ``oxigraph serve``."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.client import HTTPConnection
from typing import Any

import pytest

from tests.conftest import running_oxigraph
from tests.test_sparql_endpoint import http, serve_app
from webapp.sparql_guard import QueryRejected, check_query, tokenize

TIMEOUT = 2.0
BASE = "https://w3id.org/migrakg/"
SIMPLE = "PREFIX mkg: <https://w3id.org/migrakg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a mkg:Action }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def slow_oxigraph(tmp_path_factory, published) -> Iterator[str]:
    """A real `oxigraph serve` holding the build, with its own 5 s query timeout (so the cartesian product
    a killed proxy worker leaves behind does not run on for minutes)."""
    from graph.store import RemoteBackend

    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-hostile"), "--timeout-s", "5") as base:
        RemoteBackend(f"{base}/query", f"{base}/update").push((published[1].path / "migrakg.nq").read_bytes())
        yield f"{base}/query"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def server(request, published) -> Iterator[str]:
    from webapp import create_app

    config: dict[str, Any] = {
        "DATA_DIR": str(published[0]),
        "SPARQL_TIMEOUT": TIMEOUT,
        "SPARQL_MAX_CONCURRENT": 2,
        "SPARQL_QUEUE_WAIT": 0.5,
        "SPARQL_MAX_ROWS": 1000,
        "SPARQL_WORKER_MEMORY_MB": 800,
    }
    if request.param == "remote":
        config["SPARQL_ENDPOINT"] = request.getfixturevalue("slow_oxigraph")
    with serve_app(create_app(config)) as base:
        yield base


def ask(base: str, query: str, method: str = "GET", **extra: str) -> tuple[int, Any, bytes, float]:
    started = time.monotonic()
    if method == "GET":
        status, headers, body = http(
            f"{base}/sparql?" + urllib.parse.urlencode({"query": query, **extra}),
            headers={"Accept": "application/sparql-results+json"},
        )
    else:
        status, headers, body = http(
            f"{base}/sparql",
            query.encode("utf-8"),
            {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
    return status, headers, body, time.monotonic() - started


def count_actions(base: str) -> int:
    status, _, body, _ = ask(base, SIMPLE)
    assert status == 200, body[:300]
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


HOSTILE = {
    "insert-data": ("INSERT DATA { <http://x.example/s> <http://x.example/p> <http://x.example/o> }", "INSERT"),
    "delete-where": ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    "load": ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
    "load-into": ("LOAD SILENT <http://127.0.0.1:9/x> INTO GRAPH <http://x.example/g>", "LOAD"),
    "clear": ("CLEAR ALL", "CLEAR"),
    "drop": ("DROP GRAPH <https://w3id.org/migrakg/id/graph/institutions>", "DROP"),
    "select-then-update": ("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <a:b> <a:b> <a:b> }", "INSERT"),
    "service": ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    "service-silent": ("SELECT * { ?s ?p ?o SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?q ?r } }", "SERVICE"),
    "service-nested": ("ASK { FILTER EXISTS { service<http://127.0.0.1:9/>{?s ?p ?o} } }", "SERVICE"),
    "from-remote": ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    "from-named-remote": ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    "from-prefixed": ("PREFIX ex: <http://example.org/> SELECT * FROM ex:data WHERE { ?s ?p ?o }", "FROM"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_rejected_quickly(server, name):
    before = count_actions(server)
    query, keyword = HOSTILE[name]
    for method in ("GET", "POST"):
        status, headers, body, seconds = ask(server, query, method)
        assert status == 400, body[:300]
        assert seconds < 1.0
        assert headers["Content-Type"].startswith("application/json")
        data = json.loads(body)
        assert data["error"] == "Operación no permitida"
        assert keyword in data["detail"]
    assert count_actions(server) == before


def test_update_by_protocol_is_rejected(server):
    update = "INSERT DATA { <a:b> <a:b> <a:b> }"
    for data, ctype in (
        (urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
        (update.encode(), "application/sparql-update"),
    ):
        status, _, body = http(f"{server}/sparql", data, {"Content-Type": ctype})
        assert status == 400 and "solo lectura" in json.loads(body)["detail"]
    status, _, body, _ = ask(server, SIMPLE, **{"default-graph-uri": "http://127.0.0.1:9/g"})
    assert status == 400 and "default-graph-uri" in json.loads(body)["detail"]


def test_local_graphs_are_allowed(server):
    graph = BASE + "id/graph/institutions"
    status, _, body, _ = ask(server, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert status == 200, body[:300]
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 100


def test_ten_megabyte_query(server):
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 10_000_000
    status, _, body, seconds = ask(server, huge, "POST")
    assert status == 413 and seconds < TIMEOUT + 1
    assert "bytes" in json.loads(body)["detail"]
    started = time.monotonic()
    status, _, body = http(
        f"{server}/sparql",
        urllib.parse.urlencode({"query": huge}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413 and time.monotonic() - started < TIMEOUT + 1
    started = time.monotonic()
    host, port = server.split("//")[1].split(":")
    conn = HTTPConnection(host, int(port), timeout=30)
    chunks = (huge[i : i + 1_000_000].encode() for i in range(0, len(huge), 1_000_000))
    conn.request("POST", "/sparql", body=chunks, headers={"Content-Type": "application/sparql-query"},
                 encode_chunked=True)  # fmt: skip
    response = conn.getresponse()
    assert response.status == 413 and "bytes" in json.loads(response.read())["detail"]
    conn.close()
    assert time.monotonic() - started < TIMEOUT + 1
    started = time.monotonic()
    status, _, _ = http(f"{server}/sparql?query=" + urllib.parse.quote(huge[:3_000_000]))
    assert 400 <= status < 500 and time.monotonic() - started < TIMEOUT + 1
    assert count_actions(server) > 0


def test_cartesian_product_is_stopped_while_others_answer(server):
    expected = count_actions(server)
    outcome: dict[str, Any] = {}

    def heavy() -> None:
        outcome["heavy"] = ask(server, CARTESIAN)
        outcome["heavy_done"] = time.monotonic()

    started = time.monotonic()
    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.5)
    assert count_actions(server) == expected  # a concurrent simple query still answers
    simple_done = time.monotonic()
    thread.join(timeout=TIMEOUT + 10)
    status, headers, body, seconds = outcome["heavy"]
    assert simple_done < outcome["heavy_done"]
    assert status == 504, body[:300]
    assert seconds < TIMEOUT + 1
    data = json.loads(body)
    assert data["error"] == "Tiempo de consulta agotado" and str(TIMEOUT) in data["detail"]
    assert time.monotonic() - started < TIMEOUT + 5
    assert count_actions(server) == expected  # and keeps serving afterwards


def test_memory_hungry_query_is_stopped(server, request):
    if "remote" in request.node.callspec.id:
        pytest.skip("the remote server holds the memory; its own limits apply")
    status, _, body, seconds = ask(server, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
    assert seconds < TIMEOUT + 1
    assert status in (503, 504), body[:300]  # stopped by the memory cap (or, on a slow machine, the clock)
    data = json.loads(body)
    assert data["error"] in ("Memoria de consulta agotada", "Tiempo de consulta agotado")
    assert count_actions(server) > 0


def test_concurrency_bound_keeps_the_ui_answering(server):
    results: list[tuple[int, Any, bytes, float]] = []
    lock = threading.Lock()

    def heavy() -> None:
        out = ask(server, CARTESIAN)
        with lock:
            results.append(out)

    threads = [threading.Thread(target=heavy) for _ in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.1)
    time.sleep(0.2)
    status, headers, _ = http(f"{server}/sparql", headers={"Accept": "text/turtle"})  # the service description
    assert status == 200
    status, _, _ = http(f"{server}/sparql", headers={"Accept": "text/html"})  # the query page
    assert status == 200
    for t in threads:
        t.join(timeout=TIMEOUT + 10)
    statuses = sorted(r[0] for r in results)
    assert statuses == [503, 504, 504], statuses
    busy = next(r for r in results if r[0] == 503)
    assert busy[1]["Retry-After"] and busy[3] < 1.5
    assert json.loads(busy[2])["error"] == "Servicio ocupado"
    assert count_actions(server) > 0


def test_server_still_serves_everything(server):
    status, _, body = http(f"{server}/sparql?" + urllib.parse.urlencode({"query": SIMPLE, "format": "csv"}))
    assert status == 200 and body.startswith(b"n\r\n")
    status, _, _ = http(f"{server}/api/network?edition=2024")
    assert status == 200


# -- the static checks, without a server ---------------------------------------------------------------


def test_keywords_inside_data_are_not_code():
    for query in (
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { } LOAD INSERT" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { } and INSERT DATA",
        "PREFIX ex: <http://example.org/load/insert#> SELECT * WHERE { ?s ex:service ?o ; ex:from ?load }",
        "SELECT ?service ?insert WHERE { ?service ?from ?insert }",
        "SELECT * WHERE { ?s ?p '''multi\nline SERVICE {''' }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    ):
        assert check_query(query, 100_000, BASE).form == "SELECT", query


def test_hidden_keywords_are_found():
    for query in (
        "SELECT * WHERE { ?s ?p ex:a\\# } SERVICE <http://x/> { ?s ?p ?o } }",  # escaped # is no comment
        'SELECT * WHERE { ?s ?p "a\\"" SERVICE <http://x/> { } }',  # escaped quote ends no string
        "SELECT * WHERE { ?s ?p ?o . FILTER(?o<3) SERVICE <http://x/> { } }",
        "select * where { ?s ?p ?o Service<http://x/>{} }",
    ):
        with pytest.raises(QueryRejected) as info:
            check_query(query, 100_000, BASE)
        assert "SERVICE" in info.value.detail, query


def test_query_forms_and_datasets():
    assert check_query("PREFIX a: <http://a/> BASE <http://b/> ASK {}", 1000, BASE).form == "ASK"
    assert check_query("CONSTRUCT WHERE { ?s ?p ?o }", 1000, BASE).form == "CONSTRUCT"
    assert check_query("DESCRIBE <http://x/>", 1000, BASE).form == "DESCRIBE"
    query = f"PREFIX g: <{BASE}id/graph/> SELECT * FROM g:institutions FROM NAMED <{BASE}id/graph/meta> {{}}"
    assert check_query(query, 1000, BASE).datasets == [BASE + "id/graph/institutions", BASE + "id/graph/meta"]
    with pytest.raises(QueryRejected) as info:
        check_query("x" * 2000, 1000, BASE)
    assert info.value.status == 413
    for bad in ("", "   ", "hello world"):
        with pytest.raises(QueryRejected) as info:
            check_query(bad, 1000, BASE)
        assert info.value.status == 400
    assert [t.kind for t in tokenize("?x <http://a> 'b' ex:c _:d @es 12 {")] == [
        "var", "iri", "string", "pname", "bnode", "lang", "number", "punct",
    ]  # fmt: skip


# -- property: whatever data surrounds it, a SERVICE clause in code is found; keywords in data are not --------

_WORDS = ["SERVICE", "service", "LOAD", "INSERT", "DELETE", "FROM", "a", "x", "#", "'", '"', "\\", "<", ">", "{", "}"]


def _fragments():
    from hypothesis import strategies as st

    text = st.lists(st.sampled_from(_WORDS + [" ", "\n"]), max_size=8).map("".join)
    one_line = text.map(lambda t: t.replace("\n", " "))

    def escape(t: str, quote: str) -> str:
        return t.replace("\\", "\\\\").replace(quote, "\\" + quote)

    return st.one_of(
        one_line.map(lambda t: '"' + escape(t, '"') + '"'),
        one_line.map(lambda t: "'" + escape(t, "'") + "'"),
        text.map(lambda t: '"""' + escape(t, '"') + '"""'),
        one_line.map(lambda t: "# " + t + "\n"),
        st.sampled_from(["<http://e.org/SERVICE>", "<urn:load:insert>", "ex:service", "ex:a\\#b", "?service",
                         "$from", "_:load", "@es", "12", "ex:LOAD", ":insert"]),
    )  # fmt: skip


def test_service_in_code_is_always_found():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.lists(_fragments(), max_size=6), st.lists(_fragments(), max_size=6))
    def check(before, after):
        query = (
            "PREFIX ex: <http://e.org/> SELECT * WHERE { ?s ?p ?o . "
            + " ".join(before)
            + " SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } "
            + " ".join(after)
            + " }"
        )
        with pytest.raises(QueryRejected) as info:
            check_query(query, 100_000, BASE)
        assert "SERVICE" in info.value.detail

    check()


def test_keywords_in_data_are_always_allowed():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.lists(_fragments(), max_size=8))
    def check(fragments):
        query = "PREFIX ex: <http://e.org/> SELECT * WHERE { ?s ?p ?o . " + " ".join(fragments) + " }"
        assert check_query(query, 100_000, BASE).form == "SELECT"

    check()
