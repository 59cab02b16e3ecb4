"""Layout of the 2018 *Informe de acciones* (the report before the Compact's adoption).

No numbered actions, no actors, no results: under each ``Objetivo N.`` heading the report has
narrative bullet paragraphs whose glyph was lost in extraction, then ``Objetivos a futuro`` with
``o`` / ``N.`` items. One candidate action is made per top-level bullet paragraph, and one
:class:`StatedGoal` per "futuro" item (see ``corpus-formats.md``, 2018 section).

A top-level bullet is a line of one space + a capital letter (or a surviving ``●``) that follows
a blank line and a line ending in ``.`` or ``:``. That excludes the page starts that also begin
with one space (`` publicar la estadística…``, `` Pueblos Indígenas ha realizado…``). The text
is double-spaced. In objective 10 the year sub-headers `` 2012`` … `` 2017`` carry three
bullets each with the yearly figures of one INM programme; they are folded into the bullet that
introduces them, up to the first bullet after a paragraph break that is not a page break.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.errors import ReportFormatError
from ingest.records import Action, ParsedReport, ReportInfo, SourceSpan, StatedGoal
from ingest.text import Line, clean, drop_matching, join_wrapped, quote_of

OBJECTIVE_RX = re.compile(r"^\s?Objetivo (\d{1,2})\.\s+(\S.*)$")
FUTURE_RX = re.compile(r"^\s*Objetivos a futuro\s*$")
END_RX = re.compile(r"^\s*Retos y Conclusiones\s*$")
_CAPITAL = r"(?=[A-ZÁÉÍÓÚÑ¿“\"])"
BULLET_RX = re.compile(rf"^(?: |\s?●\s*){_CAPITAL}")
PAGE_START_BULLET_RX = re.compile(rf"^  {_CAPITAL}")  # a page that starts with a new bullet
GLYPH_RX = re.compile(r"^\s*●\s*")
YEAR_RX = re.compile(r"^\s(\d{4})\s*$")
GOAL_ITEM_RX = re.compile(r"^\s*(?:o|\d{1,2}\.|●)\s+(?=\S)")
SUB_ITEM_RX = re.compile(r"^\s*o\s+")
FOOTNOTE_START_RX = re.compile(r"^ {20,}$")
PAGE_START_RX = re.compile(r"^ \S")

LAST_OBJECTIVE = 23
TITLE_MAX = 120


def _drop_footnotes(lines: Sequence[Line]) -> list[Line]:
    """Drop footnote blocks: a line of spaces, the notes and their URLs, up to the next page start."""
    out: list[Line] = []
    in_note = False
    for ln in lines:
        if FOOTNOTE_START_RX.match(ln.text):
            in_note = True
            continue
        if in_note and not PAGE_START_RX.match(ln.text):
            continue
        in_note = False
        out.append(ln)
    return out


CLEANING_STEPS = (
    ("footnotes", _drop_footnotes),
    ("page numbers", drop_matching(r"^\s*\d{1,3}\s*$")),
)


@dataclass(slots=True)
class _Item:
    """The lines of one bullet (or goal) while it is being read."""

    objective: int
    lines: list[Line] = field(default_factory=list)
    breaks: set[int] = field(default_factory=set)  # line numbers that start a new segment


def _title(text: str) -> str:
    """The first sentence of a paragraph, shortened at a word boundary to about 120 characters."""
    m = re.search(r"(?<![A-Z])(?<!\b[a-z])[.:;](?=\s+[A-ZÁÉÍÓÚÑ¿“\"])", text)
    sentence = (text[: m.start()] if m else text).rstrip(".:; ")
    if len(sentence) <= TITLE_MAX:
        return sentence.strip()
    cut = sentence[: TITLE_MAX - 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,;:") + "…"


def _render(item: _Item) -> str:
    """The item's text: wrapped lines joined, one line per paragraph, sub-item or year block."""
    segments: list[list[Line]] = []
    for ln in item.lines:
        if not segments or ln.number in item.breaks:
            segments.append([])
        segments[-1].append(Line(ln.number, GLYPH_RX.sub(" ", ln.text) if ln is item.lines[0] else ln.text))
    return "\n".join(t for t in (join_wrapped(s) for s in segments) if t)


def _last_text_line(item: _Item) -> int:
    return max(ln.number for ln in item.lines if not ln.blank)


@dataclass(slots=True)
class Items:
    """What :func:`parse_items` read: actions, goals, the last objective and whether the end marker came."""

    actions: list[Action]
    goals: list[StatedGoal]
    objective: int | None
    ended: bool


