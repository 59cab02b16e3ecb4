"""Parse a whole corpus folder: catalogue → one layout parser per report → enrichment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.catalog import load_catalog
from ingest.errors import ReportFormatError
from ingest.layouts import parser_for
from ingest.records import Action, ParsedReport, ReportInfo
from ingest.registry import Registry, build_registry
from ingest.text import read_lines

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Corpus:
    """All parsed reports of a corpus, enriched, in catalogue order."""

    reports: tuple[ParsedReport, ...]
    registry: Registry

    @property
    def actions(self) -> list[Action]:
        """Every action of every edition, sorted by key."""
        return sorted((a for r in self.reports for a in r.actions), key=lambda a: a.key)

    def report(self, slug: str) -> ParsedReport:
        """The parsed report with this slug."""
        for r in self.reports:
            if r.info.slug == slug:
                return r
        raise KeyError(slug)


def parse_report(corpus_dir: Path, info: ReportInfo) -> ParsedReport:
    """Run the layout parser of one report (no enrichment)."""
    path = corpus_dir / info.file
    try:
        lines = read_lines(path)
    except FileNotFoundError as exc:
        raise ReportFormatError(info.file, 1, "the report file listed in catalog.toml", "no such file") from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ReportFormatError(info.file, line, "UTF-8 text", f"byte {exc.object[exc.start]:#x}") from exc
    return parser_for(info.layout)(lines, info)


def load_corpus(corpus_dir: Path, progress: Progress | None = None) -> Corpus:
    """Parse and enrich every report listed in ``corpus_dir/catalog.toml``.

    Raises :class:`ReportFormatError` (file, line, what was expected) on the first report
    whose text does not have the layout its parser expects.
    """
    from ingest.enrich import enrich_report

    parsed = []
    for info in load_catalog(corpus_dir):
        if progress:
            progress(f"parse {info.file}")
        parsed.append(parse_report(corpus_dir, info))
    registry = build_registry(term for r in parsed for term in r.glossary)
    if progress:
        progress("enrich actions (institutions, partners, populations)")
    enriched = [enrich_report(r, registry) for r in parsed]
    if progress:
        progress("link programmes across objectives and editions")
    from ingest.classify.derive import link_reports

    institutional = {inst.acronym.upper() for inst in registry}
    return Corpus(link_reports(enriched, registry.ancestors, institutional), registry)
