"""Guarded execution of user SPARQL queries in worker processes that are killed past the time limit.

Neither pyoxigraph nor rdflib can interrupt a running query from Python, so each query runs in a separate
process (``python -m webapp.sparql_worker``) that opens the published store read-only (or forwards the query
to a remote SPARQL endpoint), keeps at most ``max_rows`` results, serializes them and sends the bytes back.
:class:`WorkerPool` holds a fixed number of such processes (the bound on concurrent queries); a query that
runs past its deadline has its process killed and replaced, which really stops the work.

The wire protocol between parent and worker is length-prefixed pickles on the worker's stdin/stdout.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pickle
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.store import SparqlError, SparqlHTTPError, post_form

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Result formats of SELECT/ASK: name → media type.
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Result formats of CONSTRUCT/DESCRIBE: name → (media type, Oxigraph format).
GRAPH_FORMATS = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
_HEADER = struct.Struct("!Q")


# ---------------------------------------------------------------------------------------------------
# Serialization (runs in the worker)
# ---------------------------------------------------------------------------------------------------
def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    return {"type": "literal", "value": str(term)}


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _plain(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def serialize_solutions(variables: list[str], rows: list[list[Any]], fmt: str, truncated: bool) -> bytes:
    """SELECT results in the SPARQL 1.1 JSON, XML, CSV or TSV format (``truncated`` noted in JSON and XML)."""
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        data = {"head": {"vars": variables}, "results": {"bindings": bindings}, "truncated": truncated}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        if truncated:
            out.append('<link href="urn:migrakg:truncated"/>')
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            ]
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_plain(t) for t in row] for row in rows)
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown result format {fmt!r}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """ASK results in the SPARQL 1.1 JSON, XML, CSV or TSV format."""
    text = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head/>\n<boolean>{text}</boolean>\n</sparql>\n"
        ).encode()
    if fmt in ("csv", "tsv"):
        return f"{'_askResult' if fmt == 'csv' else '?_askResult'}\r\n{text}\r\n".encode()
    raise ValueError(f"unknown result format {fmt!r}")


# ---------------------------------------------------------------------------------------------------
# Execution (runs in the worker)
# ---------------------------------------------------------------------------------------------------
class _Executor:
    """Runs requests in the worker: one store opened read-only, reopened when the published build changes."""

    def __init__(self) -> None:
        self.store_path = ""
        self.store: ox.Store | None = None

    def _store(self, path: str) -> ox.Store:
        if self.store is None or path != self.store_path:
            self.store = ox.Store.read_only(path)
            self.store_path = path
        return self.store

    def _remote(self, req: dict[str, Any]) -> Any:
        endpoint, query, form, timeout = req["endpoint"], req["query"], req["form"], req.get("timeout", 60.0) + 1
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        params = [("query", query)]
        params += [("default-graph-uri", iri) for iri in req.get("default_graph", [])]
        params += [("named-graph-uri", iri) for iri in req.get("named_graphs", [])]
        try:
            raw = post_form(endpoint, params, accept, timeout)
        except SparqlHTTPError as exc:
            if 400 <= exc.status < 500:
                raise SyntaxError(exc.detail or f"the SPARQL endpoint answered {exc.status}") from exc
            raise OSError(f"the SPARQL endpoint answered {exc.status}: {exc.detail}") from exc
        except SparqlError as exc:
            raise OSError(str(exc)) from exc
        if form in ("CONSTRUCT", "DESCRIBE"):
            return (q.triple for q in ox.parse(raw, format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)

    def run(self, req: dict[str, Any]) -> dict[str, Any]:
        query, fmt, max_rows = req["query"], req["format"], req["max_rows"]
        try:
            if req.get("endpoint"):
                result = self._remote(req)
            else:
                result = self._store(req["store"]).query(query, **_dataset(req))
            if isinstance(result, ox.QueryBoolean):
                return {"ok": True, "body": serialize_boolean(bool(result), fmt), "truncated": False, "rows": 1}
            if isinstance(result, ox.QuerySolutions) and fmt == "json" and not req.get("endpoint"):
                fast = _native_json(result, max_rows)
                if fast is not None:
                    return fast
                result = self._store(req["store"]).query(query, **_dataset(req))  # over the cap: cut in Python
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                rows: list[list[Any]] = []
                truncated = False
                for solution in result:
                    if len(rows) >= max_rows:
                        truncated = True
                        break
                    rows.append([solution[v] for v in variables])
                body = serialize_solutions(variables, rows, fmt, truncated)
                return {"ok": True, "body": body, "truncated": truncated, "rows": len(rows)}
            triples = []
            truncated = False
            for triple in result:
                if len(triples) >= max_rows:
                    truncated = True
                    break
                triples.append(triple)
            body = ox.serialize(triples, format=GRAPH_FORMATS[fmt][1], prefixes=req.get("prefixes") or None)
            return {"ok": True, "body": body, "truncated": truncated, "rows": len(triples)}
        except MemoryError:
            detail = "la consulta pasó del límite de memoria y se detuvo; acótela (LIMIT, filtros)"
            return {"ok": False, "status": 503, "error": "Memoria de consulta agotada", "detail": detail}
        except SyntaxError as exc:
            return {"ok": False, "status": 400, "error": "Consulta no válida", "detail": str(exc)}
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            status = 502 if req.get("endpoint") else 500
            return {"ok": False, "status": status, "error": "Error al ejecutar la consulta", "detail": str(exc)[:2000]}


class _BudgetExceeded(Exception):
    """Raised by :class:`_CappedBuffer` to stop a native serialization that grows past its byte budget."""


class _CappedBuffer(io.RawIOBase):
    """A binary sink that refuses to grow past ``limit`` bytes (so a huge result stops early)."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _BudgetExceeded
        self.parts.append(bytes(data))
        return len(data)


