"""Parse a whole corpus folder: catalogue → one layout parser per report → enrichment."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
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


def _place_unplaced(parsed: list[ParsedReport]) -> list[ParsedReport]:
    """Give an inferred objective to the actions whose report prints none (``objective == 0``)."""
    from ingest.classify.objectives import place_actions

    unplaced = [a for r in parsed for a in r.actions if a.objective == 0]
    if not unplaced:
        return parsed
    references = [a for r in parsed for a in r.actions if a.objective]
    if not references:
        first = unplaced[0].source
        expected = "an objective, or other reports with printed objectives to infer it from"
        raise ReportFormatError(first.file, first.line_start, expected, "none in the corpus")
    placed = iter(place_actions(unplaced, references))
    out = []
    for r in parsed:
        actions = tuple(next(placed) if a.objective == 0 else a for a in r.actions)
        out.append(replace(r, actions=actions))
    return out


_INHERITED_REGISTRY: Registry | None = None  # set just before forking the enrichment workers


def _enrich_with_inherited_registry(report: ParsedReport) -> ParsedReport:
    """Runs in a forked worker: enrich one report with the registry the parent held when it forked."""
    from ingest.enrich import enrich_report

    assert _INHERITED_REGISTRY is not None
    return enrich_report(report, _INHERITED_REGISTRY)


def _enrich_all(parsed: list[ParsedReport], registry: Registry, workers: int = 2) -> list[ParsedReport]:
    """Enrich every report; with ``fork`` available, two processes share the work (reports in order)."""
    global _INHERITED_REGISTRY
    from ingest.enrich import enrich_report

    with_actions = sum(1 for r in parsed if r.actions)
    if workers < 2 or with_actions < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [enrich_report(r, registry) for r in parsed]
    from ingest.populations import load_lexicon

    registry.warm_up()  # compile the regexes once, before the workers inherit them
    load_lexicon()
    _INHERITED_REGISTRY = registry
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_enrich_with_inherited_registry, parsed))
    finally:
        _INHERITED_REGISTRY = None


def load_corpus(corpus_dir: Path, progress: Progress | None = None) -> Corpus:
    """Parse and enrich every report listed in ``corpus_dir/catalog.toml``.

    Raises :class:`ReportFormatError` (file, line, what was expected) on the first report
    whose text does not have the layout its parser expects.
    """

    parsed = []
    for info in load_catalog(corpus_dir):
        if progress:
            progress(f"parse {info.file}")
        parsed.append(parse_report(corpus_dir, info))
    registry = build_registry(term for r in parsed for term in r.glossary)
    parsed = _place_unplaced(parsed)
    if progress:
        progress("enrich actions (institutions, partners, populations)")
    enriched = _enrich_all(parsed, registry)
    if progress:
        progress("link programmes across objectives and editions")
    from ingest.classify.derive import link_reports

    institutional = {inst.acronym.upper() for inst in registry}
    return Corpus(link_reports(enriched, registry.ancestors, institutional), registry)
