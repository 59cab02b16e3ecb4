"""Golden files: fixtures cut from the corpus beside the records they must give.

A fixture ``tests/golden/<layout>/<case>.txt`` starts with ``# key: value`` header lines
(``source`` the corpus file, ``first_line`` the 1-based line number of the first text line,
plus any context the parser needs, e.g. ``chapter: ef``), then the raw lines copied
verbatim from the corpus. The expected records sit beside it in ``<case>.expected.json``.
Set ``MIGRAKG_REGEN_GOLDEN=1`` to rewrite the expected files on purpose; review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from ingest.catalog import load_catalog
from ingest.layouts import parser_for
from ingest.records import ParsedReport, ReportInfo
from ingest.text import Line, read_lines

GOLDEN_DIR = Path(__file__).parent / "golden"


def parse_layout(layout: str) -> tuple[ReportInfo, list[Line], ParsedReport]:
    """The catalogue entry, the lines and the parsed records of the bundled report with this layout."""
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    info = next(i for i in load_catalog(corpus) if i.layout == layout)
    lines = read_lines(corpus / info.file)
    return info, lines, parser_for(layout)(lines, info)


def load_fixture(path: Path) -> tuple[dict[str, str], list[Line]]:
    """The header (as a dict) and the numbered lines of a golden fixture."""
    raw = path.read_text(encoding="utf-8").split("\n")
    meta: dict[str, str] = {}
    i = 0
    while i < len(raw) and raw[i].startswith("# ") and ":" in raw[i]:
        key, _, value = raw[i][2:].partition(":")
        meta[key.strip()] = value.strip()
        i += 1
    first = int(meta.get("first_line", "1"))
    body = raw[i:]
    if body and body[-1] == "":
        body = body[:-1]
    return meta, [Line(first + k, text) for k, text in enumerate(body)]


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples and lists as JSON-ready plain data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def check_golden(fixture: Path, records: Any) -> None:
    """Compare ``records`` with ``<fixture>.expected.json``; regenerate it when asked to."""
    expected_path = fixture.with_suffix(".expected.json")
    actual = json.dumps(to_plain(records), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("MIGRAKG_REGEN_GOLDEN") == "1":
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), f"{expected_path.name} is missing: write it with MIGRAKG_REGEN_GOLDEN=1, read it"
    expected = expected_path.read_text(encoding="utf-8")
    assert json.loads(actual) == json.loads(expected), f"golden mismatch for {fixture.name}: regenerate and diff"
