"""Extracted counts set beside every figure the reports state about themselves.

Each stated figure (:class:`StatedStatistic`) is matched to the same count computed from the
extracted actions where one can be computed. Figures that the same report states twice with
different values (a report contradicting itself) are flagged, each with its own line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.records import Action, ParsedReport, StatedStatistic

Ancestors = Callable[[str], tuple[str, ...]]


def no_ancestors(acronym: str) -> tuple[str, ...]:
    """Default parent lookup: institutions have no parents."""
    return ()


#: Qualifiers that say where a figure is stated rather than what it counts.
_WHERE_QUALIFIERS = {"section"}


@dataclass(frozen=True, slots=True)
class ReconcileRow:
    """One stated figure beside the extracted one."""

    report: str
    key: str
    qualifiers: tuple[tuple[str, str], ...]
    stated: float
    unit: str
    file: str
    line: int
    extracted: float | None  # None: nothing extracted to compare with
    status: str  # "match", "differs", "not extracted"
    contradicts: tuple[tuple[float, int], ...] = ()  # other values the same report states, with lines
    explanation: str = ""  # why a derived figure may differ from the stated one (derived keys only)

    @property
    def what(self) -> str:
        """A readable description of what is counted."""
        quals = ", ".join(f"{k}={v}" for k, v in self.qualifiers if k not in _WHERE_QUALIFIERS)
        return f"{self.key}({quals})" if quals else self.key


def _edition_of(stat: StatedStatistic, report_years: dict[str, int]) -> int:
    year = stat.qualifier("year")
    return int(year) if year else report_years[stat.report]


def _matching(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> list[Action]:
    out = list(actions)
    objective = stat.qualifier("objective")
    if objective is not None:
        out = [a for a in out if a.objective == int(objective)]
    objectives = stat.qualifier("objectives")
    if objectives is not None:
        wanted = {int(n) for n in objectives.split(",")}
        out = [a for a in out if a.objective in wanted]
    actor_type = stat.qualifier("actor_type")
    if actor_type is not None:
        out = [a for a in out if a.actor_type == actor_type]
    institution = stat.qualifier("institution")
    if institution is not None:
        out = [a for a in out if any(institution == x or institution in ancestors(x) for x in a.actors)]
    return out


def _count_actions(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> float:
    return float(len(_matching(actions, stat, ancestors)))


def _count_participants(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> float:
    return float(len({actor for a in _matching(actions, stat, ancestors) for actor in a.actors}))


def _count_challenges(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> float:
    return float(sum(len(a.challenges) for a in _matching(actions, stat, ancestors)))


def _share(flag: Callable[[Action], bool]) -> Callable[[Sequence[Action], StatedStatistic, Ancestors], float]:
    def compute(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> float:
        pool = _matching(actions, stat, ancestors)
        return round(100.0 * sum(1 for a in pool if flag(a)) / len(pool), 1) if pool else 0.0

    return compute


def _count_category(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> float:
    category = stat.qualifier("category")
    return float(sum(1 for a in _matching(actions, stat, ancestors) for c in a.challenges if category in c.categories))


def _population_share(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> float:
    group = stat.qualifier("population")
    pool = _matching(actions, stat, ancestors)
    return round(100.0 * sum(1 for a in pool if a.primary_population == group) / len(pool), 1) if pool else 0.0


#: How to compute, from the extracted actions of one edition, the figure a stated key names.
EXTRACTORS: dict[str, Callable[[Sequence[Action], StatedStatistic, Ancestors], float]] = {
    "actions": _count_actions,
    "participants": _count_participants,
    "challenges": _count_challenges,
    "gender_focus_share": _share(lambda a: a.gender_focus),
    "disability_focus_share": _share(lambda a: a.disability_focus),
    "challenge_category_count": _count_category,
    "population_share": _population_share,
}


def _explain_category(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> str:
    category = stat.qualifier("category")
    pool = _matching(actions, stat, ancestors)
    retos = [c for a in pool for c in a.challenges]
    primary = sum(1 for c in retos if c.categories[:1] == (category,))
    return (
        f"derived by keyword rules (ingest/data/challenge_categories.toml), and a small model trained on the "
        f"hand-labelled development retos where no rule applies, over the {len(retos)} retos extracted "
        f"(the Informe counts 326 after its own grouping, not printed per reto); a reto may get several categories: "
        f"{primary} have this one as their primary category; see `migrakg evaluate` for their accuracy"
    )


def _explain_population(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> str:
    pool = _matching(actions, stat, ancestors)
    unspecified = sum(1 for a in pool if a.primary_population == "no-especificado")
    return (
        "the Informe's shares come from a form field the reporting institutions filled in, not printed in the "
        f"Compendio; here the group is derived from the action's text (ingest/classify/primary.py), and "
        f"{unspecified} of {len(pool)} actions name no foreign, Mexican-abroad or returned population, so "
        "'no-especificado' is larger and the other shares smaller than stated"
    )


def _explain_focus(kind: str) -> Callable[[Sequence[Action], StatedStatistic, Ancestors], str]:
    def explain(actions: Sequence[Action], stat: StatedStatistic, ancestors: Ancestors) -> str:
        return (
            f"the Informe's figure is what the institutions declared in a yes/no form field on {kind}; here it is "
            "derived from the text (an explicit focus stated in the title or description, populations.toml), "
            "which many actions that declared the focus never write down"
        )

    return explain


#: Why a derived figure may differ from the stated one (keys whose extracted value is derived, not counted).
EXPLAINERS: dict[str, Callable[[Sequence[Action], StatedStatistic, Ancestors], str]] = {
    "challenge_category_count": _explain_category,
    "population_share": _explain_population,
    "gender_focus_share": _explain_focus("women and girls"),
    "disability_focus_share": _explain_focus("persons with disabilities"),
}


def reconcile(reports: Sequence[ParsedReport], ancestors: Ancestors = no_ancestors) -> list[ReconcileRow]:
    """Every stated figure of every report beside its extracted counterpart, in report order.

    ``ancestors`` gives an institution's parent units, so that a figure stated for SCJN also
    counts the actions of its units (UGCCDH).
    """
    report_years = {r.info.slug: r.info.year for r in reports}
    actions_by_edition: dict[int, list[Action]] = defaultdict(list)
    for r in reports:
        if r.info.kind == "actions":  # a summary's highlighted practices are a selection: nothing to count
            actions_by_edition[r.info.year].extend(r.actions)

    stats = [s for r in reports for s in r.statistics]
    groups: dict[tuple, list[StatedStatistic]] = defaultdict(list)
    for s in stats:
        what = tuple((k, v) for k, v in s.qualifiers if k not in _WHERE_QUALIFIERS)
        groups[(s.report, s.key, what, s.unit)].append(s)

    rows = []
    for s in stats:
        what = tuple((k, v) for k, v in s.qualifiers if k not in _WHERE_QUALIFIERS)
        others = tuple(
            (o.value, o.source.line_start) for o in groups[(s.report, s.key, what, s.unit)] if o.value != s.value
        )
        edition = _edition_of(s, report_years)
        pool = actions_by_edition.get(edition, [])
        extractor = EXTRACTORS.get(s.key)
        explanation = ""
        if extractor is None or not pool:
            extracted, status = None, "not extracted"
        else:
            extracted = extractor(pool, s, ancestors)
            status = "match" if abs(extracted - s.value) < 1e-9 else "differs"
            if status == "differs" and s.key in EXPLAINERS:
                explanation = EXPLAINERS[s.key](pool, s, ancestors)
        rows.append(
            ReconcileRow(
                report=s.report, key=s.key, qualifiers=s.qualifiers, stated=s.value, unit=s.unit,
                file=s.source.file, line=s.source.line_start, extracted=extracted, status=status,
                contradicts=others, explanation=explanation,
            )
        )  # fmt: skip
    return rows


def format_rows(rows: Sequence[ReconcileRow], only_differences: bool = False) -> str:
    """A plain-text table of reconcile rows, differences and contradictions marked."""
    out = [f"{'stated figure':58} {'stated':>8} {'extracted':>9}  status       source"]
    for r in rows:
        if only_differences and r.status == "match" and not r.contradicts:
            continue
        extracted = "-" if r.extracted is None else f"{r.extracted:g}"
        unit = "%" if r.unit == "percent" else ""
        line = f"{r.what[:58]:58} {r.stated:>7g}{unit:1} {extracted:>9}  {r.status:12} {r.file}:{r.line}"
        if r.contradicts:
            also = "; ".join(f"{v:g} at line {ln}" for v, ln in r.contradicts)
            line += f"  [report contradicts itself: also {also}]"
        out.append(line)
        if r.explanation:
            out.append(f"    why: {r.explanation}")
    counts = defaultdict(int)
    for r in rows:
        counts[r.status] += 1
    out.append("")
    out.append(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    return "\n".join(out)