def parse_items(
    lines: Sequence[Line],
    info: ReportInfo,
    objective: int | None = None,
    first_number: int = 1,
    in_future: bool = False,
) -> Items:
    """Bullets and "futuro" items of a run of lines, with no completeness check.

    ``objective``, ``first_number`` (the rank of the first bullet) and ``in_future`` give the context
    of a fragment that starts inside an objective (golden fixtures). A fragment is taken to start at
    a paragraph boundary.
    """
    kept = clean(lines, CLEANING_STEPS)
    file = info.file
    context = objective
    in_years = False
    ended = False
    in_heading = False
    actions: list[_Item] = []
    goals: list[_Item] = []
    current: _Item | None = None
    prev_text = "."  # the last non-blank line
    blank_run: list[Line] = []
    prev_number = 0
    for ln in kept:
        if ln.blank:
            blank_run.append(ln)
            continue
        page_break = ln.number - prev_number > 1 + len(blank_run)  # a dropped page number or footnote
        separated = bool(blank_run) or prev_number == 0  # a fragment starts at a paragraph boundary
        paragraph_break = any(b.text for b in blank_run)  # a line holding only a space
        blank_run = []
        prev_number = ln.number
        if END_RX.match(ln.text):
            ended = True
            break
        m_obj = OBJECTIVE_RX.match(ln.text)
        if m_obj:
            number = int(m_obj.group(1))
            expected = (objective or 0) + 1
            if number != expected:
                raise ReportFormatError(file, ln.number, f"Objetivo {expected}.", ln.text.strip())
            objective, in_future, in_years, current = number, False, False, None
            in_heading = not ln.text.rstrip().endswith(".")
            prev_text = ln.text
            continue
        if objective is None:
            continue
        if in_heading and not BULLET_RX.match(ln.text):
            in_heading = not ln.text.rstrip().endswith(".")  # the wrapped title of the objective
            prev_text = ln.text
            continue
        in_heading = False
        if FUTURE_RX.match(ln.text):
            in_future, in_years, current = True, False, None
            prev_text = ln.text
            continue
        ends_sentence = prev_text.rstrip().endswith((".", ":"))
        is_bullet = ends_sentence and (
            (BULLET_RX.match(ln.text) is not None and separated) or PAGE_START_BULLET_RX.match(ln.text) is not None
        )
        if in_future and GOAL_ITEM_RX.match(ln.text) and not ln.text.startswith(" o "):
            current = _Item(objective)
            goals.append(current)
            current.lines.append(ln)
        elif in_future and not is_bullet:
            if current is not None:
                current.lines.append(ln)
        elif YEAR_RX.match(ln.text) and current is not None:
            in_years = True
            current.lines.append(ln)
            current.breaks.add(ln.number)
        elif is_bullet:
            in_future = False  # narrative bullets may follow the "futuro" list
            if in_years and (page_break or not paragraph_break):
                current.lines.append(ln)  # a yearly figure of the programme above
                current.breaks.add(ln.number)
            else:
                in_years = False
                current = _Item(objective, [ln])
                actions.append(current)
        elif current is not None:
            if SUB_ITEM_RX.match(ln.text) or (paragraph_break and not page_break and not ln.text[:1].islower()):
                current.breaks.add(ln.number)
            current.lines.append(ln)
        prev_text = ln.text
    offset = {context: first_number - 1} if context is not None else {}
    return Items(
        actions=[_to_action(item, rank, info) for item, rank in _ranked(actions, offset)],
        goals=[_to_goal(item, rank, info) for item, rank in _ranked(goals, {})],
        objective=objective,
        ended=ended,
    )


def parse(lines: list[Line], info: ReportInfo) -> ParsedReport:
    """Candidate actions (one per top-level bullet) and stated goals of the 2018 report."""
    items = parse_items(lines, info)
    last_line = lines[-1].number if lines else 1
    if items.objective is None:
        raise ReportFormatError(info.file, last_line, "an 'Objetivo N.' heading", "no objective heading in the file")
    if items.objective != LAST_OBJECTIVE:
        raise ReportFormatError(info.file, last_line, f"Objetivo {items.objective + 1}.", "end of file")
    if not items.ended:
        raise ReportFormatError(info.file, last_line, "'Retos y Conclusiones' after the last objective", "end of file")
    return ParsedReport(
        info=info,
        actions=tuple(items.actions),
        goals=tuple(items.goals),
        notes=(
            "actions are candidate bullet paragraphs; actors are not printed (inferred by enrichment)",
            f"{len(items.actions)} bullet paragraphs, {len(items.goals)} 'Objetivos a futuro' items",
        ),
    )


def _ranked(items: list[_Item], offset: dict[int, int]) -> list[tuple[_Item, int]]:
    """Each item with its rank (1-based, plus ``offset`` for the objective) within its objective."""
    out = []
    rank: dict[int, int] = dict(offset)
    for item in items:
        rank[item.objective] = rank.get(item.objective, 0) + 1
        out.append((item, rank[item.objective]))
    return out


def _to_action(item: _Item, rank: int, info: ReportInfo) -> Action:
    description = _render(item)
    title = _title(description.split("\n", 1)[0])
    span = SourceSpan(info.file, item.lines[0].number, _last_text_line(item), quote_of(description))
    return Action(
        edition=info.year,
        report=info.slug,
        chapter="apf",
        objective=item.objective,
        number=rank,
        title=title,
        actor_text="",
        description=description,
        source=span,
        has_results=False,
    )


def _to_goal(item: _Item, rank: int, info: ReportInfo) -> StatedGoal:
    first = item.lines[0]
    lines = [Line(first.number, GOAL_ITEM_RX.sub("", first.text, count=1)), *item.lines[1:]]
    text = join_wrapped(lines)
    span = SourceSpan(info.file, first.number, _last_text_line(item), quote_of(text))
    return StatedGoal(
        edition=info.year, report=info.slug, objective=item.objective, number=rank, text=text, source=span
    )
