"""One parser module per report layout.

Each module defines ``parse(lines: list[Line], info: ReportInfo) -> ParsedReport``: a pure
function from the numbered lines of one report to its records. The catalogue names the
module by its ``layout`` key, so a new layout is a new module here and nothing else.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ingest.errors import CatalogError
from ingest.records import ParsedReport, ReportInfo
from ingest.text import Line

LayoutParser = Callable[[list[Line], ReportInfo], ParsedReport]


def parser_for(layout: str) -> LayoutParser:
    """The ``parse`` function of the layout module named ``layout``."""
    if not layout.isidentifier():
        raise CatalogError(f"unknown layout {layout!r}")
    try:
        module = importlib.import_module(f"ingest.layouts.{layout}")
    except ModuleNotFoundError as exc:
        raise CatalogError(f"unknown layout {layout!r}: no module ingest/layouts/{layout}.py") from exc
    return module.parse
