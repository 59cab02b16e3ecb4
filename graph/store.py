"""SPARQL over the graph: an Oxigraph store, embedded (pyoxigraph) or remote (SPARQL 1.1 over HTTP).

Both backends answer :meth:`SparqlBackend.select` with the same plain rows (``list[dict]``, literals
converted to ``int``/``float``/``bool``/``str``, IRIs as ``str``, unbound as ``None``), and both treat
the default graph as the union of all named graphs (start a remote Oxigraph with
``--union-default-graph``; other servers have their own switch).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

Value = str | int | float | bool | None
Row = dict[str, Value]

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


class SparqlError(RuntimeError):
    """A query or update the backend rejected (syntax error, HTTP error, unreachable endpoint)."""


def literal_value(lexical: str, datatype: str | None) -> Value:
    """The Python value of a literal: integers, decimals/doubles, booleans; everything else its text."""
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype in _FLOAT_TYPES:
            return float(lexical)
    except ValueError:
        return lexical
    if datatype == XSD + "boolean":
        return lexical in ("true", "1")
    return lexical


def _term_value(term: object) -> Value:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value if term.datatype else None)
    return str(term)


@runtime_checkable
class SparqlBackend(Protocol):
    """What the web app, the CLI and the named queries need from a SPARQL store."""

    def select(self, query: str) -> list[Row]:
        """Run a SELECT query; one dict per solution, every projected variable a key."""
        ...

    def ask(self, query: str) -> bool:
        """Run an ASK query."""
        ...


class EmbeddedBackend:
    """SPARQL over an in-process pyoxigraph store (default graph = union of the named graphs)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def _query(self, query: str):
        try:
            return self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise SparqlError(f"bad SPARQL query: {exc}") from exc
        except OSError as exc:
            raise SparqlError(str(exc)) from exc

    def select(self, query: str) -> list[Row]:
        solutions = self._query(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise SparqlError("not a SELECT query")
        names = [v.value for v in solutions.variables]
        return [{n: _term_value(s[n]) for n in names} for s in solutions]

    def ask(self, query: str) -> bool:
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise SparqlError("not an ASK query")
        return bool(result)


class SparqlHTTPError(SparqlError):
    """A SPARQL endpoint answered with an HTTP error status."""

    def __init__(self, url: str, status: int, detail: str) -> None:
        super().__init__(f"{url} answered {status}: {detail[:500]}")
        self.status = status
        self.detail = detail


def post_form(url: str, params: dict[str, str] | Sequence[tuple[str, str]], accept: str, timeout: float) -> bytes:
    """POST a SPARQL Protocol form (query, update, graph URIs) and return the answer's bytes.

    Raises :class:`SparqlHTTPError` for an HTTP error status, :class:`SparqlError` when unreachable.
    """
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(params).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            return response.read()
    except urllib.error.HTTPError as exc:
        raise SparqlHTTPError(url, exc.code, exc.read().decode("utf-8", "replace")[:2000]) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SparqlError(f"{url} unreachable: {exc}") from exc


class RemoteBackend:
    """A SPARQL 1.1 Protocol endpoint over HTTP (urllib), with an optional update endpoint for ``push``."""

    def __init__(self, query_endpoint: str, update_endpoint: str = "", timeout: float = 60.0) -> None:
        if not query_endpoint.startswith(("http://", "https://")):
            raise ValueError(f"SPARQL endpoint must be an http(s) URL: {query_endpoint!r}")
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint
        self.timeout = timeout

    def _post(self, url: str, form: dict[str, str], accept: str) -> bytes:
        return post_form(url, form, accept, self.timeout)

    def _results(self, query: str) -> dict:
        raw = self._post(self.query_endpoint, {"query": query}, "application/sparql-results+json")
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise SparqlError(f"{self.query_endpoint}: not SPARQL JSON results") from exc

    def select(self, query: str) -> list[Row]:
        data = self._results(query)
        if "results" not in data:
            raise SparqlError("not a SELECT query")
        names = data["head"].get("vars", [])
        return [{n: _json_value(b.get(n)) for n in names} for b in data["results"]["bindings"]]

    def ask(self, query: str) -> bool:
        data = self._results(query)
        if "boolean" not in data:
            raise SparqlError("not an ASK query")
        return bool(data["boolean"])

    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 Update on the update endpoint."""
        if not self.update_endpoint:
            raise SparqlError("no SPARQL update endpoint configured (MIGRAKG_SPARQL_UPDATE_ENDPOINT)")
        self._post(self.update_endpoint, {"update": update}, "*/*")

    def push(self, data: bytes | str, rdf_format: str = "nquads", chunk: int = 5000, drop_all: bool = False) -> int:
        """Send N-Quads/N-Triples with SPARQL 1.1 Update: each graph is dropped, then refilled by INSERT DATA.

        Returns the number of quads sent. ``drop_all`` empties the whole store first.
        """
        if not self.update_endpoint:
            raise SparqlError("no SPARQL update endpoint configured (MIGRAKG_SPARQL_UPDATE_ENDPOINT)")
        fmt = ox.RdfFormat.N_QUADS if rdf_format == "nquads" else ox.RdfFormat.N_TRIPLES
        by_graph: dict[str, list[str]] = defaultdict(list)
        for quad in ox.parse(data.encode("utf-8") if isinstance(data, str) else data, format=fmt):
            graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
            by_graph[graph].append(f"{quad.subject} {quad.predicate} {quad.object} .")
        if drop_all:
            self.update("DROP SILENT ALL")
        sent = 0
        for graph, triples in sorted(by_graph.items()):
            if graph:
                self.update(f"DROP SILENT GRAPH {graph}")
            for i in range(0, len(triples), chunk):
                block = "\n".join(triples[i : i + chunk])
                self.update(
                    f"INSERT DATA {{ GRAPH {graph} {{\n{block}\n}} }}" if graph else f"INSERT DATA {{\n{block}\n}}"
                )
                sent += len(triples[i : i + chunk])
        return sent


def _json_value(binding: dict | None) -> Value:
    if binding is None:
        return None
    kind = binding["type"]
    if kind == "uri":
        return binding["value"]
    if kind == "bnode":
        return f"_:{binding['value']}"
    return literal_value(binding["value"], binding.get("datatype"))


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    """Open a published store read-only (for readers: the web app, ``migrakg query``)."""
    if not Path(path).is_dir():
        raise FileNotFoundError(f"{path}: no Oxigraph store here (run `migrakg build`)")
    return ox.Store.read_only(str(path))


def load_store(path: str | os.PathLike[str], data: bytes | str | Path | Sequence[Path]) -> ox.Store:
    """Create (or empty) the store at ``path`` and bulk-load N-Quads bytes or RDF files into it."""
    Path(path).mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(path))
    store.clear()
    for item in _inputs(data):
        if isinstance(item, Path):
            fmt = _FORMATS.get(item.suffix)
            if fmt is None:
                raise ValueError(f"{item}: unknown RDF format (use {', '.join(_FORMATS)})")
            store.bulk_load(path=str(item), format=fmt)
        else:
            store.bulk_load(input=item, format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    return store


def _inputs(data: bytes | str | Path | Sequence[Path]) -> Iterable[bytes | Path]:
    if isinstance(data, bytes):
        return [data]
    if isinstance(data, str):
        return [data.encode("utf-8")]
    if isinstance(data, Path):
        return [data]
    return [Path(p) for p in data]


def memory_store(nquads: bytes) -> ox.Store:
    """An in-memory store holding ``nquads`` (tests, small tools)."""
    store = ox.Store()
    store.bulk_load(input=nquads, format=ox.RdfFormat.N_QUADS)
    return store


def open_backend(
    endpoint: str = "", update_endpoint: str = "", store_path: str | os.PathLike[str] | None = None
) -> SparqlBackend:
    """The remote ``endpoint`` when one is given, else the embedded store at ``store_path``."""
    if endpoint:
        return RemoteBackend(endpoint, update_endpoint)
    if store_path is None:
        raise ValueError("no SPARQL endpoint configured and no store path given")
    return EmbeddedBackend(open_store(store_path))


def dump_store(store: ox.Store, targets: dict[str, Path], prefixes: dict[str, str]) -> None:
    """Write the store's content: ``nquads`` and ``jsonld`` keep the named graphs; ``turtle`` and
    ``ntriples`` hold their union. ``targets`` maps those format names to file paths."""
    union = list(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True))
    union.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))  # grouped by subject, stable
    writers = {
        "nquads": lambda path: store.dump(path, format=ox.RdfFormat.N_QUADS),
        "jsonld": lambda path: store.dump(path, format=ox.RdfFormat.JSON_LD),
        "turtle": lambda path: ox.serialize(union, path, format=ox.RdfFormat.TURTLE, prefixes=prefixes),
        "ntriples": lambda path: ox.serialize(union, path, format=ox.RdfFormat.N_TRIPLES),
    }
    for name, path in targets.items():
        writers[name](str(path))
