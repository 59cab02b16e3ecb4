"""Tests for the Compendio General 2024 parser (layout ``compendio_2024``).

The real report is parsed once per module; golden fixtures cut from it pin every layout trap
listed in design/corpus-formats.md.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest

from ingest.catalog import load_catalog
from ingest.errors import ReportFormatError
from ingest.layouts import compendio_2024 as layout
from ingest.layouts import parser_for
from ingest.records import Action, ParsedReport, ReportInfo
from ingest.text import CleaningLog, Line, clean, read_lines
from tests.golden import GOLDEN_DIR, check_golden, load_fixture

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# section III of the Informe Ejecutivo 2024, transcribed in design/reference/stated-counts-2024.csv (copied here)
STATED_COUNTS = GOLDEN_DIR / "compendio_2024" / "stated-counts-2024.csv"
SHARED_STATED_COUNTS = Path("/work/shared/design/reference/stated-counts-2024.csv")
FIXTURES = sorted((GOLDEN_DIR / "compendio_2024").glob("*.txt"))
CHAPTER_COLUMNS = {"apf": "apf", "ef": "entidades", "pj": "poder_judicial", "oca": "oca", "osc": "osc"}
# reference/stated-counts-notes.md, table "Objectives 18–23": the parsed split (section III is stale there)
PARSED_18_23 = {
    18: {"apf": 1, "ef": 3},
    19: {"apf": 2, "ef": 1},
    20: {"apf": 6, "osc": 1},
    21: {"apf": 8, "ef": 4},
    22: {"apf": 3, "ef": 1},
    23: {"apf": 2, "ef": 4, "pj": 1},
}


@pytest.fixture(scope="module")
def info() -> ReportInfo:
    return next(i for i in load_catalog(CORPUS) if i.layout == "compendio_2024")


@pytest.fixture(scope="module")
def lines(info: ReportInfo) -> list[Line]:
    return read_lines(CORPUS / info.file)


@pytest.fixture(scope="module")
def parsed(lines: list[Line], info: ReportInfo) -> tuple[ParsedReport, CleaningLog, float]:
    log = CleaningLog()
    start = time.perf_counter()
    report = layout.parse(lines, info, log)
    return report, log, time.perf_counter() - start


@pytest.fixture(scope="module")
def report(parsed: tuple[ParsedReport, CleaningLog, float]) -> ParsedReport:
    return parsed[0]


@pytest.fixture(scope="module")
def zone(lines: list[Line], info: ReportInfo) -> layout.ActionZone:
    start, annex, _ = layout.find_zone(lines, info)
    return layout.parse_actions(clean(lines[start:annex], layout.CLEANING_STEPS), info)


def _by_key(report: ParsedReport) -> dict[str, Action]:
    return {a.key: a for a in report.actions}


# --- whole report -------------------------------------------------------------------------------


def test_registered_layout(info: ReportInfo) -> None:
    assert parser_for(info.layout) is layout.parse


def test_total_and_chapter_counts(report: ParsedReport) -> None:
    assert len(report.actions) == 379
    assert Counter(a.chapter for a in report.actions) == {"apf": 180, "ef": 153, "pj": 11, "oca": 14, "osc": 21}


def test_objectives_1_to_17_match_stated_counts(report: ParsedReport) -> None:
    with STATED_COUNTS.open(encoding="utf-8") as fh:
        stated = {int(row["objective"]): row for row in csv.DictReader(fh)}
    counts = Counter((a.objective, a.chapter) for a in report.actions)
    for objective in range(1, 18):
        row = stated[objective]
        for chapter, column in CHAPTER_COLUMNS.items():
            assert counts[(objective, chapter)] == int(row[column] or 0), (objective, chapter)
        assert sum(counts[(objective, ch)] for ch in CHAPTER_COLUMNS) == int(row["total"])


@pytest.mark.skipif(not SHARED_STATED_COUNTS.exists(), reason="design reference not available")
def test_stated_counts_copy_is_current() -> None:
    assert STATED_COUNTS.read_bytes() == SHARED_STATED_COUNTS.read_bytes()


def test_objectives_18_to_23_match_parsed_split(report: ParsedReport) -> None:
    counts = Counter((a.objective, a.chapter) for a in report.actions)
    for objective, split in PARSED_18_23.items():
        got = {ch: counts[(objective, ch)] for ch in CHAPTER_COLUMNS if counts[(objective, ch)]}
        assert got == split, objective


def test_objective_headings(zone: layout.ActionZone) -> None:
    assert len(zone.objectives) == 65
    assert Counter(o.chapter for o in zone.objectives) == {"apf": 23, "ef": 21, "pj": 7, "oca": 6, "osc": 8}
    ef = [o.objective for o in zone.objectives if o.chapter == "ef"]
    assert 13 not in ef and 20 not in ef
    assert [o.objective for o in zone.objectives if o.chapter == "osc"] == [2, 3, 4, 5, 13, 15, 17, 20]
    first = {o.chapter: o.line for o in reversed(zone.objectives)}
    assert first == {"apf": 161, "ef": 5993, "pj": 9411, "oca": 9690, "osc": 10165}


def test_every_action_is_complete(report: ParsedReport, info: ReportInfo) -> None:
    for a in report.actions:
        assert a.title and a.description and a.results, a.key
        assert a.edition == 2024 and a.report == info.slug
        assert a.source.file == info.file and a.source.line_start < a.source.line_end, a.key
        assert a.source.quote and a.title.startswith(a.source.quote), a.key
        assert not a.title.endswith((".", "–", "-")) and a.title == a.title.strip(), a.key
        assert not a.actor_text.endswith(".") or a.actor_text.endswith("A.C."), a.key
        assert (not a.challenges) == a.no_challenges_reported, a.key
        for ch in a.challenges:
            assert ch.text and a.source.line_start < ch.source.line_start <= ch.source.line_end <= a.source.line_end
        assert not a.actors and not a.partners and not a.populations  # enrichment fills those


def test_only_the_scjn_sentence_lacks_an_actor(report: ParsedReport) -> None:
    missing = [a for a in report.actions if not a.actor_text]
    assert [(a.key, a.source.line_start, a.title) for a in missing] == [
        ("2024-pj-o05-02", 9560, "SENTENCIA DE RECURSO DE QUEJA 1/2023")
    ]
    assert any("9560" in n and "no actor" in n for n in report.notes)


def test_numbers_consecutive_and_keys_unique(report: ParsedReport) -> None:
    groups: dict[tuple[str, int], list[int]] = {}
    for a in report.actions:
        groups.setdefault((a.chapter, a.objective), []).append(a.number)
    for group, numbers in groups.items():
        assert numbers == list(range(1, len(numbers) + 1)), group
    assert len({a.key for a in report.actions}) == 379


def test_spans_are_ordered_and_disjoint(report: ParsedReport) -> None:
    spans = [(a.source.line_start, a.source.line_end) for a in report.actions]
    assert spans[0][0] == 165 and spans[-1][1] == 10728
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end < start


def test_actor_splits(report: ParsedReport) -> None:
    a = _by_key(report)
    expected = {
        "2024-apf-o02-12": ("COLABORACIÓN TRILATERAL AMEXCID-USAID-GAC", "SRE (AMEXCID)"),
        "2024-apf-o06-02": ("PROGRAMA DE TRABAJADORES AGRÍCOLAS TEMPORALES (PTAT) MÉXICO-CANADÁ", "STPS Y SRE"),
        "2024-apf-o14-01": (
            "GARANTIZAR A LOS MEXICANOS EN EL EXTRANJERO, SEGURIDAD JURÍDICA SOBRE SUS DERECHOS AGRARIOS "
            "EN EJIDOS Y COMUNIDADES",
            "PA",
        ),
        "2024-apf-o04-04": ("CURP TEMPORAL PARA PERSONAS MEXICANAS REPATRIADAS", "SEGOB (RENAPO)"),
        "2024-apf-o16-04": (
            "PROYECTO PARA EL FORTALECIMIENTO DE LA INTEGRACIÓN LOCAL EN MÉXICO (PROFIL)",
            "AMEXCID -SRE (ENCOORDINACIÓN CON LA UPMRIP)",
        ),
        "2024-ef-o03-09": ("ASESORÍA PARA LA GESTIÓN DE VISAS ESTADOUNIDENSES", "ESTADO DE MÉXICO"),
        "2024-pj-o13-01": ("TALLER “ESTRATEGIAS DE DEFENSA FRENTE A LA DETENCIÓN MIGRATORIA”", "SCJN – UGCCDH"),
        "2024-osc-o03-01": ("WEB-APP CONTIGO SIN FRONTERAS", "SIN FONTERAS IAP"),
        "2024-osc-o05-02": (
            "INTEGRACIÓN LOCAL: ORIENTAR A LAS PERSONAS EN SITUACIÓN DE MOVILIDAD CON RESPECTO AL ACCESO "
            "LABORAL DENTRO DE LA LOCALIDAD",
            "UNO DE SIETE MIGRANDO A.C.",
        ),
        "2024-osc-o13-07": (
            "VISITAS Y ASESORÍAS EN ESTACIONES MIGRATORIAS EN EL PAÍS Y EN CIUDAD DE MÉXICO",
            "SIN FRONTERAS IAP",
        ),
    }
    for key, (title, actor) in expected.items():
        assert (a[key].title, a[key].actor_text) == (title, actor), key


def test_actor_text_belongs_to_its_chapter(report: ParsedReport) -> None:
    for a in report.actions:
        if a.chapter == "ef":
            assert a.actor_text in layout.STATE_NAMES, a.key
        elif a.chapter == "pj" and a.actor_text:
            assert a.actor_text in {"IFDP", "SCJN", "SCJN – UGCCDH"}, a.key
        elif a.chapter == "oca":
            assert a.actor_text in {"INEGI", "CNDH", "INE"}, a.key


def test_results_and_challenges(report: ParsedReport) -> None:
    actions = report.actions
    assert sum(not a.has_results for a in actions) == 12
    assert sum(a.no_challenges_reported for a in actions) == 76
    bullets = Counter()
    for a in actions:
        bullets[a.chapter] += len(a.challenges)
    # 466 bullets (APF 245, EF 151, PJ 25, OCA 15, OSC 30) + 9 prose-only blocks + 2 prose paragraphs after bullets
    assert bullets == {"apf": 252, "ef": 153, "pj": 25, "oca": 15, "osc": 32}
    a = _by_key(report)
    assert not a["2024-osc-o17-01"].has_results and a["2024-osc-o17-01"].results.startswith("No hay cifras")
    assert a["2024-apf-o01-01"].challenges[0].text == (
        "Contar con presentación de resultados por parte de los beneficiarios a fin del año 2024."
    )


def test_noise_is_removed(report: ParsedReport, parsed: tuple[ParsedReport, CleaningLog, float]) -> None:
    log = parsed[1]
    assert log.removed["running_header_odd"] == [560, 2134, 7575, 8132, 9084]
    assert log.removed["running_footer_even"] == [2083, 3302, 8079, 9510]
    assert log.removed["running_chapter_line"] == [561, 2135, 7576, 8133, 9085]
    assert log.removed["footnotes"] == [5992, 6335, 6336, 8181]
    texts = [t for a in report.actions for t in (a.description, a.results, *(c.text for c in a.challenges))]
    joined = "\n".join(texts)
    for noise in ("COMPENDIO GENERAL 2024", "REGISTRO E IDENTIDAD DE PERSONAS\n", "missingmigrants", "youtu.be"):
        assert noise not in joined
    a = _by_key(report)
    assert "1,716 impactos en Radio" in a["2024-ef-o03-01"].results
    assert a["2024-ef-o10-12"].results.endswith("y 4 talleres.")


def test_glossary(report: ParsedReport) -> None:
    sections = Counter(t.section for t in report.glossary)
    assert sections == {"apf": 52, "entidades": 22, "otras": 130}
    terms = {(t.section, t.acronym): t for t in report.glossary}
    assert terms[("apf", "UPMRIP")].name == "Unidad de Política Migratoria, Registro e Identidad de Personas"
    assert terms[("apf", "UPMRIP")].source.line_start == 10794
    assert terms[("apf", "PROC. AGRARIA")].name == "Procuraduría Agraria"
    assert terms[("otras", "DVV International")].name == "Asociación Alemana para Jóvenes y Adultos"
    assert terms[("entidades", "Veracruz")].source.line_start == 10822
    assert all(10729 <= t.source.line_start <= t.source.line_end <= 10997 for t in report.glossary)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [5000, 9562, 10760])
def test_truncated_report_raises_near_the_cut(lines: list[Line], info: ReportInfo, cut: int) -> None:
    with pytest.raises(ReportFormatError) as err:
        layout.parse(lines[:cut], info)
    assert err.value.file == info.file
    assert cut - 5 <= err.value.line <= cut


def test_fragment_ending_inside_an_action_raises(lines: list[Line], info: ReportInfo) -> None:
    fragment = clean(lines[215:225], layout.CLEANING_STEPS)  # heading 216 .. inside the description
    with pytest.raises(ReportFormatError, match="RESULTADOS") as err:
        layout.parse_actions(fragment, info, "apf", 1, 3)
    assert err.value.line == 225


def test_missing_retos_raises(lines: list[Line], info: ReportInfo) -> None:
    assert lines[210].stripped == "RETOS"  # action 2 of objective 1
    body = [ln for ln in lines[156:10728] if ln.number != 211]
    with pytest.raises(ReportFormatError, match="RETOS") as err:
        layout.parse_actions(clean(body, layout.CLEANING_STEPS), info)
    assert err.value.line == 216  # the next heading comes before any RETOS


def test_out_of_sequence_heading_raises(lines: list[Line], info: ReportInfo) -> None:
    body = [Line(ln.number, " 5. JUSTICIA ESPACIAL…") if ln.number == 254 else ln for ln in lines[156:10728]]
    with pytest.raises(ReportFormatError, match="'4.'") as err:
        layout.parse_actions(clean(body, layout.CLEANING_STEPS), info)
    assert err.value.line == 254


def test_unexpected_osc_heading_raises(lines: list[Line], info: ReportInfo) -> None:
    # the OSC heading must coincide with an objective-number drop
    fragment = clean(lines[10162:10232], layout.CLEANING_STEPS)
    with pytest.raises(ReportFormatError, match="osc"):
        layout.parse_actions(fragment, info, "oca", 1)


# --- actor grammar ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "split"),
    [
        ("SERIES Y GEOGRAFÍA MIGRATORIA – SEGOB (CONAPO).", ("SERIES Y GEOGRAFÍA MIGRATORIA", "SEGOB (CONAPO)")),
        (
            "PROGRAMA HÉROES PAISANOS – INM (EN COORDINACIÓN CON ANAM, SEDATU, SE).",
            ("PROGRAMA HÉROES PAISANOS", "INM (EN COORDINACIÓN CON ANAM, SEDATU, SE)"),
        ),
        ("A – SEGOB (UPMRIP) - SRE.", ("A", "SEGOB (UPMRIP) - SRE")),
        ("EN MIGRACIÓN. – SIPINNA.", ("EN MIGRACIÓN", "SIPINNA")),
        ("CURSO-TALLER “X” – BAJA CALIFORNIA SUR.", ("CURSO-TALLER “X”", "BAJA CALIFORNIA SUR")),
        ("SENTENCIA DE RECURSO DE QUEJA 1/2023", None),
        ("X (PTAT).", None),
        ("X EN QUINTANA ROO - SEGOB (UPMRIP).", ("X EN QUINTANA ROO", "SEGOB (UPMRIP)")),
    ],
)
def test_split_actor(heading: str, split: tuple[str, str] | None) -> None:
    assert layout.split_actor(heading) == split


# --- golden fixtures ----------------------------------------------------------------------------


def _parse_fixture(path: Path, info: ReportInfo) -> dict[str, object]:
    meta, fixture_lines = load_fixture(path)
    assert meta["source"] == info.file
    if meta.get("kind") == "glossary":
        return {"glossary": layout.parse_glossary(fixture_lines, info)}
    zone = layout.parse_actions(
        clean(fixture_lines, layout.CLEANING_STEPS),
        info,
        start_chapter=meta.get("chapter", "apf"),
        start_objective=int(meta["objective"]) if "objective" in meta else None,
        start_number=int(meta.get("number", "1")),
    )
    return {"actions": zone.actions, "objectives": zone.objectives, "notes": zone.notes}


def test_fixture_set_is_complete() -> None:
    assert len(FIXTURES) >= 20


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_golden(fixture: Path, info: ReportInfo, lines: list[Line], report: ParsedReport) -> None:
    meta, fixture_lines = load_fixture(fixture)
    first = int(meta["first_line"])
    assert [ln.text for ln in fixture_lines] == [ln.text for ln in lines[first - 1 : first - 1 + len(fixture_lines)]]
    records = _parse_fixture(fixture, info)
    check_golden(fixture, records)
    # a fragment parses exactly like the same lines inside the whole report
    full = _by_key(report)
    for action in records.get("actions", ()):
        assert full[action.key] == action  # type: ignore[attr-defined]
    for term in records.get("glossary", ()):
        assert term in report.glossary
