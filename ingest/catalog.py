"""The corpus catalogue: which report file is which edition, and which layout parses it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ingest.errors import CatalogError
from ingest.records import ReportInfo

CATALOG_NAME = "catalog.toml"


def load_catalog(corpus_dir: Path) -> list[ReportInfo]:
    """Read ``corpus_dir/catalog.toml`` into report descriptions (in catalogue order)."""
    path = corpus_dir / CATALOG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"{path}: corpus catalogue not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    reports = []
    for i, entry in enumerate(data.get("report", []), start=1):
        try:
            reports.append(ReportInfo(**{k: entry[k] for k in ReportInfo.__slots__}))
        except KeyError as exc:
            raise CatalogError(f"{path}: report entry {i} lacks {exc.args[0]!r}") from exc
    return reports