#: Bytes a natively serialised JSON answer may take before the Python path (which caps rows) takes over.
NATIVE_JSON_BUDGET = 4 * 1024 * 1024


def _native_json(result: Any, max_rows: int) -> dict[str, Any] | None:
    """SELECT results serialised by pyoxigraph itself (fast), or None when they exceed the row cap or budget.

    The answer gets the same ``"truncated": false`` member the Python serializer writes.
    """
    sink = _CappedBuffer(NATIVE_JSON_BUDGET)
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.JSON)
    except _BudgetExceeded:
        return None
    body = b"".join(sink.parts).rstrip()
    rows = len(json.loads(body)["results"]["bindings"])
    if rows > max_rows or not body.endswith(b"}"):
        return None
    return {"ok": True, "body": body[:-1] + b',"truncated":false}', "truncated": False, "rows": rows}


def _dataset(req: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``Store.query`` for the protocol's default-graph-uri / named-graph-uri."""
    if not req.get("default_graph") and not req.get("named_graphs"):
        return {"use_default_graph_as_union": True}
    out: dict[str, Any] = {}
    if req.get("default_graph"):
        out["default_graph"] = [ox.NamedNode(iri) for iri in req["default_graph"]]
    else:
        out["use_default_graph_as_union"] = True
    if req.get("named_graphs"):
        out["named_graphs"] = [ox.NamedNode(iri) for iri in req["named_graphs"]]
    return out


def _read_exact(stream: Any, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the web app process dies (no orphaned queries)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def worker_main() -> None:
    """The worker loop: read a request, run it, write the answer; exit when stdin closes.

    Each query also arms ``SIGALRM`` (default action: terminate) a little past its limit, a backstop
    should the parent fail to kill the worker in time.
    """
    _die_with_parent()
    memory_mb = int(os.environ.get("MIGRAKG_SPARQL_WORKER_MEMORY_MB") or 0)
    if memory_mb > 0:  # address space: a query that needs more fails to allocate and the worker stops
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to stderr, never into the protocol
    stdin = sys.stdin.buffer
    executor = _Executor()
    out.write(_HEADER.pack(0))  # ready
    out.flush()
    while True:
        header = _read_exact(stdin, _HEADER.size)
        if header is None:
            return
        payload = _read_exact(stdin, _HEADER.unpack(header)[0])
        if payload is None:
            return
        request = pickle.loads(payload)  # noqa: S301 - our own parent process
        signal.alarm(int(request.get("timeout", 60)) + 5)
        answer = pickle.dumps(executor.run(request))
        signal.alarm(0)
        out.write(_HEADER.pack(len(answer)) + answer)
        out.flush()


# ---------------------------------------------------------------------------------------------------
# The pool (runs in the web app)
# ---------------------------------------------------------------------------------------------------
class QueryTimeout(Exception):
    """The query ran past its time limit; its worker was killed."""


class WorkerFailed(Exception):
    """The worker process died or could not start."""


class QueryOutOfMemory(Exception):
    """The query needed more memory than a worker may take; its worker stopped."""


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, start_timeout: float, memory_mb: int = 0) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "MIGRAKG_SPARQL_WORKER_MEMORY_MB": str(memory_mb)}
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "webapp.sparql_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=root,
        )
        self.fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        try:
            self._read(_HEADER.size, time.monotonic() + start_timeout, starting=True)
        except BaseException:
            self.kill()
            raise

    def _read(self, n: int, deadline: float, starting: bool = False) -> bytes:
        data = bytearray()
        while len(data) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerFailed("the SPARQL worker did not start") if starting else QueryTimeout()
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, min(n - len(data), 1 << 20))
            if not chunk:
                raise WorkerFailed(f"the SPARQL worker exited (code {self.proc.poll()})")
            data += chunk
        return bytes(data)

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        payload = pickle.dumps(request)
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload)) + payload)  # type: ignore[union-attr]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except OSError as exc:
            raise WorkerFailed(f"the SPARQL worker is gone: {exc}") from exc
        deadline = time.monotonic() + timeout
        size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
        return pickle.loads(self._read(size, deadline))  # noqa: S301 - our own child process

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]


