"""Layout of the *Infografía 2023*: a one-page summary with headline figures and a few highlighted practices.

The text comes from a multi-column PDF: narrow wrapped lines, words hyphenated at line ends,
acronyms in lower case (small caps), side boxes whose lines come in pairs separated by blank
lines, and a page break in the middle of a sentence. Paragraphs are re-joined until a sentence
ends, then the headline figures are read with the same actor-type vocabulary as the Informe
Ejecutivo 2024 (``corpus-formats.md``, 2023 section; ``stated-counts-notes.md``, earlier editions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.errors import ReportFormatError
from ingest.layouts.informe_ejecutivo_2024 import ACTOR_TYPE_PATTERNS
from ingest.records import Action, ParsedReport, ReportInfo, SourceSpan, StatedStatistic
from ingest.text import Line, clean, join_wrapped, quote_of

_TYPE_RX = re.compile("|".join(f"(?P<{k}>{v})" for k, v in ACTOR_TYPE_PATTERNS.items()), re.IGNORECASE)
#: Number words the infographic uses for small counts ("ambas cámaras", "un órgano").
NUMBER_WORDS = {"un": 1, "una": 1, "uno": 1, "ambas": 2, "ambos": 2, "dos": 2, "tres": 3}
_NUMBER = r"(?:\d+(?:[.,]\d+)?|un|una|uno|ambas|ambos|dos|tres)"
_ACRONYM_RX = re.compile(r"\(([a-z]{3,9})\)")
_SENTENCE_END = (".", ":", ";")
_PAGE_START = re.compile(r" +[A-ZÁÉÍÓÚÑ]")  # a page, column or box start


@dataclass(slots=True)
class _Para:
    """A re-joined paragraph, with the offset in its text where each source line starts."""

    text: str
    lines: list[Line]
    offsets: list[int]

    def line_at(self, offset: int) -> tuple[int, int]:
        """The source line number of the character at ``offset`` and where that line starts in the text."""
        number, line_start = self.lines[0].number, 0
        for ln, start in zip(self.lines, self.offsets, strict=True):
            if start <= offset:
                number, line_start = ln.number, start
        return number, line_start


def _upper_acronyms(lines: Sequence[Line]) -> list[Line]:
    """Upper-case the small-caps acronyms: ``(upmrip)`` and later bare uses of the same word."""
    acronyms = {m.group(1) for ln in lines for m in _ACRONYM_RX.finditer(ln.text)}
    acronyms |= {"osc", "apf"} & {w for ln in lines for w in re.findall(r"\b[a-z]+\b", ln.text)}
    if not acronyms:
        return list(lines)
    rx = re.compile(r"\b(" + "|".join(sorted(acronyms)) + r")\b")
    return [Line(ln.number, rx.sub(lambda m: m.group(1).upper(), ln.text)) for ln in lines]


CLEANING_STEPS = (("lower-case acronyms", _upper_acronyms),)


def _blocks(lines: Sequence[Line], split_at_page_starts: bool = False) -> list[list[Line]]:
    """Blank-separated blocks, re-joined while a block does not end a sentence (page and box breaks).

    With ``split_at_page_starts``, a line that starts with a space and a capital after a finished sentence also
    opens a new block (a page, column or box start; the boxes need it, the headline figures do not).
    """
    raw: list[list[Line]] = []
    current: list[Line] = []
    for ln in lines:
        if ln.blank:
            if current:
                raw.append(current)
                current = []
            continue
        if (
            split_at_page_starts
            and current
            and _PAGE_START.match(ln.text)
            and current[-1].text.strip().endswith(_SENTENCE_END)
        ):
            raw.append(current)
            current = []
        current.append(ln)
    if current:
        raw.append(current)
    merged: list[list[Line]] = []
    for block in raw:
        if merged and not merged[-1][-1].text.strip().endswith(_SENTENCE_END):
            merged[-1] = merged[-1] + block
        else:
            merged.append(block)
    return merged


def _paragraphs(lines: Sequence[Line]) -> list[_Para]:
    """:func:`_blocks` re-joined into text, with where each line starts in it."""
    out = []
    for block in _blocks(lines):
        # where each line's own text starts in the joined paragraph (after any de-hyphenation)
        offsets = [len(join_wrapped(block[: k + 1])) - len(join_wrapped([ln])) for k, ln in enumerate(block)]
        out.append(_Para(join_wrapped(block), block, offsets))
    return out


def _number(token: str) -> float:
    token = token.lower()
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    return float(token.replace(",", "."))


def _type_of(match: re.Match[str]) -> str:
    return next(name for name in ACTOR_TYPE_PATTERNS if match.group(name))


class _Collector:
    """Accumulates statistics, skipping exact repeats of a figure already stated."""

    def __init__(self, info: ReportInfo) -> None:
        self.info = info
        self.stats: list[StatedStatistic] = []
        self._seen: set[tuple] = set()

    def add(self, key: str, value: float, para: _Para, offset: int, unit: str = "count", **quals: str) -> None:
        qualifiers = tuple(sorted(quals.items()))
        ident = (key, qualifiers, value, unit)
        if ident in self._seen:
            return
        self._seen.add(ident)
        line, line_start = para.line_at(offset)
        span = SourceSpan(self.info.file, line, line, quote_of(para.text[line_start:]))
        self.stats.append(StatedStatistic(self.info.slug, key, value, span, qualifiers, unit))


def statistics(lines: Sequence[Line], info: ReportInfo) -> list[StatedStatistic]:
    """The headline figures of a run of lines of the infographic, with no completeness check."""
    kept = clean(lines, CLEANING_STEPS)
    paras = _paragraphs(kept)
    year = str(info.year)
    out = _Collector(info)
    for para in paras:
        text = para.text
        m = re.search(r"reportaron (\d+) programas, acciones", text)
        if m:
            out.add("actions", float(m.group(1)), para, m.start(1), year=year)
        # "al pasar de 346 a 356 en 2023" / "al pasar de 118 en 2022 a 151 en 2023"
        m = re.search(r"pasar de (\d+)(?: en (\d{4}))? a (\d+) en (\d{4})", text)
        if m:
            before_year = m.group(2)
            if before_year is None:
                ref = re.search(r"reporte de (\d{4})", text)
                before_year = ref.group(1) if ref else str(int(m.group(4)) - 1)
            quals = {}
            if re.search(r"entidades federativas", text[max(0, m.start() - 80) : m.start()], re.IGNORECASE):
                quals["actor_type"] = "ENTIDAD_FEDERATIVA"
            out.add("actions", float(m.group(1)), para, m.start(1), year=before_year, **quals)
            out.add("actions", float(m.group(3)), para, m.start(3), year=m.group(4), **quals)
        m = re.search(r"(\d+(?:\.\d+)?)\s*%\s*\((\d+)\),? se concentraron en (\d+) objetivos", text)
        if m:
            objectives = _listed_objectives(paras, para)
            quals = {"year": year}
            if objectives:
                quals["objectives"] = ",".join(objectives)
            out.add("actions_share", float(m.group(1)), para, m.start(1), "percent", **quals)
            out.add("actions", float(m.group(2)), para, m.start(2), **quals)
        m = re.search(r"fue de (\d+) colaboradores:", text)
        if m:
            out.add("participants", float(m.group(1)), para, m.start(1), year=year)
            for value, actor_type, offset in _number_type_pairs(text[m.end() :]):
                out.add("participants", value, para, m.end() + offset, actor_type=actor_type, year=year)
        m = re.search(r"(\d+(?:\.\d+)?)\s*% de las acciones\s+reportadas fueron dirigidas a (niñas|mujeres)", text)
        if m:
            out.add("gender_focus_share", float(m.group(1)), para, m.start(1), "percent", year=year)
    return out.stats


def parse(lines: list[Line], info: ReportInfo) -> ParsedReport:
    """Headline figures of the 2023 infographic (actions 2023/2022, shares, participants by type)."""
    if not any(not ln.blank for ln in lines):
        raise ReportFormatError(info.file, 1, "the infographic text", "an empty file")
    stats = statistics(lines, info)
    found = {s.key for s in stats}
    last_line = lines[-1].number
    for key, what in (
        ("actions", "the number of actions reported"),
        ("participants", "the number of collaborators"),
        ("gender_focus_share", "the share of actions aimed at women and girls"),
    ):
        if key not in found:
            raise ReportFormatError(info.file, last_line, what, "end of file")
    boxes = highlights(lines, info)
    notes = (
        f"{len(boxes)} highlighted practices from the side boxes; objectives inferred (ingest.classify.objectives)",
    )
    return ParsedReport(info=info, actions=tuple(boxes), statistics=tuple(stats), notes=notes)


def _listed_objectives(paras: list[_Para], para: _Para) -> list[str]:
    """Objective numbers of the bullet list that follows a paragraph ending in ``:``."""
    if not para.text.endswith(":"):
        return []
    k = paras.index(para)
    numbers = []
    for nxt in paras[k + 1 :]:
        m = re.match(r"^•?\s*Objetivo (\d{1,2})\.", nxt.text)
        if not m:
            break
        numbers.append(m.group(1))
    return numbers


def _number_type_pairs(text: str) -> list[tuple[float, str, int]]:
    """``N <actor type>`` pairs of a list like ``32 dependencias de la APF, 16 entidades federativas, …``.

    Up to three words may stand between the number and the type (``ambas cámaras del Poder
    Legislativo``, ``un órgano del Poder Judicial``, ``por primera vez 4 osc``).
    """
    out = []
    for m in re.finditer(rf"\b({_NUMBER})\s+", text, re.IGNORECASE):
        gap = re.match(r"(?:[a-záéíóúñ]+\s+){0,3}", text[m.end() :])
        words = gap.group(0).split() if gap else []
        for cut in range(len(words) + 1):
            start = m.end() + sum(len(w) + 1 for w in words[:cut])
            t = _TYPE_RX.match(text, start)
            if t:
                out.append((_number(m.group(1)), _type_of(t), m.start(1)))
                break
    return out


# --------------------------------------------------------------------------------------------
# highlighted practices (the side boxes)

#: Box columns are narrow: their lines have about 25–32 characters, the body text's 45–50.
BOX_LINE_WIDTH = 36
_QUOTED = re.compile(r"“([^”]{4,})”")
_DASH_TITLE = re.compile(r"^(.{8,}?)\s[–-]\s([A-ZÁÉÍÓÚÑ]{3,})\b")
_NAMED = re.compile(r"^(?:(?:El|La|Los|Las)\s+)?(.{8,}?)\s\(([A-ZÁÉÍÓÚÑ]{3,9})\)")
_STATE_GOVERNMENTS = re.compile(r"\b[Ll]os gobiernos de (.+?) reporta|\b[Ee]l gobierno de (.+?) reporta")
_COORDINATED_BY = re.compile(r"\bcoordinad[oa] por (?:el |la )?(.+?)(?:,\s+para\b|\.|$)")
_ARTICLE_SPLIT = re.compile(r",?\s+(?:y\s+)?(?:el|la|los|las)\s+|\s+y\s+(?:el|la)\s+")
_FIGURE_SENTENCE = re.compile(r"\d")


def _narrow(block: Sequence[Line]) -> bool:
    widths = sorted(len(ln.text.strip()) for ln in block)
    return widths[len(widths) // 2] <= BOX_LINE_WIDTH


def _programme_mark(text: str) -> bool:
    return bool(_QUOTED.search(text) or _DASH_TITLE.match(text) or _NAMED.match(text))


def _box_texts(lines: Sequence[Line]) -> list[tuple[str, list[Line]]]:
    """The side boxes that describe a programme: runs of narrow blocks, each opened by a block that names one
    (a quoted programme name, a ``TITLE – ACTOR`` heading or a name introduced with its acronym)."""
    boxes: list[list[Line]] = []
    for block in _blocks(lines, split_at_page_starts=True):
        if not _narrow(block):
            continue
        text = join_wrapped(block)
        if _programme_mark(text) or not boxes or boxes[-1][-1].number < block[0].number - 3:
            boxes.append(list(block))
        else:
            boxes[-1].extend(block)
    out = []
    for box in boxes:
        text = join_wrapped(box)
        if _programme_mark(text):
            out.append((text, box))
    return out


def _chapter_of(text: str) -> str:
    if _STATE_GOVERNMENTS.search(text):
        return "ef"
    if re.search(r",?\s+A\.?\s?C\.?\s+\(|\bI\.?A\.?P\.?\s+\(", text):
        return "osc"
    if re.search(r"\bPoder Judicial\b", text):
        return "pj"
    return "apf"


def _split_names(text: str) -> list[str]:
    """``el Registro Nacional de Población, la Secretaría de Educación Pública y la Unidad …`` → three names."""
    return [p.strip(" ,") for p in _ARTICLE_SPLIT.split(" " + text.strip()) if p.strip(" ,")]


def highlights(lines: Sequence[Line], info: ReportInfo) -> list[Action]:
    """The programmes the infographic's side boxes describe, as actions with no objective yet (``objective=0``).

    The infographic prints no objective for them; :func:`ingest.classify.objectives.place_actions` infers one from
    the actions of the other editions. A box reported by several state governments becomes one action per state,
    as the Compendio lists them. The first sentence(s) are the description; the sentences that state a figure
    after them are the results.
    """
    kept = clean(lines, CLEANING_STEPS)
    out: list[Action] = []
    for text, box in _box_texts(kept):
        quoted, dash, named = _QUOTED.search(text), _DASH_TITLE.match(text), _NAMED.match(text)
        title = quoted.group(1) if quoted else dash.group(1) if dash else named.group(1) if named else ""
        title = title.strip().rstrip(",")
        chapter = _chapter_of(text)
        reporters: list[tuple[str, tuple[str, ...]]]  # (actor text, actor names), one action each
        governments = _STATE_GOVERNMENTS.search(text)
        coordinated = _COORDINATED_BY.search(text)
        if governments:
            states = re.split(r"\s+y\s+(?:de\s+)?|,\s*(?:de\s+)?", governments.group(1) or governments.group(2))
            reporters = [(s.strip(), ()) for s in states if s.strip()]
        elif dash:
            reporters = [(dash.group(2), ())]
        elif named and not (named.group(2) and coordinated):
            reporters = [(named.group(2), ())]
        elif coordinated:
            reporters = [("", tuple(_split_names(coordinated.group(1))))]
        else:
            reporters = [("", ())]
        sentences = re.split(r"(?<=[.;])\s+(?=[A-ZÁÉÍÓÚÑ])", text)
        first_figure = next((i for i, s in enumerate(sentences) if i and _FIGURE_SENTENCE.search(s)), len(sentences))
        description = " ".join(sentences[:first_figure]).strip()
        results = " ".join(sentences[first_figure:]).strip()
        span = SourceSpan(info.file, box[0].number, box[-1].number, quote_of(text))
        for actor_text, names in reporters:
            out.append(
                Action(
                    edition=info.year,
                    report=info.slug,
                    chapter=chapter,
                    objective=0,
                    number=len(out) + 1,
                    title=title,
                    actor_text=actor_text,
                    description=description,
                    source=span,
                    results=results,
                    has_results=bool(results),
                    actors=names,
                    derivation=(("title", "a side box of the infographic: the programme it names"),),
                )
            )
    return out
