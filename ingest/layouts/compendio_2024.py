"""Parser for the Compendio General 2024 (``corpus/2024-compendio-general.txt``).

The text is a PDF extraction: running headers and footers cut sentences, words are hyphenated across
(blank) lines, chapters 2-4 have no heading at all and action headings come in many shapes. The
layout and every trap handled here are described in ``design/corpus-formats.md`` (section
"2024-compendio-general.txt"). In short:

* action parsing runs from the chapter-1 heading (`` Capítulo 1.``) to the annex
  (`` 1. Glosario con las dependencias de la APF…``); the annex holds the acronym glossary;
* noise is removed by named cleaning steps that keep the original line numbers;
* a new chapter starts when the objective number drops or stays equal (chapters 2-4 have no
  heading; the OSC chapter heading is checked against that rule);
* an action is ``N. TITLE – ACTOR.`` (number possibly alone on its line), then a description,
  exactly one ``RESULTADOS`` and exactly one ``RETOS`` block.

Structural surprises raise :class:`ReportFormatError` with the file, line and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.errors import ReportFormatError
from ingest.records import Action, Challenge, GlossaryTerm, ParsedReport, ReportInfo, SourceSpan
from ingest.text import (
    CleaningLog,
    Line,
    LineFilter,
    clean,
    drop_matching,
    join_wrapped,
    normalise_space,
    quote_of,
    upper_ratio,
)

#: Chapter keys in the order the report prints its chapters.
CHAPTERS: tuple[str, ...] = ("apf", "ef", "pj", "oca", "osc")

# --- structural patterns (every one allows the leading space of a page-start line) -------------
CHAPTER_HEADING_RX = re.compile(r"^\s*Cap[ií]tulo\s+(\d)\.\s*$")
OSC_HEADING_RX = re.compile(r"^\s*Organizaciones\s*$")
OSC_HEADING_TAIL_RX = re.compile(r"^\s*de la Sociedad Civil\s*$")
OBJECTIVE_RX = re.compile(r"^\s*Objetivo\s+(\d{1,2})\.\s*(.*)$", re.IGNORECASE)
ACTION_RX = re.compile(r"^\s*(\d{1,2})\.(?:\s+(.*?))?\s*$")
RESULTADOS_RX = re.compile(r"^\s*RESULTADOS\s*$")
RETOS_RX = re.compile(r"^\s*RETOS\s*$")
BULLET_RX = re.compile(r"^\s*•\s*(.*)$")
NO_RESULTS_RX = re.compile(r"^(No se report\w* resultados|No hay cifras)", re.IGNORECASE)
NO_CHALLENGES_RX = re.compile(r"^No se report\w* retos\.?$", re.IGNORECASE)
ANNEX_RX = re.compile(r"^\s*1\.\s+Glosario con las dependencias")
ANNEX_ENTIDADES_RX = re.compile(r"^\s*2\.\s+Entidades federativas")
ANNEX_OTRAS_RX = re.compile(r"^\s*3\.\s+Otras siglas")
ANNEX_TABLE_HEADER_RX = re.compile(r"^\s*Nombre\s+Sigla o acr[oó]nimo\s*$")
COLOPHON_RX = re.compile(r"^\s*El presente documento se realiz")

# --- running headers and footers -----------------------------------------------------------------
RUNNING_ODD_RX = re.compile(r"^\d+COMPENDIO GENERAL 2024\s*$")
RUNNING_EVEN_RX = re.compile(r"^\d+ UNIDAD DE POL[IÍ]TICA MIGRATORIA, REGISTRO E IDENTIDAD DE PERSONAS\s*$")
RUNNING_CHAPTER_RX = re.compile(r"^Cap[ií]tulo (\d)\. \S.*$")

# --- footnotes: ``N Text`` after a blank line, with a glued marker ``wordN`` shortly before -------
FOOTNOTE_RX = re.compile(r"^\s*(\d) [A-ZÁÉÍÓÚ]")
FOOTNOTE_LOOKBACK = 60
_SENTENCE_END_RX = re.compile(r"[.:;!?][”\")]?\s*$")
_URL_RX = re.compile(r"https?://\S+\s*$")
_LIST_MARK_RX = re.compile(r"^\s*(?:[a-z]|\d{1,2})[.)]\s")  # "a. …", "b) …", "2. …": a list item

#: Minimum share of upper-case letters for a line to belong to an action title.
TITLE_UPPER_RATIO = 0.7

# --- actor vocabulary: what may follow the dash of an action heading -----------------------------
#: Acronyms of the institutions that report actions in this edition (as printed in the headings).
# fmt: off
ACTOR_ACRONYMS: frozenset[str] = frozenset(
    {
        "AMEXCID", "ANAM", "BIENESTAR", "CAFAMI", "CEAV", "CIJ", "CNDH", "CNI", "CONAHCYT", "CONAPO", "CONAPRED",
        "CONASAMA", "CONAVIM", "CONSAR", "FINABIEN", "GN", "IDC", "IFDP", "IMJUVE", "IMME", "IMPI", "IMTA", "IMUMI",
        "INAFED", "INE", "INEA", "INECC", "INEGI", "INM", "INMUJERES", "INPI", "ISSSTE", "PA", "PROFECO", "RENAPO",
        "SADER", "SALUD", "SCJN", "SE", "SEDATU", "SEGOB", "SEMARNAT", "SEP", "SEPOMEX", "SESNSP", "SFP", "SHCP",
        "SIPINNA", "SNDIF", "SNE", "SRE", "STPS", "UGCCDH", "UPMRIP",
    }
)
# fmt: on
#: The 32 federal entities, upper case as the headings print them (a state government is its state).
# fmt: off
STATE_NAMES: frozenset[str] = frozenset(
    {
        "AGUASCALIENTES", "BAJA CALIFORNIA", "BAJA CALIFORNIA SUR", "CAMPECHE", "CHIAPAS", "CHIHUAHUA",
        "CIUDAD DE MÉXICO", "COAHUILA", "COLIMA", "DURANGO", "ESTADO DE MÉXICO", "GUANAJUATO", "GUERRERO", "HIDALGO",
        "JALISCO", "MICHOACÁN", "MORELOS", "NAYARIT", "NUEVO LEÓN", "OAXACA", "PUEBLA", "QUERÉTARO", "QUINTANA ROO",
        "SAN LUIS POTOSÍ", "SINALOA", "SONORA", "TABASCO", "TAMAULIPAS", "TLAXCALA", "VERACRUZ", "YUCATÁN",
        "ZACATECAS",
    }
)
# fmt: on
#: Civil-society names as printed, typos included (``SIN FONTERAS``, ``AC`` / ``A.C.``).
OSC_NAMES: frozenset[str] = frozenset(
    {"SIN FRONTERAS IAP", "SIN FONTERAS IAP", "UNO DE SIETE MIGRANDO A.C.", "UNO DE SIETE MIGRANDO AC"}
)
_ACTOR_PHRASES: frozenset[tuple[str, ...]] = frozenset(
    tuple(p.split()) for p in ACTOR_ACRONYMS | STATE_NAMES | OSC_NAMES
)
_MAX_PHRASE = max(len(p) for p in _ACTOR_PHRASES)
#: How a parenthesised partner list may start: ``INM (EN COORDINACIÓN CON ANAM, …)``.
_PAREN_INTROS: tuple[tuple[str, ...], ...] = (
    ("EN", "COORDINACIÓN", "CON"),
    ("EN", "COLABORACIÓN", "CON"),
    ("ENCOORDINACIÓN", "CON"),
)
_ACTOR_TOKEN_RX = re.compile(r"[()]|,|[–—-]|[^\s(),–—-]+")
_DASH_RX = re.compile(r"[–—-]")


# =================================================================================================
# cleaning steps
# =================================================================================================


def drop_footnotes(lines: Sequence[Line]) -> list[Line]:
    """Drop page-bottom footnotes and remove their glued markers (``impactos1`` → ``impactos``).

    A footnote is a line ``N Text`` that follows a blank line and whose marker ``N`` is glued to a
    word (or to a period or closing quote) in the preceding lines. A footnote that does not end a
    sentence or a URL continues on the next line (``… incluye`` / ``repeticiones.``).
    """
    out = list(lines)
    drop: set[int] = set()
    for k, ln in enumerate(out):
        m = FOOTNOTE_RX.match(ln.text)
        if not m or k == 0 or not out[k - 1].blank:
            continue
        marker = re.compile(rf"(?:(?<=[a-záéíóúñ])|(?<=[a-záéíóúñ][.”])){m.group(1)}(?!\d)(?=[\s,;:]|$)")
        for back in range(k - 1, max(-1, k - 1 - FOOTNOTE_LOOKBACK), -1):
            if back in drop:
                continue
            hit = marker.search(out[back].text)
            if hit:
                text = out[back].text
                out[back] = Line(out[back].number, text[: hit.start()] + text[hit.end() :])
                drop.add(k)
                end = k
                while (
                    not _SENTENCE_END_RX.search(out[end].text)
                    and not _URL_RX.search(out[end].text)
                    and end + 1 < len(out)
                    and not out[end + 1].blank
                    and not BULLET_RX.match(out[end + 1].text)
                ):
                    end += 1
                    drop.add(end)
                break
    return [ln for k, ln in enumerate(out) if k not in drop]


#: The named cleaning steps applied to the action zone, in order.
CLEANING_STEPS: tuple[tuple[str, LineFilter], ...] = (
    ("running_header_odd", drop_matching(RUNNING_ODD_RX)),
    ("running_footer_even", drop_matching(RUNNING_EVEN_RX)),
    ("running_chapter_line", drop_matching(RUNNING_CHAPTER_RX)),
    ("footnotes", drop_footnotes),
)


# =================================================================================================
# actor split
# =================================================================================================


def _phrase_end(tokens: Sequence[str], pos: int) -> int | None:
    """End of the longest known actor phrase starting at ``pos``."""
    for size in range(min(_MAX_PHRASE, len(tokens) - pos), 0, -1):
        if tuple(tokens[pos : pos + size]) in _ACTOR_PHRASES:
            return pos + size
    return None


def _actor_item_end(tokens: Sequence[str], pos: int) -> int | None:
    """Parse ``PHRASE [ "(" [intro] [LA|EL] PHRASE {(,|Y) PHRASE} ")" ]``; return its end or None."""
    p = _phrase_end(tokens, pos)
    if p is None:
        return None
    if p < len(tokens) and tokens[p] == "(":
        q = p + 1
        for intro in _PAREN_INTROS:
            if tuple(tokens[q : q + len(intro)]) == intro:
                q += len(intro)
                break
        if q < len(tokens) and tokens[q] in ("LA", "EL"):
            q += 1
        r = _phrase_end(tokens, q)
        while r is not None and r < len(tokens) and tokens[r] in (",", "Y"):
            r = _phrase_end(tokens, r + 1)
        if r is None or r >= len(tokens) or tokens[r] != ")":
            return None
        p = r + 1
    return p


def is_actor(text: str) -> bool:
    """True when ``text`` is made only of actor names (``SEGOB (UPMRIP)``, ``STPS Y SRE``, ``SCJN – UGCCDH``)."""
    tokens = _ACTOR_TOKEN_RX.findall(text.upper())
    if not tokens:
        return False
    p = _actor_item_end(tokens, 0)
    while p is not None and p < len(tokens):
        if tokens[p] not in ("–", "—", "-", "Y", ","):
            return False
        p = _actor_item_end(tokens, p + 1)
    return p is not None


def _strip_final_period(text: str) -> str:
    """Remove a final period, but keep the one of an abbreviation such as ``A.C.``."""
    text = text.rstrip()
    if text.endswith(".") and not re.search(r"\b[A-Z]\.[A-Z]\.$", text):
        return text[:-1].rstrip()
    return text


def split_actor(heading: str) -> tuple[str, str] | None:
    """Split a joined heading into (title, actor) at the EARLIEST dash whose tail is only actors.

    Falls back to a final parenthesised actor (``… COMUNIDADES (PA)``). Returns None when the heading
    names no actor. Title and actor lose their final period; the actor keeps its printed form.
    """
    text = _strip_final_period(heading)
    for m in _DASH_RX.finditer(text):
        head, tail = text[: m.start()].strip(), text[m.end() :].strip()
        if head and tail and is_actor(tail):
            return _strip_final_period(head), normalise_space(tail)
    m = re.search(r"\(([^()]*)\)$", text)
    if m and text[: m.start()].strip() and is_actor(m.group(1)):
        return _strip_final_period(text[: m.start()].strip()), normalise_space(m.group(1))
    return None


def _heading_complete(text: str) -> bool:
    """A title block is complete when it ends with a period, its parentheses balance and it names an actor."""
    t = text.rstrip()
    return t.endswith(".") and t.count("(") == t.count(")") and split_actor(t) is not None


def _join_title(parts: Sequence[str]) -> str:
    out = ""
    for part in parts:
        part = normalise_space(part)
        if not part:
            continue
        out = out + part if (not out or out.endswith("/")) else out + " " + part
    return out


# =================================================================================================
# paragraphs, bullets and challenges
# =================================================================================================


@dataclass(slots=True)
class _Item:
    """One bullet or one prose paragraph: its raw lines (blank lines excluded)."""

    bullet: bool
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [ln.text for ln in self.lines]
        if self.bullet:
            parts[0] = BULLET_RX.match(parts[0]).group(1)  # type: ignore[union-attr]
        return join_wrapped(parts)


def _items(lines: Sequence[Line]) -> list[_Item]:
    """Group block lines into bullets and paragraphs.

    A line after a blank line continues the previous item when that item does not end a sentence
    or the line starts in lower case (bullets and words are often split by a blank line). Bullets and
    list items (``a. …``, ``b) …``, ``2. …``) always start a new item.
    """
    items: list[_Item] = []
    after_blank = False
    for ln in lines:
        if ln.blank:
            after_blank = True
            continue
        if BULLET_RX.match(ln.text):
            items.append(_Item(True, [ln]))
        elif _LIST_MARK_RX.match(ln.text):
            items.append(_Item(False, [ln]))
        elif items and (
            not after_blank
            or not _SENTENCE_END_RX.search(items[-1].lines[-1].text)
            or (ln.stripped[:1].islower() and not _LIST_MARK_RX.match(ln.text))
        ):
            items[-1].lines.append(ln)
        else:
            items.append(_Item(False, [ln]))
        after_blank = False
    return items


def _block_text(lines: Sequence[Line]) -> str:
    """A block as text: one paragraph or bullet (``• …``) per line, hyphenation and wrapping joined."""
    return "\n".join(("• " if it.bullet else "") + it.text for it in _items(lines))


def _is_label(item: _Item, following: _Item | None) -> bool:
    """A one-line group label inside RETOS (``Instituto Nacional de Migración (SEGOB)``) before bullets."""
    return (
        not item.bullet
        and len(item.lines) == 1
        and not _SENTENCE_END_RX.search(item.lines[0].text)
        and following is not None
        and following.bullet
    )


def _challenges(file: str, lines: Sequence[Line]) -> tuple[tuple[Challenge, ...], bool]:
    """The challenges of a RETOS block, and whether it says no challenges were reported."""
    items = _items(lines)
    if len(items) == 1 and NO_CHALLENGES_RX.match(items[0].text):
        return (), True
    out = []
    for k, item in enumerate(items):
        if _is_label(item, items[k + 1] if k + 1 < len(items) else None):
            continue
        text = item.text
        span = SourceSpan(file, item.lines[0].number, item.lines[-1].number, quote_of(text))
        out.append(Challenge(text=text, source=span))
    return tuple(out), False


# =================================================================================================
# action zone
# =================================================================================================


@dataclass(frozen=True, slots=True)
class ObjectiveHeading:
    """One ``Objetivo N.`` heading and the chapter it opens or continues."""

    chapter: str
    objective: int
    line: int
    title: str


@dataclass(frozen=True, slots=True)
class ActionZone:
    """What :func:`parse_actions` found: the actions and the objective headings."""

    actions: tuple[Action, ...]
    objectives: tuple[ObjectiveHeading, ...]
    notes: tuple[str, ...] = ()


class _Cursor:
    """Walks the cleaned lines of the action zone."""

    def __init__(self, lines: Sequence[Line], info: ReportInfo) -> None:
        self.lines = list(lines)
        self.info = info

    def error(self, k: int, expected: str) -> ReportFormatError:
        if k < len(self.lines):
            return ReportFormatError(self.info.file, self.lines[k].number, expected, self.lines[k].stripped)
        last = self.lines[-1].number if self.lines else 1
        return ReportFormatError(self.info.file, last, expected, "end of the action zone")

    def next_nonblank(self, k: int) -> int:
        while k < len(self.lines) and self.lines[k].blank:
            k += 1
        return k


def _heading_like(lines: Sequence[Line], k: int) -> int | None:
    """The number of an upper-case numbered line (``N. TITLE…`` or ``N.`` then a title line), else None."""
    m = ACTION_RX.match(lines[k].text)
    if not m:
        return None
    rest = m.group(2) or ""
    if not rest:
        j = k + 1
        while j < len(lines) and lines[j].blank:
            j += 1
        if j >= len(lines) or ACTION_RX.match(lines[j].text) or OBJECTIVE_RX.match(lines[j].text):
            return None
        rest = lines[j].text
    if sum(c.isalpha() for c in rest) < 3 or upper_ratio(rest) < TITLE_UPPER_RATIO:
        return None
    return int(m.group(1))


def _is_osc_heading(lines: Sequence[Line], k: int) -> bool:
    return (
        bool(OSC_HEADING_RX.match(lines[k].text))
        and k + 1 < len(lines)
        and bool(OSC_HEADING_TAIL_RX.match(lines[k + 1].text))
    )


def _structural(lines: Sequence[Line], k: int) -> bool:
    """Lines that end a block: objective and chapter headings."""
    t = lines[k].text
    return bool(OBJECTIVE_RX.match(t) or CHAPTER_HEADING_RX.match(t)) or _is_osc_heading(lines, k)


def parse_actions(
    lines: Sequence[Line],
    info: ReportInfo,
    start_chapter: str = "apf",
    start_objective: int | None = None,
    start_number: int = 1,
) -> ActionZone:
    """Parse the cleaned lines of the action zone (or a fragment of it) into actions.

    ``start_chapter``, ``start_objective`` and ``start_number`` give the context a fragment starts in
    (the chapter, the objective whose heading precedes it and the number of its first action). The
    fragment must start at a heading (chapter, objective or action) and end after a RETOS block.
    """
    cur = _Cursor(lines, info)
    chapter_idx = CHAPTERS.index(start_chapter)
    objective = start_objective
    expected = start_number
    pending_chapter: str | None = None
    actions: list[Action] = []
    objectives: list[ObjectiveHeading] = []
    notes: list[str] = []
    ls = cur.lines
    k = 0
    while True:
        k = cur.next_nonblank(k)
        if k >= len(ls):
            break
        text = ls[k].text
        chap = CHAPTER_HEADING_RX.match(text)
        if chap or _is_osc_heading(ls, k):
            pending_chapter = CHAPTERS[int(chap.group(1)) - 1] if chap else "osc"
            k += 1
            while k < len(ls) and not ls[k].blank and not OBJECTIVE_RX.match(ls[k].text):
                k += 1  # the heading's remaining lines ("Dependencias / de la Administración / …")
            continue
        obj = OBJECTIVE_RX.match(text)
        if obj:
            number = int(obj.group(1))
            if not 1 <= number <= 23:
                raise cur.error(k, "an objective number between 1 and 23")
            if objective is not None and number <= objective:
                chapter_idx += 1  # chapters 2-4 have no heading: the objective number drops back
                if chapter_idx >= len(CHAPTERS):
                    raise cur.error(
                        k, f"no further chapter after {CHAPTERS[-1]} (objective {number} after {objective})"
                    )
            if pending_chapter is not None and CHAPTERS[chapter_idx] != pending_chapter:
                raise cur.error(k, f"chapter heading '{pending_chapter}' to start where the objective number drops")
            pending_chapter = None
            title_parts = [obj.group(2)]
            start = k
            k += 1
            while k < len(ls) and not ls[k].blank and ACTION_RX.match(ls[k].text) is None:
                title_parts.append(ls[k].text)
                k += 1
            objective = number
            expected = 1
            objectives.append(
                ObjectiveHeading(CHAPTERS[chapter_idx], number, ls[start].number, join_wrapped(title_parts))
            )
            continue
        if objective is None:
            raise cur.error(k, "an objective heading 'Objetivo N.'")
        num = _heading_like(ls, k)
        if num is None or num != expected:
            raise cur.error(k, f"action heading '{expected}.' of objective {objective} ({CHAPTERS[chapter_idx]})")
        action, k = _parse_action(cur, k, CHAPTERS[chapter_idx], objective, expected, notes)
        actions.append(action)
        expected += 1
    if pending_chapter is not None:
        raise cur.error(len(ls), f"an objective heading after the chapter heading '{pending_chapter}'")
    return ActionZone(tuple(actions), tuple(objectives), tuple(notes))


def _parse_action(
    cur: _Cursor, k: int, chapter: str, objective: int, number: int, notes: list[str]
) -> tuple[Action, int]:
    """Parse the action whose heading number is at ``k``; return it and the index after its RETOS block."""
    ls, file = cur.lines, cur.info.file
    head_line = ls[k].number
    rest = ACTION_RX.match(ls[k].text).group(2) or ""  # type: ignore[union-attr]
    parts = [rest] if rest else []
    j = k + 1
    if not rest:
        j = cur.next_nonblank(j)
        parts.append(ls[j].text)
        j += 1
    # --- title: upper-case lines until the heading is complete (ends with ".", balanced, actor) ---
    while (
        j < len(ls)
        and not _heading_complete(_join_title(parts))
        and not ls[j].blank
        and upper_ratio(ls[j].text) >= TITLE_UPPER_RATIO
        and not RESULTADOS_RX.match(ls[j].text)
        and not RETOS_RX.match(ls[j].text)
    ):
        parts.append(ls[j].text)
        j += 1
    heading = _join_title(parts)
    split = split_actor(heading)
    key = f"{cur.info.year}-{chapter}-o{objective:02d}-{number:02d}"
    if split is None:
        title, actor_text = _strip_final_period(heading), ""
        notes.append(f"{file}:{head_line}: action {key} prints no actor ({title!r})")
    else:
        title, actor_text = split
        if not _DASH_RX.search(heading[len(title) :]):
            notes.append(f"{file}:{head_line}: action {key} names its actor only in parentheses ({actor_text})")
    # --- description: up to RESULTADOS --------------------------------------------------------
    desc_start = j
    j = _scan_block(cur, j, number, until=RESULTADOS_RX, what="RESULTADOS")
    description = _block_text(ls[desc_start:j])
    if not description:
        raise cur.error(j, f"a description of action {key} before RESULTADOS")
    # --- results: up to RETOS -------------------------------------------------------------------
    res_start = j + 1
    j = _scan_block(cur, res_start, number, until=RETOS_RX, what="RETOS")
    results = _block_text(ls[res_start:j])
    if not results:
        raise cur.error(j, f"the results of action {key} after RESULTADOS")
    # --- challenges: up to the next heading ----------------------------------------------------
    ret_start = j + 1
    j = _scan_block(cur, ret_start, number, until=None, what="the next heading")
    block = ls[ret_start:j]
    nonblank = [ln for ln in block if not ln.blank]
    if not nonblank:
        raise cur.error(j, f"the challenges of action {key} after RETOS")
    challenges, none_reported = _challenges(file, block)
    action = Action(
        edition=cur.info.year,
        report=cur.info.slug,
        chapter=chapter,
        objective=objective,
        number=number,
        title=title,
        actor_text=actor_text,
        description=description,
        source=SourceSpan(file, head_line, nonblank[-1].number, quote_of(title)),
        results=results,
        has_results=not NO_RESULTS_RX.match(results),
        challenges=challenges,
        no_challenges_reported=none_reported,
    )
    return action, j


def _scan_block(cur: _Cursor, j: int, number: int, until: re.Pattern[str] | None, what: str) -> int:
    """Index of the line ending a block that starts at ``j``.

    With ``until`` the block must end at that marker line (RESULTADOS or RETOS); without it (the
    RETOS block) it ends at the next heading or at the end of the lines. Any other structural line
    inside the block is an error: it means a marker is missing.
    """
    ls = cur.lines
    while j < len(ls):
        text = ls[j].text
        if until is not None and until.match(text):
            return j
        if RESULTADOS_RX.match(text) or RETOS_RX.match(text):
            raise cur.error(j, f"{what} (one RESULTADOS and one RETOS per action)")
        if _structural(ls, j):
            if until is None:
                return j
            raise cur.error(j, what)
        num = _heading_like(ls, j)
        if num is not None:
            if until is None and num == number + 1:
                return j
            raise cur.error(j, f"{what}" if num == number + 1 else f"{what} or action heading '{number + 1}.'")
        j += 1
    if until is not None:
        raise cur.error(j, what)
    return j


# =================================================================================================
# annex glossary
# =================================================================================================


def _upper_count(token: str) -> int:
    return sum(1 for c in token if c.isupper())


def _split_acronym(text: str) -> tuple[str, str] | None:
    """Split a glossary row ``Name ACRONYM`` into (name, acronym); None when the row has no acronym."""
    tokens = text.split()
    if len(tokens) < 2:
        return None
    if _upper_count(tokens[-1]) >= 2 and not tokens[-1].startswith("("):
        start = len(tokens) - 1
    elif len(tokens) >= 3 and tokens[-2].isalpha() and tokens[-2].isupper() and len(tokens[-2]) >= 2:
        start = len(tokens) - 2  # "DVV International"
    else:
        return None
    while start > 1 and re.fullmatch(r"[A-ZÁÉÍÓÚÑ]{2,}\.", tokens[start - 1]):
        start -= 1  # "PROC. AGRARIA"
    return " ".join(tokens[:start]), " ".join(tokens[start:])


def parse_glossary(lines: Sequence[Line], info: ReportInfo) -> list[GlossaryTerm]:
    """Parse the annex (``1. Glosario…``, ``2. Entidades federativas…``, ``3. Otras siglas…``).

    Rows of the two acronym tables become terms of sections ``apf`` and ``otras``; a name wrapped
    over several lines is joined. The numbered state list becomes section ``entidades`` with the
    state's name as both acronym and name (a state government is named by its state). ``lines``
    must run from the annex heading to the closing colophon (exclusive).
    """
    file = info.file
    sections = (("apf", ANNEX_RX), ("entidades", ANNEX_ENTIDADES_RX), ("otras", ANNEX_OTRAS_RX))
    terms: list[GlossaryTerm] = []
    section_idx = -1
    pending: list[Line] = []
    in_heading = False
    expected_state = 1
    for ln in lines:
        nxt = sections[section_idx + 1] if section_idx + 1 < len(sections) else None
        if nxt is not None and nxt[1].match(ln.text):
            if pending:
                raise ReportFormatError(
                    file, pending[0].number, "a glossary row ending with its acronym", pending[0].stripped
                )
            section_idx += 1
            in_heading = True
            continue
        if section_idx < 0:
            raise ReportFormatError(
                file, ln.number, "the annex heading '1. Glosario con las dependencias…'", ln.stripped
            )
        if ln.blank:
            in_heading = False
            continue
        if in_heading or ANNEX_TABLE_HEADER_RX.match(ln.text):
            continue  # the rest of a section heading, or the table header
        section = sections[section_idx][0]
        if section == "entidades":
            m = re.match(r"^\s*(\d{1,2})\.\s+(\S.*?)\s*$", ln.text)
            if not m or int(m.group(1)) != expected_state:
                raise ReportFormatError(file, ln.number, f"state number {expected_state}.", ln.stripped)
            expected_state += 1
            name = m.group(2)
            terms.append(GlossaryTerm(name, name, SourceSpan(file, ln.number, ln.number, name), section))
            continue
        pending.append(ln)
        row = _split_acronym(join_wrapped(pending))
        if row is not None:
            name, acronym = row
            span = SourceSpan(file, pending[0].number, ln.number, quote_of(name))
            terms.append(GlossaryTerm(acronym=acronym, name=name, source=span, section=section))
            pending = []
    if section_idx != len(sections) - 1:
        last = lines[-1].number if lines else 1
        raise ReportFormatError(file, last, f"annex section '{sections[section_idx + 1][0]}'", "end of the annex")
    if pending:
        raise ReportFormatError(file, pending[0].number, "a glossary row ending with its acronym", pending[0].stripped)
    return terms


# =================================================================================================
# whole report
# =================================================================================================


def find_zone(lines: Sequence[Line], info: ReportInfo) -> tuple[int, int, int]:
    """Indices of the chapter-1 heading, the annex heading and the closing colophon (all required)."""
    file = info.file
    first_obj = next((k for k, ln in enumerate(lines) if OBJECTIVE_RX.match(ln.text)), None)
    if first_obj is None:
        raise ReportFormatError(file, len(lines) or 1, "an objective heading 'Objetivo 1.'", "end of file")
    start = next(
        (k for k in range(first_obj - 1, max(-1, first_obj - 8), -1) if CHAPTER_HEADING_RX.match(lines[k].text)),
        None,
    )
    if start is None:
        raise ReportFormatError(file, lines[first_obj].number, "the chapter-1 heading 'Capítulo 1.' before it")
    annex = next((k for k in range(start, len(lines)) if ANNEX_RX.match(lines[k].text)), None)
    if annex is None:
        raise ReportFormatError(
            file, lines[-1].number, "the annex heading '1. Glosario con las dependencias…'", "end of file"
        )
    colophon = next((k for k in range(annex, len(lines)) if COLOPHON_RX.match(lines[k].text)), None)
    if colophon is None:
        raise ReportFormatError(file, lines[-1].number, "the closing colophon 'El presente documento…'", "end of file")
    return start, annex, colophon


def _check_running_chapters(raw: Sequence[Line], actions: Sequence[Action], info: ReportInfo) -> None:
    """The dropped running lines ``Capítulo N. …`` must agree with the chapter the parser is in."""
    starts = [a.source.line_start for a in actions]
    for ln in raw:
        m = RUNNING_CHAPTER_RX.match(ln.text)
        if not m:
            continue
        before = [a for a, s in zip(actions, starts, strict=True) if s <= ln.number]
        printed = CHAPTERS[int(m.group(1)) - 1] if 1 <= int(m.group(1)) <= len(CHAPTERS) else "?"
        if before and before[-1].chapter != printed:
            raise ReportFormatError(
                info.file, ln.number, f"the running header of chapter '{before[-1].chapter}'", ln.stripped
            )


def parse(lines: list[Line], info: ReportInfo, log: CleaningLog | None = None) -> ParsedReport:
    """Parse the whole Compendio General 2024 into actions and the annex glossary."""
    start, annex, colophon = find_zone(lines, info)
    zone = lines[start:annex]
    cleaned = clean(zone, CLEANING_STEPS, log)
    result = parse_actions(cleaned, info)
    _check_running_chapters(zone, result.actions, info)
    glossary = parse_glossary(lines[annex:colophon], info)
    return ParsedReport(info=info, actions=result.actions, glossary=tuple(glossary), notes=result.notes)
