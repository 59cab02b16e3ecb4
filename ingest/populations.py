"""Target populations and focus flags detected from action text (lexicon in data/populations.toml).

The lexicon file documents every pattern and where its surface forms come from. Detection works on
accent-folded, lower-cased text in which institution names have already been blanked out
(:meth:`ingest.registry.Registry.mask_names`), so an institution named after a population does not
count as that population.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.places import DATA_DIR, demonym_pattern
from ingest.text import fold_accents

LEXICON_VERSION = "lexicon v2: populations.toml"

#: The population slugs of contract §6, in the order used for multi-label output.
POPULATION_SLUGS: tuple[str, ...] = (
    "extranjeros",
    "mexicanos-exterior",
    "retornados",
    "nna",
    "mujeres",
    "indigenas",
    "lgbti",
    "discapacidad",
    "refugiados-solicitantes",
    "desplazados-internos",
    "en-transito",
    "victimas",
    "victimas-trata",
    "desaparecidos-familias",
    "trabajadores",
    "adultos-mayores",
    "jovenes-estudiantes",
    "familias",
    "servidores-publicos",
    "comunidades-acogida",
)

#: Populations also read in an action's RESULTS (lexicon v2): the people an action trained or served as reported
#: there. Other populations named in results are mostly breakdowns of beneficiaries by sex or age (tests/data).
RESULTS_POPULATIONS: tuple[str, ...] = ("extranjeros", "mexicanos-exterior", "servidores-publicos")

_SENTENCE_END = re.compile(r"[.;:!?•\n]")


@dataclass(frozen=True, slots=True)
class PopulationRule:
    """How one population is detected."""

    slug: str
    label_es: str
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...] = ()
    context: tuple[re.Pattern[str], ...] = ()
    any_pattern: re.Pattern[str] | None = None  # all patterns in one alternation: a one-scan pre-check


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The population rules and the gender-focus phrases."""

    rules: tuple[PopulationRule, ...]
    gender_title: tuple[re.Pattern[str], ...]
    gender_text: tuple[re.Pattern[str], ...]


def _compile(pattern: str) -> re.Pattern[str]:
    demonyms = demonym_pattern().pattern.removeprefix(r"(?<!\w)").removesuffix(r"(?!\w)")
    pattern = pattern.replace("{demonym}", demonyms)
    return re.compile(r"(?<!\w)(?:" + pattern + r")(?!\w)")


@cache
def load_lexicon(path: Path = DATA_DIR / "populations.toml") -> Lexicon:
    """Read and compile the population lexicon."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = []
    for row in data["population"]:
        if row["slug"] not in POPULATION_SLUGS:
            raise ValueError(f"{path}: unknown population slug {row['slug']!r}")
        rules.append(
            PopulationRule(
                slug=row["slug"],
                label_es=row["label_es"],
                patterns=tuple(_compile(p) for p in row["patterns"]),
                exclude=tuple(_compile(p) for p in row.get("exclude", ())),
                context=tuple(_compile(p) for p in row.get("context", ())),
                any_pattern=_compile("|".join(f"(?:{p})" for p in row["patterns"])),
            )
        )
    focus = data["focus"]["gender"]
    return Lexicon(
        rules=tuple(rules),
        gender_title=tuple(_compile(p) for p in focus["title"]),
        gender_text=tuple(_compile(p) for p in focus["text"]),
    )


def prepare(text: str) -> str:
    """Accent-folded, lower-cased text with white space collapsed (the form the patterns expect)."""
    return re.sub(r"[ \t\r\f\v]+", " ", fold_accents(text).lower())


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right_match = _SENTENCE_END.search(text, end)
    return text[left : right_match.start() if right_match else len(text)]


def _rule_matches(rule: PopulationRule, text: str) -> bool:
    if rule.any_pattern is not None and not rule.any_pattern.search(text):
        return False
    excluded: list[tuple[int, int]] | None = None  # computed only once a pattern matches
    for rx in rule.patterns:
        for m in rx.finditer(text):
            if excluded is None:
                excluded = [x.span() for ex in rule.exclude for x in ex.finditer(text)]
            if any(s < m.end() and m.start() < e for s, e in excluded):
                continue
            if rule.context:
                sentence = _sentence(text, m.start(), m.end())
                if not any(c.search(sentence) for c in rule.context):
                    continue
            return True
    return False


def detect_populations(text: str, only: Collection[str] | None = None) -> tuple[str, ...]:
    """Population slugs named in ``text`` (already masked of institution names), in lexicon order; with ``only``,
    just those of these slugs (the others are not looked for)."""
    prepared = prepare(text)
    rules = load_lexicon().rules
    if only is not None:
        rules = tuple(rule for rule in rules if rule.slug in only)
    return tuple(rule.slug for rule in rules if _rule_matches(rule, prepared))


def detect_gender_focus(title: str, text: str) -> bool:
    """Explicit focus on women and girls: the title names them, or the text states the focus."""
    lex = load_lexicon()
    t, body = prepare(title), prepare(text)
    return any(rx.search(t) for rx in lex.gender_title) or any(rx.search(body) for rx in lex.gender_text)
