"""Line-preserving text utilities shared by the layout parsers.

Cleaning happens in *named steps* that drop or rewrite lines but never renumber them: every
kept :class:`Line` still carries its 1-based line number in the source file, so records can
point back to the exact lines they came from (in the style of eyecite's cleaners).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a corpus file: its 1-based number and its text (without the newline)."""

    number: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Split a whole file's text into numbered lines (1-based)."""
    return [Line(i, t) for i, t in enumerate(text.split("\n"), start=1)]


def read_lines(path: Path) -> list[Line]:
    """Read a UTF-8 corpus file into numbered lines."""
    return split_lines(path.read_text(encoding="utf-8"))


LineFilter = Callable[[Sequence[Line]], list[Line]]


@dataclass(slots=True)
class CleaningLog:
    """Which lines each named cleaning step removed (for debugging and tests)."""

    removed: dict[str, list[int]] = field(default_factory=dict)


def clean(lines: Sequence[Line], steps: Iterable[tuple[str, LineFilter]], log: CleaningLog | None = None) -> list[Line]:
    """Apply named line filters in order; record what each removed in ``log``."""
    current = list(lines)
    for name, step in steps:
        before = {ln.number for ln in current}
        current = step(current)
        if log is not None:
            after = {ln.number for ln in current}
            log.removed[name] = sorted(before - after)
    return current


def drop_matching(pattern: str | re.Pattern[str]) -> LineFilter:
    """A cleaning step that drops every line matching ``pattern`` (``re.match`` on the raw text)."""
    rx = re.compile(pattern) if isinstance(pattern, str) else pattern

    def step(lines: Sequence[Line]) -> list[Line]:
        return [ln for ln in lines if not rx.match(ln.text)]

    return step


_HYPHEN_END = re.compile(r"([a-záéíóúüñ])[-\u00ad]\s*$")
_LOWER_START = re.compile(r"^\s*[a-záéíóúüñ]")


def join_wrapped(lines: Iterable[Line | str]) -> str:
    """Join wrapped lines into one paragraph string.

    Blank lines are skipped; a word hyphenated at a line end (``en-`` / ``tre``) is joined when the
    next line starts in lower case; other line breaks become one space; runs of white space fold.
    """
    out = ""
    for item in lines:
        text = item.text if isinstance(item, Line) else item
        text = text.replace("\u202f", " ").replace("\u00a0", " ").strip()
        if not text:
            continue
        if out and _HYPHEN_END.search(out) and _LOWER_START.match(text):
            out = out.rstrip()[:-1] + text
        elif out:
            out = out + " " + text
        else:
            out = text
    return normalise_space(out)


def normalise_space(text: str) -> str:
    """Collapse white space runs to one space and strip the ends."""
    return re.sub(r"\s+", " ", text).strip()


class _FoldTable(dict):
    """``str.translate`` table filled lazily: each code point → its NFKD form without combining marks."""

    def __missing__(self, codepoint: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(codepoint))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_accents(text: str) -> str:
    """Remove diacritics (á→a, ñ→n, ü→u); case is kept. (Per code point NFKD, marks dropped.)"""
    return text.translate(_FOLD_TABLE)


def upper_ratio(text: str) -> float:
    """Share of upper-case letters among the letters of ``text`` (1.0 when it has no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def quote_of(text: str, words: int = 12) -> str:
    """The first ``words`` words of a text, for a source span's quote."""
    parts = normalise_space(text).split(" ")
    return " ".join(parts[:words])


def phrase_pattern(phrases: Iterable[str]) -> str:
    """One regex alternation matching any of ``phrases`` (words separated by any white space).

    The phrases are merged into a word trie, so a long list with shared beginnings ("Secretaría de …",
    "Instituto Nacional de …") is scanned once per position; longer phrases are preferred. Letter case
    is folded to lower case: compile the result with ``re.IGNORECASE``.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for word in phrase.lower().split():
            node = node.setdefault(word, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        alternatives = []
        for word in sorted((w for w in node if w), key=lambda w: (-len(w), w)):
            child = node[word]
            rest = {k: v for k, v in child.items() if k}
            if not rest:
                alternatives.append(re.escape(word))
            elif "" in child:
                alternatives.append(re.escape(word) + r"(?:\s+" + render(rest) + ")?")
            else:
                alternatives.append(re.escape(word) + r"\s+" + render(rest))
        return "(?:" + "|".join(alternatives) + ")"

    return render(trie) if trie else "(?!)"
