"""Errors raised when a report does not have the layout its parser expects."""

from __future__ import annotations


class ReportFormatError(Exception):
    """A report that cannot be parsed: says which file, which line and what was expected there."""

    def __init__(self, file: str, line: int, expected: str, found: str = "") -> None:
        self.file = file
        self.line = line
        self.expected = expected
        self.found = found
        where = f"{file}:{line}"
        detail = f"expected {expected}"
        if found:
            detail += f", found {found!r}"
        super().__init__(f"{where}: {detail}")


class CatalogError(Exception):
    """The corpus catalogue is missing, malformed, or names a layout no parser module handles."""
