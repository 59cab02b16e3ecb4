"""Render the answer of a SPARQL query for the terminal: a table, SPARQL 1.1 JSON results, or CSV."""

from __future__ import annotations

import pyoxigraph as ox

from graph.store import EmbeddedBackend, RemoteBackend, SparqlBackend, SparqlError, post_form

_MEDIA = {"json": "application/sparql-results+json", "csv": "text/csv"}
_OX_FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV}


def raw_results(backend: SparqlBackend, query: str, fmt: str) -> str:
    """The query's results serialised in a SPARQL results format (``json`` or ``csv``)."""
    if isinstance(backend, EmbeddedBackend):
        try:
            answer = backend.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise SparqlError(f"bad SPARQL query: {exc}") from exc
        if isinstance(answer, ox.QueryTriples):
            raise SparqlError("CONSTRUCT/DESCRIBE queries give triples: use the /sparql endpoint or a dump")
        return answer.serialize(format=_OX_FORMATS[fmt]).decode("utf-8")
    if isinstance(backend, RemoteBackend):
        return post_form(backend.query_endpoint, {"query": query}, _MEDIA[fmt], backend.timeout).decode("utf-8")
    raise TypeError(f"unsupported backend {type(backend).__name__}")


def render_table(rows: list[dict], max_width: int = 60) -> str:
    """Rows as an aligned plain-text table, long cells shortened."""
    if not rows:
        return "(no results)\n"
    names = list(rows[0])
    cells = [["" if r[n] is None else str(r[n]) for n in names] for r in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max(len(n), *(len(row[i]) for row in cells)) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render_results(backend: SparqlBackend, query: str, fmt: str) -> str:
    """The answer of ``query`` as ``table``, ``json`` (SPARQL 1.1 Query Results JSON) or ``csv``."""
    if fmt == "table":
        if query_is_ask(query):
            return f"{str(backend.ask(query)).lower()}\n"
        return render_table(backend.select(query))
    return raw_results(backend, query, fmt)


def query_is_ask(query: str) -> bool:
    """Whether the query's form is ASK (prologue and comments skipped)."""
    words = [w.upper() for line in query.splitlines() if not line.strip().startswith("#") for w in line.split()]
    for i, w in enumerate(words):
        if w in ("PREFIX", "BASE"):
            continue
        if i > 0 and words[i - 1] in ("PREFIX", "BASE"):
            continue
        if w.startswith("<") or w.endswith(":"):
            continue
        return w == "ASK"
    return False
