"""Layout of the *Compendio General 2020* (markdown produced by a PDF converter).

One chapter (APF plus autonomous bodies), objectives as ``Objetivo N.`` headings of any markdown
level, actions as numbered heading-marked lines ``N. Title (ACTOR)`` (``#``, ``**`` or ``- ``
markup, inconsistent), each followed by a description, a ``Resultados`` block and a
``Retos identificados`` block (either may be missing). See ``corpus-formats.md`` (2020 section).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.errors import ReportFormatError
from ingest.records import Action, Challenge, ParsedReport, ReportInfo, SourceSpan
from ingest.text import Line, clean, drop_matching, normalise_space, quote_of

OBJECTIVE_RX = re.compile(r"^\s*#{1,6}\s*\*\*\s*Objetivo\s+(\d{1,2})\.\s*(.*?)\s*\*\*\s*$")
# a heading-marked numbered line: "### **1. …**", "### 3. …", "**5. …**", "- 1. …)**"
ACTION_RX = re.compile(r"^\s*(?P<mark>#{1,6}\s*(?:\*\*)?|\*\*|- (?:\*\*)?)\s*(?P<num>\d{1,3})\.\s+(?P<rest>.+?)\s*$")
RESULTS_RX = re.compile(r"^\s*#{0,6}\s*\*\*\s*Resultados\s*\*\*\s*$", re.IGNORECASE)
CHALLENGES_RX = re.compile(r"^\s*#{0,6}\s*\*\*\s*Retos\s+identificados\s*\*\*\s*$", re.IGNORECASE)
SUP_RX = re.compile(r"<sup>\s*\d+\s*</sup>")
FOOTNOTE_DEF_RX = re.compile(r"^\s*<sup>\s*\d+\s*</sup>")
BARE_URL_RX = re.compile(r"^\s*(?:<https?://[^>\s]*>\s*)+$")
ACTOR_RX = re.compile(r"\(([^()]*)\)\s*$")
BULLET_RX = re.compile(r"^- (?P<text>.*)$")
NESTED_BULLET_RX = re.compile(r"^\s{2,}- (?P<text>.*)$")
NUMBERED_RX = re.compile(r"^\s{0,3}(?P<num>\d{1,2})\.\s+(?P<text>.*)$")
NO_RESULTS_RX = re.compile(r"^no se (reportaron|reportan|han reportado|tienen) resultados", re.IGNORECASE)
NO_CHALLENGES_RX = re.compile(r"^no se (reportaron|reportan|identificaron) retos", re.IGNORECASE)
HTML_TAG_RX = re.compile(r"</?(?:b|i|u|br|strong|em)\s*/?>", re.IGNORECASE)
SENTENCE_END = (".", ":", ";", "?", "!", ")", "”", '"')

#: Objectives the edition covers; objective 22 is printed with no action under it.
LAST_OBJECTIVE = 23


def _drop_footnotes(lines: Sequence[Line]) -> list[Line]:
    """Drop footnote definitions (``<sup>N</sup> text``), their continuation and bare-URL lines."""
    out: list[Line] = []
    in_note = False
    for ln in lines:
        if FOOTNOTE_DEF_RX.match(ln.text):
            in_note = True
            continue
        if in_note:
            if ln.blank:
                continue
            if BARE_URL_RX.match(ln.text):
                continue
            in_note = False
        out.append(ln)
    return out


def _strip_markers(lines: Sequence[Line]) -> list[Line]:
    """Remove inline ``<sup>N</sup>`` markers and simple HTML tags, keeping the line numbers."""
    out = []
    for ln in lines:
        text = HTML_TAG_RX.sub("", SUP_RX.sub("", ln.text))
        out.append(Line(ln.number, text) if text != ln.text else ln)
    return out


CLEANING_STEPS = (
    ("footnote definitions", _drop_footnotes),
    ("separators", drop_matching(r"^\s*-{3,}\s*$")),
    ("inline markers", _strip_markers),
)


def strip_markdown(text: str) -> str:
    """Text without bold/italic asterisks and with white space folded."""
    text = re.sub(r"^\s*#{1,6}\s+", "", text)
    return normalise_space(text.replace("**", "").replace("*", "").replace("\t", " "))


@dataclass(slots=True)
class _Block:
    """The raw lines of one action while it is being read."""

    objective: int
    number: int
    heading: Line
    title: str
    actor: str
    description: list[Line] = field(default_factory=list)
    results: list[Line] | None = None
    challenges: list[Line] | None = None
    last: int = 0

    def add(self, ln: Line) -> None:
        target = self.description
        if self.challenges is not None:
            target = self.challenges
        elif self.results is not None:
            target = self.results
        target.append(ln)
        if not ln.blank:
            self.last = ln.number


def split_heading(rest: str) -> tuple[str, str]:
    """Title and actor of an action heading (actor = the last parentheses, "" when absent)."""
    text = strip_markdown(rest)
    match = ACTOR_RX.search(text)
    if not match:
        return text.rstrip(" .").strip(), ""
    return text[: match.start()].strip().rstrip(" .,"), normalise_space(match.group(1))


def _paragraphs(lines: Sequence[Line]) -> list[list[Line]]:
    """Group non-blank lines into paragraphs; a paragraph cut by a page break is re-joined."""
    paras: list[list[Line]] = []
    current: list[Line] = []
    for ln in lines:
        if ln.blank:
            if current:
                paras.append(current)
                current = []
            continue
        current.append(ln)
    if current:
        paras.append(current)
    merged: list[list[Line]] = []
    for para in paras:
        first = para[0].text.lstrip()
        prev_end = strip_markdown(merged[-1][-1].text) if merged else ""
        if merged and prev_end and not prev_end.endswith(SENTENCE_END) and first[:1].islower():
            merged[-1].extend(para)
        else:
            merged.append(para)
    return merged


def _item_text(line: str) -> str:
    """A line's text without its list marker."""
    for rx in (NESTED_BULLET_RX, BULLET_RX, NUMBERED_RX):
        m = rx.match(line)
        if m:
            return m.group("text")
    return line


