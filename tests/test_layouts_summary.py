"""Tests for the summary layouts ``informe_ejecutivo_2024`` and ``infografia_2023`` (stated figures only).

Section III of the Informe Ejecutivo must reproduce design/reference/stated-counts-2024.csv (copied
to tests/golden/informe_ejecutivo_2024/) cell by cell; the headline figures are those listed in
design/reference/stated-counts-notes.md. Golden fixtures pin the wording variants and layout traps.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.errors import ReportFormatError
from ingest.layouts import infografia_2023, informe_ejecutivo_2024
from ingest.records import ParsedReport, ReportInfo, StatedStatistic
from ingest.text import Line
from tests.golden import GOLDEN_DIR, check_golden, load_fixture, parse_layout

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
STATED_COUNTS = GOLDEN_DIR / "informe_ejecutivo_2024" / "stated-counts-2024.csv"
CSV_COLUMNS = {
    "total": None,
    "apf": "APF",
    "entidades": "ENTIDAD_FEDERATIVA",
    "poder_judicial": "PODER_JUDICIAL",
    "oca": "OCA",
    "osc": "OSC",
    "poder_legislativo": "PODER_LEGISLATIVO",
}
FIXTURES_2024 = sorted((GOLDEN_DIR / "informe_ejecutivo_2024").glob("*.txt"))
FIXTURES_2023 = sorted((GOLDEN_DIR / "infografia_2023").glob("*.txt"))


@pytest.fixture(scope="module")
def ie2024() -> tuple[ReportInfo, list[Line], ParsedReport]:
    return parse_layout("informe_ejecutivo_2024")


@pytest.fixture(scope="module")
def inf2023() -> tuple[ReportInfo, list[Line], ParsedReport]:
    return parse_layout("infografia_2023")


def _index(stats: tuple[StatedStatistic, ...] | list[StatedStatistic]) -> dict[tuple, tuple[float, int]]:
    """(key, qualifiers) → (value, line); a key stated twice must not be silently overwritten."""
    out: dict[tuple, tuple[float, int]] = {}
    for s in stats:
        ident = (s.key, s.qualifiers)
        assert ident not in out, ident
        out[ident] = (s.value, s.source.line_start)
    return out


def _q(**quals: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(quals.items()))


# --- Informe Ejecutivo 2024 ---------------------------------------------------------------------


def test_section_three_reproduces_the_csv(ie2024) -> None:
    stats = [s for s in ie2024[2].statistics if s.qualifier("section") == "III"]
    got = {}
    for s in stats:
        assert s.key == "actions" and s.unit == "count" and s.report == "2024-informe-ejecutivo"
        got[(s.qualifier("objective"), s.qualifier("actor_type"))] = (int(s.value), s.source.line_start)
    expected = {}
    with STATED_COUNTS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 23
    for row in rows:
        for column, actor_type in CSV_COLUMNS.items():
            if row[column]:
                expected[(row["objective"], actor_type)] = (int(row[column]), int(row["source_line"]))
    assert got == expected
    assert len(got) == 87


def test_section_three_parts_add_up(ie2024) -> None:
    assert not [n for n in ie2024[2].notes if "parts" in n]


@pytest.mark.parametrize(
    ("key", "quals", "value", "line"),
    [
        ("actions", {"section": "II"}, 379, 103),
        ("participants_excluding_states", {"section": "II"}, 48, 103),
        ("participants", {"actor_type": "ENTIDAD_FEDERATIVA", "section": "II"}, 22, 103),
        ("actions", {"section": "IV"}, 379, 411),
        ("participants", {"actor_type": "APF", "section": "IV"}, 38, 411),
        ("participants", {"actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 22, 411),
        ("participants", {"actor_type": "PODER_JUDICIAL", "section": "IV"}, 2, 411),
        ("participants", {"actor_type": "OCA", "section": "IV"}, 5, 411),
        ("participants", {"actor_type": "OSC", "section": "IV"}, 4, 411),
        ("actions", {"actor_type": "APF", "section": "IV"}, 183, 413),
        ("actions", {"actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 151, 413),
        ("actions", {"actor_type": "PODER_JUDICIAL", "section": "IV"}, 7, 413),
        ("actions", {"actor_type": "PODER_LEGISLATIVO", "section": "IV"}, 6, 413),
        ("actions", {"actor_type": "OCA", "section": "IV"}, 13, 413),
        ("actions", {"actor_type": "OSC", "section": "IV"}, 6, 413),
        ("actions", {"objective": "19", "section": "IV"}, 3, 424),
        ("actions", {"objective": "11", "section": "IV"}, 4, 424),
        ("actions", {"objective": "12", "section": "IV"}, 4, 424),
        ("actions", {"objective": "18", "section": "IV"}, 4, 424),
        ("actions", {"objective": "22", "section": "IV"}, 4, 424),
        ("actions", {"objective": "4", "actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 27, 454),
        ("actions", {"objective": "10", "actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 22, 454),
        ("actions", {"objective": "7", "actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 17, 454),
        ("actions", {"objective": "15", "actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 17, 454),
        ("actions", {"objective": "13", "actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 0, 456),
        ("actions", {"objective": "20", "actor_type": "ENTIDAD_FEDERATIVA", "section": "IV"}, 0, 456),
        ("actions", {"actor_type": "PODER_JUDICIAL", "institution": "IFDP", "section": "IV"}, 4, 465),
        ("objectives_covered", {"actor_type": "PODER_JUDICIAL", "institution": "IFDP", "section": "IV"}, 4, 465),
        ("actions", {"actor_type": "PODER_JUDICIAL", "institution": "SCJN", "section": "IV"}, 7, 465),
        ("actions", {"actor_type": "OCA", "section": "IV"}, 14, 480),
        ("objectives_covered", {"actor_type": "OCA", "section": "IV"}, 6, 480),
        ("participants", {"actor_type": "OSC", "section": "IV"}, 5, 491),
        ("actions", {"actor_type": "OSC", "section": "IV"}, 21, 491),
        ("challenges", {"section": "IV"}, 326, 541),
        ("challenge_categories", {"section": "IV"}, 14, 541),
        ("challenge_category_count", {"category": "falta-recursos", "section": "IV"}, 58, 541),
        ("challenge_category_count", {"category": "capacitacion-servidores-publicos", "section": "IV"}, 56, 543),
        ("challenge_category_count", {"category": "coordinacion-interinstitucional", "section": "IV"}, 55, 547),
    ],
)
def test_headline_counts(ie2024, key: str, quals: dict[str, str], value: int, line: int) -> None:
    matches = [
        s for s in ie2024[2].statistics if s.key == key and s.qualifiers == _q(**quals) and s.source.line_start == line
    ]
    assert [(s.value, s.unit) for s in matches] == [(float(value), "count")]


def test_the_report_contradicts_itself_and_both_figures_are_kept(ie2024) -> None:
    """Line 413 says OCA 13 and OSC 6, lines 480 and 491 say 14 and 21: both are stated, each with its line."""
    oca = sorted(
        (s.value, s.source.line_start)
        for s in ie2024[2].statistics
        if s.key == "actions" and s.qualifiers == _q(actor_type="OCA", section="IV")
    )
    assert oca == [(13.0, 413), (14.0, 480)]


def test_shares(ie2024) -> None:
    shares = {
        (s.key, s.qualifier("population")): (s.value, s.unit, s.source.line_start)
        for s in ie2024[2].statistics
        if s.unit == "percent"
    }
    assert shares == {
        ("population_share", "extranjeros"): (54.0, "percent", 506),
        ("population_share", "mexicanos-exterior"): (20.0, "percent", 506),
        ("population_share", "retornados"): (10.0, "percent", 506),
        ("population_share", "no-especificado"): (16.0, "percent", 506),
        ("gender_focus_share", None): (25.0, "percent", 518),
        ("disability_focus_share", None): (64.0, "percent", 531),
    }
    assert sum(v for (k, _), (v, _, _) in shares.items() if k == "population_share") == 100


def test_glossary_categories(ie2024) -> None:
    cats = ie2024[2].categories
    assert len(cats) == 20
    slugs = [c.slug for c in cats]
    assert len(set(slugs)) == 20 and "otros" not in slugs
    assert set(slugs) == set(informe_ejecutivo_2024.CATEGORY_SLUGS.values())
    first, last = cats[0], cats[-1]
    assert (first.slug, first.label, first.source.line_start, first.source.line_end) == (
        "ampliacion-cobertura",
        "Ampliación de la cobertura de los programas y acciones",
        597,
        599,
    )
    assert last.slug == "seguimiento-tramites-poblacion" and last.source.line_end == 683
    indicators = next(c for c in cats if c.slug == "falta-indicadores")
    assert "actores" in indicators.definition and "¹" not in indicators.definition
    assert not any("CONEVAL" in c.label or "CONEVAL" in c.definition for c in cats)  # footnote at 655
    assert next(c for c in cats if c.slug == "informacion-sobre-la-materia").label.startswith("Obtención, uso y uso")
    assert all(c.definition.endswith(".") and len(c.definition) > len(c.label) for c in cats)


@pytest.mark.parametrize(("cut", "expected"), [(200, "OBJETIVO"), (300, "OBJETIVO"), (500, "VI."), (640, "colophon")])
def test_informe_truncated_raises_near_the_cut(ie2024, cut: int, expected: str) -> None:
    info, lines, _ = ie2024
    with pytest.raises(ReportFormatError) as err:
        informe_ejecutivo_2024.parse(lines[:cut], info)
    assert cut - 10 <= err.value.line <= cut
    assert expected in err.value.expected


def test_informe_without_objectives_raises(ie2024) -> None:
    info, lines, _ = ie2024
    no_objectives = [ln for ln in lines if not ln.text.startswith("OBJETIVO")]
    with pytest.raises(ReportFormatError, match="OBJETIVO 1"):
        informe_ejecutivo_2024.parse(no_objectives, info)


@pytest.mark.parametrize(
    ("line", "total", "counts"),
    [
        (153, 28, {"APF": 12, "ENTIDAD_FEDERATIVA": 11, "PODER_JUDICIAL": 3, "OSC": 2}),  # "(11) Poder Judicial (3)"
        (209, 46, {"APF": 27, "ENTIDAD_FEDERATIVA": 17, "PODER_JUDICIAL": 1, "OCA": 1}),  # "27 corresponden a"
        (229, 7, {"APF": 4, "ENTIDAD_FEDERATIVA": 2, "OCA": 1}),  # "4, 2 y 1, respectivamente"
        (263, 4, {"APF": 3, "ENTIDAD_FEDERATIVA": 1}),  # "y por (1) entidad federativa"
        (311, 14, {"APF": 6, "ENTIDAD_FEDERATIVA": 7, "OCA": 1}),  # types named first, numbers later
        (339, 5, {"ENTIDAD_FEDERATIVA": 5}),  # "todas llevadas a cabo por las entidades federativas"
        (345, 5, {"OCA": 1, "ENTIDAD_FEDERATIVA": 4}),  # "1 acción ... y 4 acciones más ... total de 5"
        (355, 4, {"APF": 3, "ENTIDAD_FEDERATIVA": 1}),  # "3 de ellas ... y una por una entidad federativa"
    ],
)
def test_count_sentence_variants(ie2024, line: int, total: int, counts: dict[str, int]) -> None:
    text = ie2024[1][line - 1].text
    assert informe_ejecutivo_2024.count_sentence(text) == (total, counts)


# --- Infografía 2023 ----------------------------------------------------------------------------


def test_infografia_headline_figures(inf2023) -> None:
    got = _index(inf2023[2].statistics)
    assert got == {
        ("actions", _q(year="2023")): (356.0, 20),
        ("actions", _q(year="2022")): (346.0, 35),
        ("actions_share", _q(objectives="1,7,15", year="2023")): (36.51, 39),
        ("actions", _q(objectives="1,7,15", year="2023")): (130.0, 39),
        ("actions", _q(actor_type="ENTIDAD_FEDERATIVA", year="2022")): (118.0, 100),
        ("actions", _q(actor_type="ENTIDAD_FEDERATIVA", year="2023")): (151.0, 101),
        ("participants", _q(year="2023")): (60.0, 104),
        ("participants", _q(actor_type="APF", year="2023")): (32.0, 104),
        ("participants", _q(actor_type="ENTIDAD_FEDERATIVA", year="2023")): (16.0, 105),
        ("participants", _q(actor_type="OCA", year="2023")): (5.0, 106),
        ("participants", _q(actor_type="PODER_LEGISLATIVO", year="2023")): (2.0, 106),
        ("participants", _q(actor_type="PODER_JUDICIAL", year="2023")): (1.0, 107),
        ("participants", _q(actor_type="OSC", year="2023")): (4.0, 108),
        ("gender_focus_share", _q(year="2023")): (23.0, 165),
    }
    parts = sum(
        s.value for s in inf2023[2].statistics if s.key == "participants" and s.qualifier("actor_type") is not None
    )
    assert parts == 60
    units = {s.key: s.unit for s in inf2023[2].statistics}
    assert units["actions_share"] == units["gender_focus_share"] == "percent" and units["participants"] == "count"


def test_infografia_actions_are_its_side_boxes(inf2023) -> None:
    report = inf2023[2]
    assert report.info.kind == "summary" and report.goals == ()
    # five boxes (corpus-formats.md); "2x1 para Migrantes" is reported by two state governments: one action each
    assert [(a.chapter, a.source.line_start) for a in report.actions] == [
        ("apf", 52), ("apf", 68), ("ef", 116), ("ef", 116), ("osc", 131), ("pj", 182)
    ]  # fmt: skip
    assert all(a.objective == 0 for a in report.actions)  # placed later, from the other editions


def test_infografia_acronyms_are_upper_cased(inf2023) -> None:
    quotes = " ".join(s.source.quote for s in inf2023[2].statistics)
    assert "APF" in quotes and "OSC" in quotes and " apf" not in quotes and " osc" not in quotes


@pytest.mark.parametrize("cut", [30, 102, 150])
def test_infografia_truncated_raises_near_the_cut(inf2023, cut: int) -> None:
    info, lines, _ = inf2023
    with pytest.raises(ReportFormatError) as err:
        infografia_2023.parse(lines[:cut], info)
    assert err.value.line == cut


def test_infografia_empty_raises(inf2023) -> None:
    with pytest.raises(ReportFormatError):
        infografia_2023.parse([Line(1, "")], inf2023[0])


# --- golden fixtures ----------------------------------------------------------------------------


def _check_lines(meta: dict[str, str], fixture_lines: list[Line], lines: list[Line]) -> None:
    first = int(meta["first_line"])
    assert [ln.text for ln in fixture_lines] == [ln.text for ln in lines[first - 1 : first - 1 + len(fixture_lines)]]


def test_fixture_sets_are_complete() -> None:
    assert len(FIXTURES_2024) >= 7 and len(FIXTURES_2023) >= 4


@pytest.mark.parametrize("fixture", FIXTURES_2024, ids=lambda p: p.stem)
def test_golden_informe(fixture: Path, ie2024) -> None:
    info, lines, report = ie2024
    meta, fixture_lines = load_fixture(fixture)
    _check_lines(meta, fixture_lines, lines)
    part = meta["part"]
    if part == "objectives":
        first = int(meta.get("first_objective", "1"))
        records: dict[str, list] = {
            "statistics": informe_ejecutivo_2024.objective_statistics(fixture_lines, info, first)
        }
    elif part == "analysis":
        records = {"statistics": informe_ejecutivo_2024.analysis_statistics(fixture_lines, info)}
    else:
        records = {"categories": informe_ejecutivo_2024.glossary_categories(fixture_lines, info)}
    check_golden(fixture, records)
    # a fragment gives the same records as the whole report
    whole = set(report.statistics) | set(report.categories)
    for record in records.get("statistics", []) + records.get("categories", []):
        assert record in whole, record


@pytest.mark.parametrize("fixture", FIXTURES_2023, ids=lambda p: p.stem)
def test_golden_infografia(fixture: Path, inf2023) -> None:
    info, lines, report = inf2023
    meta, fixture_lines = load_fixture(fixture)
    _check_lines(meta, fixture_lines, lines)
    records = {
        "statistics": infografia_2023.statistics(fixture_lines, info),
        "highlights": infografia_2023.highlights(fixture_lines, info),
    }
    check_golden(fixture, records)
    for record in records["statistics"]:
        assert record in report.statistics, record


def test_each_parser_rejects_the_other_layout(ie2024, inf2023) -> None:
    info_2024, lines_2024, _ = ie2024
    info_2023, lines_2023, _ = inf2023
    with pytest.raises(ReportFormatError):
        informe_ejecutivo_2024.parse(lines_2023, info_2024)
    with pytest.raises(ReportFormatError):
        infografia_2023.parse(lines_2024, info_2023)
