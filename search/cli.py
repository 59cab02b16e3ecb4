"""``migrakg search``: the same query and filters as ``/api/search``, printed as a table or JSON."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from search.index import SearchIndexError, open_index
from search.query import SearchQueryError, search

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def _strip_marks(snippet: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"</?mark>", "", snippet))


def format_table(result: dict, width: int | None = None) -> str:
    """A readable plain-text rendering of a search answer."""
    width = width or max(60, min(shutil.get_terminal_size((100, 20)).columns, 140))
    lines = []
    total, page, pages = result["total"], result["page"], result["pages"]
    head = f"{total} acciones" + (f" · página {page} de {pages}" if pages > 1 else "")
    if result.get("truncated"):
        head += " · consulta recortada a 500 caracteres"
    lines.append(head)
    for warning in result.get("warnings", []):
        lines.append(f"aviso: {warning}")
    if result.get("suggestion"):
        lines.append(f"¿Quiso decir: {result['suggestion']}?")
    first = (page - 1) * result["per_page"]
    for i, hit in enumerate(result["hits"], start=first + 1):
        who = ", ".join(hit["actors"]) or "—"
        lines.append("")
        lines.append(f"{i:>3}. [{hit['key']}] obj. {hit['objective']} · {hit['edition']} · {who}")
        lines.extend(textwrap.wrap(hit["title"], width - 5, initial_indent="     ", subsequent_indent="     "))
        snippet = _strip_marks(hit["snippet"])
        lines.extend(textwrap.wrap(snippet, width - 7, initial_indent="       ", subsequent_indent="       ")[:3])
    facets = result.get("facets", {})
    shown = [(name, values) for name, values in facets.items() if values]
    if shown:
        lines.append("")
        for name, values in shown:
            items = ", ".join(f"{v} ({c})" for v, c in list(values.items())[:8])
            more = f", … (+{len(values) - 8})" if len(values) > 8 else ""
            lines.append(f"{name}: {items}{more}")
    return "\n".join(lines)


def run_search_command(
    index_dir: Path,
    query: str,
    filters: dict[str, list[str]],
    page: int = 1,
    per_page: int = 10,
    as_json: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one search and print it; exit code 0 ok, 1 no usable index, 2 bad query or options."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        sx = open_index(Path(index_dir))
    except SearchIndexError as exc:
        print(f"migrakg: error: {exc}", file=err)
        return EXIT_DATA
    try:
        result = search(sx, query, filters, page=page, per_page=per_page)
    except SearchQueryError as exc:
        print(f"migrakg: error: {exc.message}" + (f" {exc.detail}" if exc.detail else ""), file=err)
        return EXIT_USAGE
    finally:
        sx.close()
    if as_json:
        keys = ("total", "hits", "facets", "page", "per_page", "pages", "suggestion", "truncated", "warnings")
        print(json.dumps({k: result[k] for k in keys}, ensure_ascii=False, indent=2), file=out)
    else:
        print(format_table(result), file=out)
    return EXIT_OK