def render(lines: Sequence[Line]) -> str:
    """Description/results text: one line per paragraph or list item, markdown removed."""
    out: list[str] = []
    for para in _paragraphs(lines):
        for ln in para:
            text = strip_markdown(_item_text(ln.text))
            if not text:
                continue
            is_item = bool(BULLET_RX.match(ln.text) or NESTED_BULLET_RX.match(ln.text) or NUMBERED_RX.match(ln.text))
            if out and not is_item and ln is not para[0]:
                out[-1] = join_text(out[-1], text)
            else:
                out.append(text)
    return "\n".join(out)


def join_text(left: str, right: str) -> str:
    """Join two pieces of one sentence (de-hyphenating a word broken at the line end)."""
    if re.search(r"[a-záéíóúüñ]-$", left) and right[:1].islower():
        return left[:-1] + right
    return f"{left} {right}"


def split_challenges(lines: Sequence[Line], file: str) -> list[Challenge]:
    """One challenge per top-level bullet or numbered item; a prose-only block is one challenge.

    Nested bullets and continuation lines belong to the item above them. In a block that has list
    items, the prose paragraphs only introduce or close the list and are not challenges themselves.
    """
    items: list[list[Line]] = []
    prose: list[list[Line]] = []
    current: list[Line] | None = None
    for para in _paragraphs(lines):
        for k, ln in enumerate(para):
            if BULLET_RX.match(ln.text) or NUMBERED_RX.match(ln.text):
                current = [ln]
                items.append(current)
            elif current is not None and (k > 0 or NESTED_BULLET_RX.match(ln.text) or ln.text[:1].isspace()):
                current.append(ln)
            elif current is not None and k == 0 and strip_markdown(ln.text)[:1].islower():
                current.append(ln)  # an item cut by a page break
            elif k == 0:
                current = None
                prose.append([ln])
            else:
                prose[-1].append(ln)
    # a prose-only block is one challenge; around list items, prose only introduces or closes the list
    groups = items if items else ([[ln for para in prose for ln in para]] if prose else [])
    out = []
    for group in groups:
        text = ""
        for ln in group:
            piece = strip_markdown(_item_text(ln.text))
            text = join_text(text, piece) if text else piece
        text = normalise_space(text)
        if not text or NO_CHALLENGES_RX.match(text):
            continue
        span = SourceSpan(file, group[0].number, group[-1].number, quote_of(text))
        out.append(Challenge(text=text, source=span))
    return out