@dataclass
class Answer:
    """A finished query: the serialized body and whether rows were cut at the cap."""

    body: bytes
    truncated: bool
    rows: int
    seconds: float


class QueryError(Exception):
    """The engine refused or failed the query (``status``, ``error``, ``detail`` for the JSON answer)."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail


class PoolBusy(Exception):
    """Every worker is busy: the bound on concurrent queries is reached."""


class WorkerPool:
    """A fixed number of worker processes; at most ``size`` queries run at once."""

    def __init__(self, size: int, queue_wait: float = 1.0, start_timeout: float = 30.0, memory_mb: int = 0) -> None:
        self.size = size
        self.queue_wait = queue_wait
        self.start_timeout = start_timeout
        self.memory_mb = memory_mb
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(None)  # started on first use
        self._closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()

    def _start(self) -> _Worker:
        worker = _Worker(self.start_timeout, self.memory_mb)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def run(self, request: dict[str, Any], timeout: float) -> Answer:
        """Run ``request`` in a free worker within ``timeout`` seconds.

        Raises :class:`PoolBusy` (no worker free), :class:`QueryTimeout` (killed past the limit),
        :class:`QueryError` (the engine refused the query) or :class:`WorkerFailed`.
        """
        if self._closed:
            raise WorkerFailed("the SPARQL worker pool is closed")
        try:
            worker = self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise PoolBusy() from None
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._discard(worker)
                worker = None
                worker = self._start()
            started = time.monotonic()
            try:
                answer = worker.ask(request, timeout)
            except QueryTimeout:
                self._discard(worker)
                worker = None
                raise
            except WorkerFailed as exc:
                self._discard(worker)
                code = worker.proc.returncode
                worker = None
                if self.memory_mb and code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, 1, 134):
                    raise QueryOutOfMemory() from exc
                raise
            seconds = time.monotonic() - started
        finally:
            self._idle.put(worker)
        if not answer["ok"]:
            raise QueryError(answer["status"], answer["error"], answer["detail"])
        return Answer(answer["body"], answer["truncated"], answer["rows"], seconds)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


if __name__ == "__main__":
    worker_main()
