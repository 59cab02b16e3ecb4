"""Typed records produced by the report parsers.

Every record is a frozen dataclass and keeps where it came from (:class:`SourceSpan`).
Parsers fill the *printed* fields (title, actor text, description, results, challenges);
``ingest.enrich`` then adds the derived ones (canonical actors, partners, populations,
focus flags) with :func:`dataclasses.replace`. Nothing here knows about RDF or Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Chapter keys used in action ids (contract §1) mapped to export actor types (contract §3).
CHAPTER_ACTOR_TYPES: dict[str, str] = {
    "apf": "APF",
    "ef": "ENTIDAD_FEDERATIVA",
    "pj": "PODER_JUDICIAL",
    "pl": "PODER_LEGISLATIVO",
    "oca": "OCA",
    "osc": "OSC",
}
ACTOR_TYPE_CHAPTERS: dict[str, str] = {v: k for k, v in CHAPTER_ACTOR_TYPES.items()}


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Lines of a corpus file (1-based, inclusive) a record was read from."""

    file: str
    line_start: int
    line_end: int
    quote: str = ""  # the first words of the span, for citation

    def __post_init__(self) -> None:
        if self.line_start < 1 or self.line_end < self.line_start:
            raise ValueError(f"bad span {self.file}:{self.line_start}-{self.line_end}")


@dataclass(frozen=True, slots=True)
class Challenge:
    """One reported challenge (reto): a bullet or a prose block under RETOS."""

    text: str
    source: SourceSpan
    categories: tuple[str, ...] = ()  # challenge-category slugs, primary first (contract §6)
    category_method: str = ""  # how the categories were derived


@dataclass(frozen=True, slots=True)
class Action:
    """One programme, action or good practice as a report lists it."""

    edition: int  # the report year (2024, 2020, 2018)
    report: str  # report slug, e.g. "2024-compendio-general"
    chapter: str  # one of CHAPTER_ACTOR_TYPES
    objective: int  # GCM objective 1..23
    number: int  # the number printed before the title (or the bullet's rank)
    title: str
    actor_text: str  # the actor as printed after the dash / in parentheses ("" when absent)
    description: str
    source: SourceSpan
    results: str = ""
    has_results: bool = True
    challenges: tuple[Challenge, ...] = ()
    no_challenges_reported: bool = False
    # derived by ingest.enrich (or by the parser where the layout states it)
    actors: tuple[str, ...] = ()  # canonical acronyms; a state government is the state's name
    actor_inferred: bool = False  # True when the actor is not printed but inferred (2018, missing actor)
    state: str | None = None  # canonical state name for an EF action
    partners: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    action_types: tuple[str, ...] = ()
    gender_focus: bool = False
    disability_focus: bool = False
    derivation: tuple[tuple[str, str], ...] = ()  # (field, method) notes for derived values
    primary_population: str = ""  # the Informe's four-way group (ingest.classify.primary), "" until derived

    @property
    def actor_type(self) -> str:
        """The export's actor type (contract §3)."""
        return CHAPTER_ACTOR_TYPES[self.chapter]

    @property
    def key(self) -> str:
        """Stable key used in the action URI: ``{edition}-{chapter}-o{objective:02}-{number:02}``."""
        return f"{self.edition}-{self.chapter}-o{self.objective:02d}-{self.number:02d}"


@dataclass(frozen=True, slots=True)
class StatedGoal:
    """A goal a report states for the future ("Objetivos a futuro", 2018)."""

    edition: int
    report: str
    objective: int
    number: int
    text: str
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class StatedStatistic:
    """A figure a report states about itself, with the line it is stated on.

    ``key`` names what is counted, e.g. ``actions``, ``actions_by_actor_type``,
    ``participants_by_actor_type``, ``population_share``, ``gender_focus_share``,
    ``challenge_category_count``, ``challenges_total``. ``qualifiers`` narrows it down
    (objective, actor_type, population, category, year, section) as sorted key/value pairs.
    """

    report: str
    key: str
    value: float
    source: SourceSpan
    qualifiers: tuple[tuple[str, str], ...] = ()
    unit: str = "count"  # "count" or "percent"

    def qualifier(self, name: str) -> str | None:
        """The value of one qualifier, or None."""
        return dict(self.qualifiers).get(name)


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """An acronym and the name it stands for, from a report's annex glossary."""

    acronym: str
    name: str
    source: SourceSpan
    section: str = ""  # e.g. "apf", "entidades", "otras"


@dataclass(frozen=True, slots=True)
class CategoryDefinition:
    """One challenge category of the Informe's glossary (section VI)."""

    slug: str
    label: str
    definition: str
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """One edition of one report, as listed in ``corpus/catalog.toml``."""

    slug: str
    file: str
    year: int
    title: str
    issued: str  # ISO date
    period_start: str
    period_end: str
    layout: str
    kind: str  # "actions" (an action list) or "summary" (stated figures only)


@dataclass(frozen=True, slots=True)
class ProgrammeLink:
    """Two actions that report the same programme (another objective or another edition), with how sure and why."""

    a_key: str  # the smaller action key
    b_key: str
    confidence: float  # in [0, 1]
    evidence: str  # what matched: name similarity, shared words, acronym, institution


@dataclass(frozen=True, slots=True)
class ParsedReport:
    """Everything one parser extracts from one report."""

    info: ReportInfo
    actions: tuple[Action, ...] = ()
    goals: tuple[StatedGoal, ...] = ()
    statistics: tuple[StatedStatistic, ...] = ()
    glossary: tuple[GlossaryTerm, ...] = ()
    categories: tuple[CategoryDefinition, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what the parser noticed (e.g. inferred actors)
    programme_links: tuple[ProgrammeLink, ...] = ()  # links whose first action is in this report (ingest.classify)