def parse_actions(
    lines: Sequence[Line], info: ReportInfo, objective: int | None = None, first_number: int = 1
) -> tuple[list[Action], list[int]]:
    """The actions of a run of lines and the objective headings seen, with no completeness check.

    ``objective`` and ``first_number`` give the context of a fragment that starts inside an
    objective (golden fixtures); the whole report starts before its first objective heading.
    """
    kept = clean(lines, CLEANING_STEPS)
    seen_objectives: list[int] = []
    blocks: list[_Block] = []
    current: _Block | None = None
    expected = first_number
    for ln in kept:
        m_obj = OBJECTIVE_RX.match(ln.text)
        if m_obj:
            number = int(m_obj.group(1))
            previous = seen_objectives[-1] if seen_objectives else objective
            if previous is not None and number != previous + 1:
                raise ReportFormatError(info.file, ln.number, f"Objetivo {previous + 1}", ln.text.strip())
            objective = number
            seen_objectives.append(number)
            current = None
            expected = 1
            continue
        m_act = ACTION_RX.match(ln.text)
        if m_act and objective is not None:
            number = int(m_act.group("num"))
            is_list_item = m_act.group("mark").startswith("-")
            rest = m_act.group("rest")
            if number == expected and (not is_list_item or rest.rstrip("* ").endswith(")")):
                title, actor = split_heading(rest)
                current = _Block(objective, number, ln, title, actor, last=ln.number)
                blocks.append(current)
                expected += 1
                continue
        if current is None:
            continue
        if RESULTS_RX.match(ln.text) and current.results is None and current.challenges is None:
            current.results = []
            current.last = ln.number
        elif CHALLENGES_RX.match(ln.text) and current.challenges is None:
            current.challenges = []
            current.last = ln.number
        else:
            current.add(ln)
    return [_to_action(b, info) for b in blocks], seen_objectives


def parse(lines: list[Line], info: ReportInfo) -> ParsedReport:
    """Parse the 2020 Compendio General into its numbered actions (176 in the bundled file)."""
    actions, seen_objectives = parse_actions(lines, info)
    last_line = lines[-1].number if lines else 1
    if not seen_objectives:
        raise ReportFormatError(info.file, last_line, "an 'Objetivo N.' heading", "no objective heading in the file")
    if seen_objectives[-1] != LAST_OBJECTIVE:
        raise ReportFormatError(info.file, last_line, f"Objetivo {seen_objectives[-1] + 1}", "end of file")
    if not actions:
        raise ReportFormatError(info.file, last_line, "numbered action headings 'N. Title (ACTOR)'", "none")
    notes = [f"{sum(1 for a in actions if not a.actor_text)} action(s) without a printed actor"]
    empty = sorted(set(seen_objectives) - {a.objective for a in actions})
    if empty:
        notes.append(f"objectives without actions: {', '.join(map(str, empty))}")
    return ParsedReport(info=info, actions=tuple(actions), notes=tuple(notes))


def _to_action(block: _Block, info: ReportInfo) -> Action:
    """Turn one raw block into an :class:`Action`."""
    results = render(block.results) if block.results is not None else ""
    has_results = block.results is not None and bool(results) and not NO_RESULTS_RX.match(results)
    challenges: tuple[Challenge, ...] = ()
    no_challenges = False
    if block.challenges is not None:
        challenges = tuple(split_challenges(block.challenges, info.file))
        text = render(block.challenges)
        no_challenges = bool(NO_CHALLENGES_RX.match(text))
    chapter = "oca" if block.actor.upper() == "INE" else "apf"
    span = SourceSpan(info.file, block.heading.number, max(block.last, block.heading.number), quote_of(block.title))
    description = render(block.description)
    derivation: tuple[tuple[str, str], ...] = ()
    if not description:  # a list-item heading with no text of its own (objective 10, action 1)
        description = block.title
        derivation = (("description", "the report prints no description: the heading text stands for it"),)
    return Action(
        edition=info.year,
        report=info.slug,
        chapter=chapter,
        objective=block.objective,
        number=block.number,
        title=block.title,
        actor_text=block.actor,
        description=description,
        source=span,
        results=results,
        has_results=has_results,
        challenges=challenges,
        no_challenges_reported=no_challenges,
        derivation=derivation,
    )
