"""Shared machinery of the rule classifiers: lexicon files of regexes, matched on accent-folded lower-case text.

A rule file (TOML) lists ``[[label]]`` tables with a ``slug``, ``patterns`` and optional ``exclude`` (a pattern
match overlapping an exclude match does not count), ``title`` patterns (matched on the title only) and
``implies`` (labels that always come with this one). Patterns
are Python regexes written without accents, in lower case, word-bounded at both ends by the engine.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.text import fold_accents

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def prepare(text: str) -> str:
    """Accent-folded, lower-cased text with white space collapsed (the form rule patterns expect)."""
    return re.sub(r"\s+", " ", fold_accents(text).lower())


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """One rule pattern, word-bounded at both ends (``\\b``: every pattern starts and ends with a word character;
    measured 40 % faster than look-arounds on the corpus)."""
    return re.compile(r"\b(?:" + pattern + r")\b")


@dataclass(frozen=True, slots=True)
class Rule:
    """How one label is detected."""

    slug: str
    label_es: str
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...] = ()
    title: tuple[re.Pattern[str], ...] = ()
    implies: tuple[str, ...] = ()  # labels that always come with this one
    any_pattern: re.Pattern[str] | None = None  # all patterns in one alternation: a one-scan pre-check


@dataclass(frozen=True, slots=True)
class Hit:
    """A label found in a text: where its first counted match starts and what it matched."""

    slug: str
    start: int
    evidence: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All rules of one lexicon file, in file order, and the file's version line."""

    version: str
    rules: tuple[Rule, ...]
    fallback: str | None = None

    def hits(self, text: str, title: str = "") -> list[Hit]:
        """Every label whose rules match ``text`` (or whose title patterns match ``title``), by first position."""
        body, head = prepare(text), prepare(title)
        found = []
        for rule in self.rules:
            hit = _first_match(rule, body)
            if hit is None and head:
                for rx in rule.title:
                    m = rx.search(head)
                    if m:
                        hit = Hit(rule.slug, -1, m.group(0))
                        break
            if hit is not None:
                found.append(hit)
        found.sort(key=lambda h: h.start)
        by_slug = {r.slug: r for r in self.rules}
        have = {h.slug for h in found}
        for h in list(found):
            for implied in by_slug[h.slug].implies:
                if implied not in have:
                    have.add(implied)
                    found.append(Hit(implied, h.start, f"implied by {h.slug}"))
        return found


def _first_match(rule: Rule, text: str) -> Hit | None:
    """The earliest match of any of the rule's patterns that does not overlap an exclude match."""
    if rule.any_pattern is None:
        return None
    excluded: list[tuple[int, int]] | None = None
    for m in rule.any_pattern.finditer(text):
        if rule.exclude:
            if excluded is None:
                excluded = [x.span() for ex in rule.exclude for x in ex.finditer(text)]
            if any(s < m.end() and m.start() < e for s, e in excluded):
                continue
        return Hit(rule.slug, m.start(), m.group(0))
    return None


@cache
def load_rules(name: str, allowed: tuple[str, ...]) -> RuleSet:
    """Read and compile ``ingest/data/{name}``; every slug must be one of ``allowed``."""
    path = DATA_DIR / name
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = []
    for row in data["label"]:
        if row["slug"] not in allowed:
            raise ValueError(f"{path}: unknown slug {row['slug']!r}")
        patterns = tuple(row.get("patterns", ()))
        rules.append(
            Rule(
                slug=row["slug"],
                label_es=row.get("label_es", ""),
                patterns=tuple(compile_pattern(p) for p in patterns),
                exclude=tuple(compile_pattern(p) for p in row.get("exclude", ())),
                title=tuple(compile_pattern(p) for p in row.get("title", ())),
                implies=tuple(row.get("implies", ())),
                any_pattern=compile_pattern("|".join(f"(?:{p})" for p in patterns)) if patterns else None,
            )
        )
    slugs = {r.slug for r in rules}
    for r in rules:
        if not set(r.implies) <= slugs:
            raise ValueError(f"{path}: {r.slug} implies an unknown slug: {r.implies}")
    fallback = data.get("fallback")
    if fallback is not None and fallback not in allowed:
        raise ValueError(f"{path}: unknown fallback slug {fallback!r}")
    return RuleSet(version=data["version"], rules=tuple(rules), fallback=fallback)
