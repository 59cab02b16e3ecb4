"""Tests for the layouts ``compendio_2020`` (Compendio General 2020) and ``informe_2018`` (2018 report).

Each real report is parsed once per module. Golden fixtures cut verbatim from the corpus pin the
layout traps listed in design/corpus-formats.md; a fragment must parse exactly like the same lines
inside the whole report.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.errors import ReportFormatError
from ingest.layouts import compendio_2020, informe_2018
from ingest.records import Action, ParsedReport, ReportInfo
from ingest.text import Line
from tests.golden import GOLDEN_DIR, check_golden, load_fixture, parse_layout

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FIXTURES_2020 = sorted((GOLDEN_DIR / "compendio_2020").glob("*.txt"))
FIXTURES_2018 = sorted((GOLDEN_DIR / "informe_2018").glob("*.txt"))
MARKUP = re.compile(r"\*\*|<sup>|</?b>|^#|^---$|^- ", re.MULTILINE)


@pytest.fixture(scope="module")
def c2020() -> tuple[ReportInfo, list[Line], ParsedReport]:
    return parse_layout("compendio_2020")


@pytest.fixture(scope="module")
def i2018() -> tuple[ReportInfo, list[Line], ParsedReport]:
    return parse_layout("informe_2018")


def _by_key(report: ParsedReport) -> dict[str, Action]:
    return {a.key: a for a in report.actions}


def _consecutive_per_objective(actions: tuple[Action, ...]) -> dict[int, list[int]]:
    numbers: dict[int, list[int]] = {}
    for a in actions:
        numbers.setdefault(a.objective, []).append(a.number)
    for objective, found in numbers.items():
        assert found == list(range(1, len(found) + 1)), objective
    return numbers


# --- compendio 2020: whole report ---------------------------------------------------------------


def test_2020_counts(c2020) -> None:
    _, lines, report = c2020
    assert len(report.actions) == 176
    numbers = _consecutive_per_objective(report.actions)
    assert sorted(numbers) == [n for n in range(1, 24) if n != 22]  # objective 22 has no action
    assert len(numbers[1]) == 18 and len(numbers[13]) == 1 and len(numbers[10]) == 7
    assert "objectives without actions: 22" in report.notes
    assert len({a.key for a in report.actions}) == 176


def test_2020_results_and_retos_blocks(c2020) -> None:
    """Every Resultados / Retos heading of the file lands in exactly one action (171 and 142)."""
    _, lines, report = c2020
    results_lines = sum(1 for ln in lines if compendio_2020.RESULTS_RX.match(ln.text))
    retos_lines = sum(1 for ln in lines if compendio_2020.CHALLENGES_RX.match(ln.text))
    assert (results_lines, retos_lines) == (171, 142)
    assert sum(a.has_results for a in report.actions) == results_lines
    assert sum(1 for a in report.actions if a.challenges or a.no_challenges_reported) == retos_lines
    assert sum(len(a.challenges) for a in report.actions) == 207


def test_2020_actions_without_blocks(c2020) -> None:
    actions = _by_key(c2020[2])
    for key in ("2020-apf-o10-01", "2020-apf-o10-02"):
        a = actions[key]
        assert (a.has_results, a.results, a.challenges) == (False, "", ())
    first = actions["2020-apf-o10-01"]  # the next list item follows at once: the heading stands for the text
    assert first.description == first.title and first.derivation[0][0] == "description"
    assert actions["2020-apf-o10-02"].description.startswith("Se ha elaborado una propuesta de Guía")
    webinar = actions["2020-apf-o10-03"]
    assert webinar.has_results and len(webinar.challenges) == 2 and webinar.actor_text == "IMJUVE"
    alone = actions["2020-apf-o13-01"]
    assert alone.has_results and alone.challenges == () and not alone.no_challenges_reported


@pytest.mark.parametrize(
    ("key", "actor", "title_end"),
    [
        ("2020-apf-o11-02", "SHCP/SAT", "Estrategia “Somos Mexicanos”"),
        ("2020-apf-o01-14", "CONACyT", "líneas de investigación institucionales"),
        ("2020-apf-o01-13", "CONACYT", "(PIMSA)"),
        ("2020-apf-o16-13", "SRE", "Ventanilla de Atención Integral para la Mujer (VAIM)"),
        ("2020-apf-o07-15", "SRE", "(MCLAP, por sus siglas en inglés)"),
        ("2020-apf-o15-16", "SEMARNAT/CONAGUA", "caravana de migrantes"),
        ("2020-apf-o03-07", "INPI", "(SRCI)//Ecos Indígenas"),
        ("2020-apf-o21-08", "SRE", "Mesoamérica-Caribe – Organización Internacional para las Migraciones (OIM)"),
        ("2020-apf-o23-05", "", "en el marco del Plan Estratégico 2019-2022"),
        ("2020-apf-o07-03", "UPMRIP", "Visitante por Razones Humanitarias"),
        ("2020-apf-o02-05", "IMTA", "Capacitación nacional e internacional sobre sequía"),
    ],
)
def test_2020_actor_is_the_last_parentheses(c2020, key: str, actor: str, title_end: str) -> None:
    a = _by_key(c2020[2])[key]
    assert a.actor_text == actor
    assert a.title.endswith(title_end)


def test_2020_chapters(c2020) -> None:
    report = c2020[2]
    assert Counter(a.chapter for a in report.actions) == {"apf": 173, "oca": 3}
    assert {a.actor_text for a in report.actions if a.chapter == "oca"} == {"INE"}
    assert [a.key for a in report.actions if not a.actor_text] == ["2020-apf-o23-05"]


def test_2020_text_is_clean(c2020) -> None:
    for a in c2020[2].actions:
        for text in (a.title, a.description, a.results, *(c.text for c in a.challenges)):
            assert not MARKUP.search(text), (a.key, text[:80])
            assert "<http" not in text or a.key in ("2020-apf-o01-09", "2020-apf-o01-10"), a.key
        assert a.title and a.title == a.title.strip()


def test_2020_spans(c2020) -> None:
    _, lines, report = c2020
    previous_end = 0
    for a in report.actions:
        assert previous_end < a.source.line_start <= a.source.line_end
        previous_end = a.source.line_end
        assert re.search(rf"\b{a.number}\.", lines[a.source.line_start - 1].text)
        for c in a.challenges:
            assert a.source.line_start < c.source.line_start <= c.source.line_end <= a.source.line_end


def test_2020_numbered_retos_across_a_page_break(c2020) -> None:
    emif = _by_key(c2020[2])["2020-apf-o01-06"]
    assert [c.source.line_start for c in emif.challenges] == [169, 170, 179]
    assert (
        emif.challenges[2].text == "Asegurar los recursos anuales para el levantamiento y procesamiento de la Encuesta."
    )
    assert "Para mayor información" not in " ".join(c.text for c in emif.challenges)


def test_2020_list_with_intro_and_outro(c2020) -> None:
    conadic = _by_key(c2020[2])["2020-apf-o07-11"]
    assert len(conadic.challenges) == 9
    assert not any(c.text.startswith(("En el ámbito", "Estos retos")) for c in conadic.challenges)


def test_2020_subheadings_are_not_actions(c2020) -> None:
    report = c2020[2]
    assert not any(a.title in ("2019", "2020 (Enero-Julio)") for a in report.actions)
    trata = _by_key(report)["2020-apf-o10-05"]
    assert trata.source.line_start == 1753 and trata.source.line_end >= 1789
    assert "Taller Formador de Formadores:" in trata.description + trata.results


@pytest.mark.parametrize("cut", [400, 1800, 3210])
def test_2020_truncated_raises_near_the_cut(c2020, cut: int) -> None:
    info, lines, _ = c2020
    with pytest.raises(ReportFormatError) as err:
        compendio_2020.parse(lines[:cut], info)
    assert cut - 5 <= err.value.line <= cut
    assert "Objetivo" in err.value.expected


def test_2020_no_objective_headings_raises(c2020) -> None:
    info, lines, _ = c2020
    with pytest.raises(ReportFormatError, match="Objetivo"):
        compendio_2020.parse(lines[:45], info)


def test_2020_objective_out_of_sequence_raises(c2020) -> None:
    info, lines, _ = c2020
    without_objective_2 = [ln for ln in lines if ln.number != 375]
    with pytest.raises(ReportFormatError) as err:
        compendio_2020.parse(without_objective_2, info)
    assert err.value.line == 508 and "Objetivo 2" in err.value.expected


# --- informe 2018: whole report -----------------------------------------------------------------


def test_2018_counts(i2018) -> None:
    report = i2018[2]
    assert len(report.actions) == 183
    assert len(report.goals) == 50
    numbers = _consecutive_per_objective(report.actions)
    assert sorted(numbers) == list(range(1, 24))
    assert len(numbers[13]) == 1 and len(numbers[10]) == 12
    goal_objectives = {g.objective for g in report.goals}
    assert goal_objectives == set(range(1, 24)) - {9, 13}
    for objective in goal_objectives:
        ranks = [g.number for g in report.goals if g.objective == objective]
        assert ranks == list(range(1, len(ranks) + 1))


def test_2018_action_fields(i2018) -> None:
    for a in i2018[2].actions:
        assert a.actor_text == "" and a.chapter == "apf" and a.edition == 2018
        assert not a.has_results and a.results == "" and a.challenges == ()
        assert 10 <= len(a.title) <= 121, a.key
        assert a.description.startswith(a.title.rstrip("…"))
        assert a.source.line_start <= a.source.line_end


def test_2018_bullet_traps(i2018) -> None:
    starts = {a.source.line_start for a in i2018[2].actions}
    assert {1455, 2618, 2636} <= starts  # the three bullets that kept their ● glyph
    assert {1328, 2054, 3600, 674} <= starts  # page starts (two spaces) opening a paragraph
    assert not {380, 226, 1953, 1956, 2029, 2032} & starts  # mid-sentence page starts, yearly figures
    assert {2666, 2680, 3333, 3422} <= starts  # bullets after the futuro list


def test_2018_year_subheaders_fold_into_one_bullet(i2018) -> None:
    inm = _by_key(i2018[2])["2018-apf-o10-07"]
    assert (inm.source.line_start, inm.source.line_end) == (1928, 2033)
    years = [ln[:4] for ln in inm.description.split("\n") if re.match(r"20\d\d ", ln)]
    assert years == ["2012", "2013", "2014", "2015", "2016", "2017"]
    assert "evadió el procedimiento. Se realizaron 643" not in inm.description  # page number 30 skipped
    assert "\n30\n" not in inm.description and " 30 Se realizaron" not in inm.description


def test_2018_noise_removed(i2018) -> None:
    text = "\n".join(a.description for a in i2018[2].actions)
    assert "Programa Especial de Migración 2014-2018 pag. 28" not in text
    assert "generar y publicar la estadística oficial" in text  # joined across the footnote
    assert "La Expo de Pueblos Indígenas ha realizado 7 ediciones" in text


def test_2018_goals(i2018) -> None:
    goals = i2018[2].goals
    first = goals[0]
    assert (first.objective, first.number, first.source.line_start) == (1, 1, 333)
    assert first.text.startswith("Sistematizar la información obtenida")
    security = next(g for g in goals if g.objective == 2)
    assert security.text.endswith(
        "Lo anterior bajo una perspectiva de responsabilidad compartida y respeto a los derechos humanos."
    )
    assert all(not g.text.startswith(("o ", "1.", "●")) for g in goals)


@pytest.mark.parametrize("cut", [900, 2100, 3600])
def test_2018_truncated_raises_near_the_cut(i2018, cut: int) -> None:
    info, lines, _ = i2018
    with pytest.raises(ReportFormatError) as err:
        informe_2018.parse(lines[:cut], info)
    assert cut - 5 <= err.value.line <= cut


def test_2018_no_objective_heading_raises(i2018) -> None:
    info, lines, _ = i2018
    with pytest.raises(ReportFormatError, match="Objetivo"):
        informe_2018.parse(lines[:170], info)


# --- golden fixtures ----------------------------------------------------------------------------


def _check_fixture(fixture: Path, lines: list[Line], report: ParsedReport, records: dict[str, list]) -> None:
    meta, fixture_lines = load_fixture(fixture)
    first = int(meta["first_line"])
    assert [ln.text for ln in fixture_lines] == [ln.text for ln in lines[first - 1 : first - 1 + len(fixture_lines)]]
    check_golden(fixture, records)
    last = fixture_lines[-1].number
    full = _by_key(report)
    for action in records["actions"]:
        whole = full[action.key]
        if whole.source.line_end <= last:  # a fragment parses like the same lines inside the report
            assert action == whole, action.key
    goals = {(g.objective, g.number): g for g in report.goals}
    for goal in records.get("goals", ()):
        if goals[(goal.objective, goal.number)].source.line_end <= last:
            assert goal == goals[(goal.objective, goal.number)]


def test_fixture_sets_are_complete() -> None:
    assert len(FIXTURES_2020) >= 15 and len(FIXTURES_2018) >= 12


@pytest.mark.parametrize("fixture", FIXTURES_2020, ids=lambda p: p.stem)
def test_golden_2020(fixture: Path, c2020) -> None:
    info, lines, report = c2020
    meta, fixture_lines = load_fixture(fixture)
    actions, objectives = compendio_2020.parse_actions(
        fixture_lines,
        info,
        objective=int(meta["objective"]) if "objective" in meta else None,
        first_number=int(meta.get("first_number", "1")),
    )
    _check_fixture(fixture, lines, report, {"actions": actions, "objectives": objectives})


@pytest.mark.parametrize("fixture", FIXTURES_2018, ids=lambda p: p.stem)
def test_golden_2018(fixture: Path, i2018) -> None:
    info, lines, report = i2018
    meta, fixture_lines = load_fixture(fixture)
    items = informe_2018.parse_items(
        fixture_lines,
        info,
        objective=int(meta["objective"]) if "objective" in meta else None,
        first_number=int(meta.get("first_number", "1")),
    )
    _check_fixture(fixture, lines, report, {"actions": items.actions, "goals": items.goals})


def test_each_parser_rejects_the_other_layout(c2020, i2018) -> None:
    info_2020, lines_2020, _ = c2020
    info_2018, lines_2018, _ = i2018
    with pytest.raises(ReportFormatError, match="Objetivo"):
        compendio_2020.parse(lines_2018, info_2020)
    with pytest.raises(ReportFormatError, match="Objetivo"):
        informe_2018.parse(lines_2020, info_2018)
