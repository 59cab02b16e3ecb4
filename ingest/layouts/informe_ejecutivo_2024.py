"""Layout of the *Informe Ejecutivo 2024*: summary prose, no action list.

The parser reads the figures the report states about itself (section II, the per-objective
paragraphs of section III, the analysis of section IV) and the challenge-category glossary of
section VI. Every figure is read from the prose; the wording varies from paragraph to paragraph,
so the count sentences are tokenised into numbers and actor-type mentions and paired by position
(see ``corpus-formats.md``, 2024 Informe Ejecutivo, and ``stated-counts-notes.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ingest.errors import ReportFormatError
from ingest.records import CategoryDefinition, ParsedReport, ReportInfo, SourceSpan, StatedStatistic
from ingest.text import Line, fold_accents, join_wrapped, normalise_space, quote_of, upper_ratio

GCM_OBJECTIVES = 23  # the Global Compact has 23 objectives; section III has one paragraph each

SECTION_RX = re.compile(r"^(VI|V|IV|III|II|I)\. (\S.*)$")
OBJECTIVE_RX = re.compile(r"^OBJETIVO (\d{1,2})\s*(\*\*)?(.*?)(\*\*)?\s*$")
SUBSECTION_RX = re.compile(r"^(?:[a-e]|\d)\.(?:\d\.)?\s+([A-ZÁÉÍÓÚ].*)$")
PAGE_NUMBER_RX = re.compile(r"^\s*\d{1,3}\s*$")
FOOTNOTE_RX = re.compile(r"^\s*\d{1,2}\.\s+\S+\s+<https?://")

#: Actor-type mentions in the prose, by export actor type (contract §3).
ACTOR_TYPE_PATTERNS: dict[str, str] = {
    "APF": r"(?:dependencias de la\s+|la\s+)?(?:Administraci[oó]n P[uú]blica Federal|APF)\b",
    "ENTIDAD_FEDERATIVA": r"(?:gobiernos estatales|entidad(?:es)? federativas?)",
    "PODER_JUDICIAL": r"(?:instancias del\s+)?Poder Judicial",
    "PODER_LEGISLATIVO": r"Poder Legislativo",
    "OCA": r"(?:Organismos? Constitucional(?:es)? Aut[oó]nomos?|[OÓ]rganos? Constitucional(?:es)? Aut[oó]nomos?"
    r"|organismos? aut[oó]nomos? constitucional(?:es)?"
    r"|organismos? p[uú]blicos? aut[oó]nomos?|\bOCA\b)",
    "OSC": r"(?:Organizaciones de la Sociedad Civil|\bosc\b)",
}
_TYPE_RX = re.compile("|".join(f"(?P<{k}>{v})" for k, v in ACTOR_TYPE_PATTERNS.items()), re.IGNORECASE)

#: Spanish number words used in the prose instead of digits.
NUMBER_WORDS = {"una": 1, "uno": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7}
_WORD_NUMBER = r"(?:una|uno|dos|tres|cuatro|cinco|seis|siete)"

#: Challenge categories: contract §6 slug for each glossary label (accents folded, lower case).
CATEGORY_SLUGS: dict[str, str] = {
    "ampliacion de la cobertura de los programas y acciones": "ampliacion-cobertura",
    "barreras culturales y de idioma": "barreras-culturales-idioma",
    "cambio en el contexto nacional e internacional: situacion politica/economica/social/climatica": "cambio-contexto",
    "cobertura ante situaciones de emergencia": "cobertura-emergencias",
    "coordinacion y cooperacion inter e intrainstitucional": "coordinacion-interinstitucional",
    "cumplimiento de la normatividad por parte de los actores": "cumplimiento-normatividad",
    "dificultad para el ingreso a puntos de revision migratoria o estaciones migratorias": (
        "acceso-estaciones-migratorias"
    ),
    "difusion de informacion, programas o servicios": "difusion-informacion",
    "falta de documentos de las personas migrantes": "falta-documentos",
    "falta de indicadores de evaluacion y seguimiento a los programas y acciones": "falta-indicadores",
    "falta de recursos financieros, materiales, humanos y tecnologicos": "falta-recursos",
    "falta de simplificacion y agilizacion de tramites por parte de las autoridades": "simplificacion-tramites",
    "formulacion, publicacion o actualizacion de leyes, marcos normativos, protocolos etc.": "marcos-normativos",
    "fortalecimiento de la capacitacion, profesionalizacion y sensibilizacion de los servidores publicos": (
        "capacitacion-servidores-publicos"
    ),
    "fortalecimiento del tejido social": "tejido-social",
    "garantizar el pleno respeto a los derechos humanos en la implementacion de programas": "derechos-humanos",
    "incorporacion de nuevos actores involucrados en la migracion": "nuevos-actores",
    "obtencion, uso y uso de informacion sobre la materia": "informacion-sobre-la-materia",
    "obstaculos legales": "obstaculos-legales",
    "seguimiento de tramites y servicios por parte de la poblacion migrante": "seguimiento-tramites-poblacion",
}

#: The report's four-way classification of the population served (000 §IV b), phrase → slug.
POPULATION_PHRASES: dict[str, str] = {
    "personas migrantes extranjeras": "extranjeros",
    "mexicanos en el exterior": "mexicanos-exterior",
    "mexicanos retornados": "retornados",
    "no especificaron": "no-especificado",
}


def _key(text: str) -> str:
    """Accent-folded, lower-cased, space-normalised text for vocabulary look-ups."""
    return normalise_space(fold_accents(text).lower().replace("*", ""))


@dataclass(slots=True)
class _Para:
    """A paragraph: its joined text and the lines it spans."""

    text: str
    lines: list[Line]

    @property
    def first(self) -> int:
        return self.lines[0].number

    @property
    def last(self) -> int:
        return self.lines[-1].number


@dataclass(slots=True)
class _Section:
    """One roman-numeral section (or lettered sub-section) and its paragraphs."""

    title: str
    line: int
    paras: list[_Para] = field(default_factory=list)


def _paragraphs(lines: Sequence[Line]) -> list[_Para]:
    """Paragraphs of non-blank lines; page numbers are skipped, page-broken paragraphs re-joined."""
    paras: list[_Para] = []
    current: list[Line] = []
    for ln in lines:
        if PAGE_NUMBER_RX.match(ln.text) or ln.blank:
            if current and not ln.blank:
                continue  # a page number inside a paragraph
            if current:
                paras.append(_Para(join_wrapped(current), current))
                current = []
            continue
        current.append(ln)
    if current:
        paras.append(_Para(join_wrapped(current), current))
    merged: list[_Para] = []
    for p in paras:
        prev = merged[-1] if merged else None
        if prev and not prev.text.endswith((".", ":", "”", '"')) and (p.text[:1].islower() or prev.text.endswith("-")):
            lines_ = prev.lines + p.lines
            merged[-1] = _Para(join_wrapped(lines_), lines_)
        else:
            merged.append(p)
    return merged


def _sections(lines: Sequence[Line]) -> dict[str, _Section]:
    """The roman-numeral sections of the body (the table of contents uses tabs and is skipped)."""
    marks: list[tuple[str, Line]] = []
    for ln in lines:
        m = SECTION_RX.match(ln.text)
        if m and upper_ratio(m.group(2)) >= 0.9:
            marks.append((m.group(1), ln))
    out: dict[str, _Section] = {}
    for k, (roman, ln) in enumerate(marks):
        end = marks[k + 1][1].number if k + 1 < len(marks) else lines[-1].number + 1
        body = [x for x in lines if ln.number < x.number < end]
        out[roman] = _Section(ln.text.strip(), ln.number, _paragraphs(body))
    return out


def _stat(info: ReportInfo, key: str, value: float, para: _Para, unit: str = "count", **quals: str) -> StatedStatistic:
    """A stated statistic sourced to one paragraph."""
    span = SourceSpan(info.file, para.first, para.last, quote_of(para.text))
    return StatedStatistic(
        report=info.slug,
        key=key,
        value=float(value),
        source=span,
        qualifiers=tuple(sorted(quals.items())),
        unit=unit,
    )


# ---------------------------------------------------------------------------------------------
# Section III: one count sentence per objective
# ---------------------------------------------------------------------------------------------

_TOKEN_RX = re.compile(
    r"(?P<paren>\((?P<pnum>\d+)\))"
    r"|(?P<resp>(?P<rlist>\d+(?:\s*(?:,|y)\s*\d+)+),?\s+respectivamente)"
    r"|(?P<todas>\btodas\b)"
    rf"|(?P<num>\b\d+\b|\b{_WORD_NUMBER}\b(?=\s+(?:por|m[aá]s|de ellas|al?|reportadas?)\b))"
    r"|(?P<type>" + _TYPE_RX.pattern + r")",
    re.IGNORECASE,
)
_TOTAL_RX = re.compile(
    rf"total de (?P<a>\d+)|(?P<b>\d+|{_WORD_NUMBER}) acciones(?! m[aá]s)(?! reportadas? por un)", re.IGNORECASE
)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token.lower()]


def _type_of(match: re.Match[str]) -> str:
    for name in ACTOR_TYPE_PATTERNS:
        if match.group(name):
            return name
    raise AssertionError("unreachable")


def count_sentence(text: str) -> tuple[int | None, dict[str, int]]:
    """The total and the per-actor-type counts stated in one section III count paragraph.

    Handles ``tipo (N)``, ``(N) tipo``, ``N … tipo`` (``27 corresponden a dependencias``, ``una por
    una entidad``), ``divididas en 4, 2 y 1, respectivamente`` and ``todas … por tipo``.
    """
    objective_numbers = {m.end() for m in re.finditer(r"objetivo\s+\d+", text, re.IGNORECASE)}
    total_match = None
    for m in _TOTAL_RX.finditer(text):
        if m.group("a"):
            total_match = m
            break
        total_match = total_match or m
    total = _number(total_match.group("a") or total_match.group("b")) if total_match else None
    total_pos = total_match.start("a") if total_match and total_match.group("a") else None
    if total_match and total_pos is None:
        total_pos = total_match.start("b")
    tokens = []
    for m in _TOKEN_RX.finditer(text):
        if m.group("num") and (m.end() in objective_numbers or m.start() == total_pos):
            continue
        tokens.append(m)
    counts: dict[str, int] = {}
    types_seen: list[str] = []
    assigned: set[int] = set()  # start offsets of the type mentions that already have a number
    for k, tok in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        prev = tokens[k - 1] if k > 0 else None
        if tok.group("type"):
            types_seen.append(_type_of(tok))
        elif tok.group("paren"):
            # "tipo (N)" unless that type already has its number: then "(N) tipo"
            if prev is not None and prev.group("type") and prev.start() not in assigned:
                counts[_type_of(prev)] = int(tok.group("pnum"))
                assigned.add(prev.start())
            elif nxt is not None and nxt.group("type"):
                counts[_type_of(nxt)] = int(tok.group("pnum"))
                assigned.add(nxt.start())
        elif tok.group("resp"):
            values = [int(v) for v in re.findall(r"\d+", tok.group("rlist"))]
            ordered = list(dict.fromkeys(types_seen))[-len(values) :]
            if len(ordered) == len(values):
                counts.update(zip(ordered, values, strict=True))
        elif tok.group("todas"):
            if nxt is not None and nxt.group("type") and total is not None:
                counts[_type_of(nxt)] = total
        elif tok.group("num") and nxt is not None and nxt.group("type"):
            counts[_type_of(nxt)] = _number(tok.group("num"))
            assigned.add(nxt.start())
    return total, counts


def _section_three(
    info: ReportInfo, sec: _Section, first_objective: int = 1, complete: bool = True
) -> tuple[list[StatedStatistic], list[str]]:
    """Per-objective totals and per-actor-type counts of section III."""
    stats: list[StatedStatistic] = []
    notes: list[str] = []
    seen: list[int] = [first_objective - 1] if first_objective > 1 else []
    paras = sec.paras
    for k, para in enumerate(paras):
        m = OBJECTIVE_RX.match(para.lines[0].text)
        if not m:
            continue
        objective = int(m.group(1))
        expected = seen[-1] + 1 if seen else 1
        if objective != expected:
            raise ReportFormatError(info.file, para.first, f"OBJETIVO {expected}", para.lines[0].text.strip())
        seen.append(objective)
        if k + 1 >= len(paras) or OBJECTIVE_RX.match(paras[k + 1].lines[0].text):
            raise ReportFormatError(info.file, para.last + 1, f"the count paragraph of objective {objective}", "")
        body = paras[k + 1]
        total, counts = count_sentence(body.text)
        if total is None:
            raise ReportFormatError(info.file, body.first, f"the number of actions of objective {objective}", body.text)
        quals = {"objective": str(objective), "section": "III"}
        stats.append(_stat(info, "actions", total, body, **quals))
        for actor_type, value in counts.items():
            stats.append(_stat(info, "actions", value, body, actor_type=actor_type, **quals))
        if counts and sum(counts.values()) != total:
            notes.append(f"objective {objective}: parts {sum(counts.values())} != stated total {total}")
    if complete and len(seen) < GCM_OBJECTIVES:
        found = seen[-1] if seen else 0
        raise ReportFormatError(info.file, sec.paras[-1].last if sec.paras else sec.line, f"OBJETIVO {found + 1}", "")
    return stats, notes


# ---------------------------------------------------------------------------------------------
# Sections II and IV: headline figures
# ---------------------------------------------------------------------------------------------


def _sentences(para: _Para) -> Iterator[str]:
    """The sentences of a paragraph (split after a period followed by a capital)."""
    yield from re.split(r"(?<=[.;])\s+(?=[A-ZÁÉÍÓÚ])", para.text)


def _number_type_pairs(text: str) -> list[tuple[int, str]]:
    """``N <actor type>`` pairs in order (``38 dependencias de la APF``, ``6 del Poder Legislativo``)."""
    out = []
    for m in re.finditer(r"\b(\d+)\s+", text):
        # up to three lower-case words may stand between ("183 acciones provenientes de dependencias")
        words = re.match(r"(?:[a-záéíóúñ/]+\s+){0,4}", text[m.end() :])
        gap = words.group(0) if words else ""
        for cut in range(len(gap.split()) + 1):
            start = m.end() + len(" ".join(gap.split()[:cut])) + (1 if cut else 0)
            t = _TYPE_RX.match(text, start)
            if t:
                out.append((int(m.group(1)), _type_of(t)))
                break
    return out


def _require(info: ReportInfo, found: object, line: int, expected: str) -> None:
    if not found:
        raise ReportFormatError(info.file, line, expected)


def _section_two(info: ReportInfo, sec: _Section) -> list[StatedStatistic]:
    """Participants and the total number of actions stated in section II."""
    stats = []
    for para in sec.paras:
        m_inst = re.search(r"participaci[oó]n de (\d+) instancias", para.text)
        m_states = re.search(r"(\d+) gobiernos estatales", para.text)
        m_total = re.search(r"(\d+) (?:programas y/o acciones|acciones y/o programas)", para.text)
        if m_inst:
            stats.append(_stat(info, "participants_excluding_states", int(m_inst.group(1)), para, section="II"))
        if m_states:
            stats.append(
                _stat(info, "participants", int(m_states.group(1)), para, actor_type="ENTIDAD_FEDERATIVA", section="II")
            )
        if m_total:
            stats.append(_stat(info, "actions", int(m_total.group(1)), para, section="II"))
    _require(info, stats, sec.line, "the number of participating bodies and actions in section II")
    return stats


_PAREN_TEXT_RX = re.compile(r"\((?!objetivos? \d+\))(?!\d+\))[^()]*\)")
_OBJ_COUNT_RX = re.compile(
    rf"(?P<obj>\bobjetivos?\s+(?P<n>\d+))|(?P<count>(?:\bcon|acciones)\s+\(?(?P<c>\d+|{_WORD_NUMBER})\)?(?:\s+acciones)?)",
    re.IGNORECASE,
)


def objective_counts(text: str) -> dict[int, int]:
    """Counts per objective in prose like ``el objetivo 10 (…) con 22 acciones y por los objetivos 7, …``.

    Parenthesised objective titles are dropped; each count applies to the objectives named since
    the previous count. ``(objetivo 19) con tres acciones`` and ``acciones (27)`` are understood.
    """
    text = _PAREN_TEXT_RX.sub("", text)
    text = re.sub(r"\(objetivos?\s+(\d+)\)", r"objetivo \1", text)
    out: dict[int, int] = {}
    pending: list[int] = []
    for m in _OBJ_COUNT_RX.finditer(text):
        if m.group("obj"):
            pending.append(int(m.group("n")))
        elif pending and re.search(r"\bacci", m.group("count") + text[m.end() : m.end() + 10]):
            value = _number(m.group("c"))
            for objective in pending:
                out[objective] = value
            pending = []
    return out


def _subsections(sec: _Section) -> list[_Section]:
    """The lettered/numbered sub-sections of section IV (the paragraphs before the first one too)."""
    out = [_Section(sec.title, sec.line)]
    for para in sec.paras:
        m = SUBSECTION_RX.match(para.text)
        if m and len(para.text) < 200 and not para.text.endswith("."):
            out.append(_Section(m.group(1), para.first))
        else:
            out[-1].paras.append(para)
    return out


def _actor_type_in(text: str) -> str | None:
    m = _TYPE_RX.search(text)
    return _type_of(m) if m else None


def _institution_in(sentence: str) -> str | None:
    """The acronym of the institution a sentence names, from ``(ACR)`` or the capitals of its name."""
    m = re.search(r"\(([A-Z]{2,})\)", sentence)
    if m:
        return m.group(1)
    for chain in re.finditer(r"(?:[A-ZÁÉÍÓÚ][\wáéíóúñ]+(?:\s+(?:de la|de los|del|de|y)\s+|\s+)){2,}", sentence):
        words = [w for w in re.findall(r"[\wáéíóúñ]+", chain.group(0)) if w[:1].isupper()]
        if words and words[0] in ("La", "El", "Los", "Las"):
            words = words[1:]
        name = " ".join(words)
        if len(words) >= 3 and not _TYPE_RX.fullmatch(name):
            return "".join(w[0] for w in words).upper()
    return None


def _section_four(info: ReportInfo, sec: _Section) -> list[StatedStatistic]:
    """Headline figures of section IV: totals, participants, per-type and per-objective counts, shares."""
    stats: list[StatedStatistic] = []
    subs = _subsections(sec)
    intro = subs[0]
    for para in intro.paras:
        for sentence in _sentences(para):
            m_total = re.search(r"totalizando (\d+) acciones", sentence)
            if m_total:
                stats.append(_stat(info, "actions", int(m_total.group(1)), para, section="IV"))
            if re.search(r"participaci[oó]n de", sentence):
                for value, actor_type in _number_type_pairs(sentence):
                    stats.append(_stat(info, "participants", value, para, actor_type=actor_type, section="IV"))
            elif re.search(r"\bacciones\b", sentence):
                for value, actor_type in _number_type_pairs(sentence):
                    stats.append(_stat(info, "actions", value, para, actor_type=actor_type, section="IV"))
    _require(info, stats, sec.line, "the totals of section IV")
    for sub in subs[1:]:
        title = _key(sub.title)
        actor_type = _actor_type_in(sub.title)
        for para in sub.paras:
            stats.extend(_subsection_figures(info, title, actor_type, para))
    return stats


def _subsection_figures(info: ReportInfo, title: str, actor_type: str | None, para: _Para) -> list[StatedStatistic]:
    """The figures one paragraph of a section IV sub-section states."""
    out: list[StatedStatistic] = []
    text = para.text
    if title.startswith("acciones por objetivo") and "menos acciones" in text:
        for objective, value in objective_counts(text).items():
            out.append(_stat(info, "actions", value, para, objective=str(objective), section="IV"))
    elif actor_type == "ENTIDAD_FEDERATIVA":
        counts = objective_counts(text)
        if not counts and re.search(r"\bno se presentaron\b", text):
            bare = _PAREN_TEXT_RX.sub("", text)
            listed = re.findall(r"objetivos?\s+(\d+(?:\s*(?:,|y)\s*\d+)*)", bare)
            counts = {int(n): 0 for group in listed for n in re.findall(r"\d+", group)}
        for objective, value in counts.items():
            quals = {"objective": str(objective), "actor_type": actor_type, "section": "IV"}
            out.append(_stat(info, "actions", value, para, **quals))
    elif actor_type in ("PODER_JUDICIAL", "OCA", "OSC"):
        for sentence in re.split(r"(?<=\.)\s+(?=[A-ZÁÉÍÓÚ])", text):
            m_act = re.search(r"(?:total de|reporte de|presentaron)\s+(\d+)", sentence)
            m_org = re.search(r"(\d+)\s+organizaciones", sentence)
            m_obj = re.search(r"distribuidas en (\d+) objetivos", sentence)
            quals = {"actor_type": actor_type, "section": "IV"}
            if m_act:
                institution = _institution_in(sentence) if actor_type == "PODER_JUDICIAL" else None
                if institution:
                    quals["institution"] = institution
                n_actions = int(m_act.group(1))
                out.append(_stat(info, "actions", n_actions, para, **quals))
                if re.search(r"misma cantidad de objetivos", sentence):
                    out.append(_stat(info, "objectives_covered", n_actions, para, **quals))
            if m_obj:
                out.append(_stat(info, "objectives_covered", int(m_obj.group(1)), para, **quals))
            if m_org:
                out.append(_stat(info, "participants", int(m_org.group(1)), para, **quals))
    elif "poblacion" in title:
        for m in re.finditer(r"(\d+(?:\.\d+)?)\s*%", text):
            after = _key(text[m.end() : m.end() + 80])
            slug = next((s for phrase, s in POPULATION_PHRASES.items() if phrase in after), None)
            if slug:
                out.append(
                    _stat(info, "population_share", float(m.group(1)), para, "percent", population=slug, section="IV")
                )
    elif "genero" in title or "discapacidad" in title:
        m = re.search(r"(\d+(?:\.\d+)?)\s*%", text)
        if m:
            key = "gender_focus_share" if "genero" in title else "disability_focus_share"
            out.append(_stat(info, key, float(m.group(1)), para, "percent", section="IV"))
    elif title.startswith("retos"):
        out.extend(_challenge_figures(info, para))
    return out


def _challenge_figures(info: ReportInfo, para: _Para) -> list[StatedStatistic]:
    """Total challenges, the number of categories and the per-category counts (``(58) … falta de recursos``)."""
    out = []
    text = para.text
    m_total = re.search(r"total de (\d+) retos", text)
    if m_total:
        out.append(_stat(info, "challenges", int(m_total.group(1)), para, section="IV"))
    m_sections = re.search(r"categorizados en (\d+) secciones", text)
    if m_sections:
        out.append(_stat(info, "challenge_categories", int(m_sections.group(1)), para, section="IV"))
    folded = _key(text)
    for m in re.finditer(r"\((\d+)\)", folded):
        sentence_end = folded.find(". ", m.end())
        window = folded[m.end() : sentence_end if sentence_end > 0 else len(folded)]
        hits = [(window.find(label), slug) for label, slug in CATEGORY_SLUGS.items() if label in window]
        if hits:
            slug = min(hits)[1]
            out.append(_stat(info, "challenge_category_count", int(m.group(1)), para, category=slug, section="IV"))
    return out


# ---------------------------------------------------------------------------------------------
# Section VI: challenge-category glossary
# ---------------------------------------------------------------------------------------------


def _glossary(info: ReportInfo, sec: _Section, lines: Sequence[Line]) -> tuple[list[CategoryDefinition], list[str]]:
    """Category title / definition pairs up to the colophon (a line with the report's own title)."""
    end = next((ln.number for ln in lines if ln.number > sec.line and ln.text.strip() == info.title), None)
    if end is None:
        raise ReportFormatError(info.file, lines[-1].number, f"the closing colophon '{info.title}'", "end of file")
    paras = [p for p in sec.paras if p.last < end and not FOOTNOTE_RX.match(p.text)]
    out: list[CategoryDefinition] = []
    notes: list[str] = []
    k = 0
    while k < len(paras):
        title = paras[k]
        if k + 1 >= len(paras):
            raise ReportFormatError(info.file, title.last + 1, f"the definition of '{title.text}'", "")
        definition = paras[k + 1]
        if len(title.text) > 140 or len(definition.text) < len(title.text):
            raise ReportFormatError(info.file, title.first, "a category title followed by its definition", title.text)
        label = re.sub(r"[¹²³]", "", title.text)
        slug = CATEGORY_SLUGS.get(_key(label))
        if slug is None:
            slug = re.sub(r"[^a-z0-9]+", "-", _key(label)).strip("-")[:40]
            notes.append(f"glossary category not in contract §6: {label!r} (slug {slug})")
        span = SourceSpan(info.file, title.first, definition.last, quote_of(title.text))
        out.append(
            CategoryDefinition(slug=slug, label=label, definition=re.sub(r"[¹²³]", "", definition.text), source=span)
        )
        k += 2
    if not out:
        raise ReportFormatError(info.file, sec.line, "challenge categories in the glossary", "")
    return out, notes


def parse(lines: list[Line], info: ReportInfo) -> ParsedReport:
    """Stated statistics and challenge-category definitions of the Informe Ejecutivo 2024."""
    if not lines:
        raise ReportFormatError(info.file, 1, "the text of the Informe Ejecutivo", "an empty file")
    sections = _sections(lines)
    for roman, what in (("II", "section II (Conformación)"), ("III", "section III (objectives)")):
        if roman not in sections:
            raise ReportFormatError(info.file, lines[-1].number, f"{roman}. heading of {what}", "end of file")
    stats = _section_two(info, sections["II"])
    three, notes = _section_three(info, sections["III"])
    stats.extend(three)
    for roman, what in (("IV", "section IV (analysis)"), ("VI", "section VI (glossary)")):
        if roman not in sections:
            raise ReportFormatError(info.file, lines[-1].number, f"{roman}. heading of {what}", "end of file")
    stats.extend(_section_four(info, sections["IV"]))
    categories, glossary_notes = _glossary(info, sections["VI"], lines)
    notes.extend(glossary_notes)
    return ParsedReport(info=info, statistics=tuple(stats), categories=tuple(categories), notes=tuple(notes))


# ---------------------------------------------------------------------------------------------
# Fragments (golden fixtures): one part of the report, no completeness check
# ---------------------------------------------------------------------------------------------


def _fragment(lines: Sequence[Line], title: str = "") -> _Section:
    start = lines[0].number if lines else 1
    return _Section(title, start, _paragraphs(lines))


def objective_statistics(lines: Sequence[Line], info: ReportInfo, first_objective: int = 1) -> list[StatedStatistic]:
    """The section III figures of a run of ``OBJETIVO N`` headings and their count paragraphs."""
    stats, _ = _section_three(info, _fragment(lines), first_objective, complete=False)
    return stats


def analysis_statistics(lines: Sequence[Line], info: ReportInfo) -> list[StatedStatistic]:
    """The figures of section IV (the lines after its heading)."""
    return _section_four(info, _fragment(lines))


def glossary_categories(lines: Sequence[Line], info: ReportInfo) -> list[CategoryDefinition]:
    """The categories of the section VI glossary (the lines after its heading, up to the colophon)."""
    section = _fragment(lines)
    section.line = section.line - 1
    categories, _ = _glossary(info, section, lines)
    return categories
