"""Mexico's 32 federal entities: canonical names, INEGI codes, printed variants and demonyms.

The data sit in ``ingest/data/states.toml``. A state government as an actor is the state's
canonical name (contract §3: ``"actors": ["Campeche"]``); its URI slug is ``estado-{inegi}``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.text import fold_accents

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class State:
    """One federal entity."""

    inegi: str  # two-digit INEGI code, e.g. "07"
    name: str  # canonical name, e.g. "Estado de México"
    official: str = ""  # official name where it differs
    variants: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    annex_2024: bool = False  # listed among the 22 reporting states of the 2024 Compendio

    @property
    def slug(self) -> str:
        """Institution slug of the state government (contract §1)."""
        return f"estado-{self.inegi}"

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form that names the state as an actor (canonical, official, variants)."""
        forms = [self.name, *self.variants]
        # the official "México" alone means the country, never the state
        if self.official and fold_accents(self.official).lower() != "mexico":
            forms.append(self.official)
        return tuple(dict.fromkeys(forms))


def norm_key(text: str) -> str:
    """Comparison key: accents folded, upper case, dots and quotes dropped, white space collapsed."""
    text = fold_accents(text).upper().replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"[.\"“”'’«»]", "", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def load_states(path: Path = DATA_DIR / "states.toml") -> tuple[State, ...]:
    """The 32 states in INEGI order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    states = tuple(
        State(
            inegi=row["inegi"],
            name=row["name"],
            official=row.get("official", ""),
            variants=tuple(row.get("variants", ())),
            demonyms=tuple(row.get("demonyms", ())),
            annex_2024=bool(row.get("annex_2024", False)),
        )
        for row in data["state"]
    )
    if len(states) != 32 or len({s.inegi for s in states}) != 32:
        raise ValueError(f"{path}: expected 32 distinct states, found {len(states)}")
    return tuple(sorted(states, key=lambda s: s.inegi))


@cache
def _state_index() -> dict[str, State]:
    return {norm_key(form): s for s in load_states() for form in s.forms}


def state_by_name(text: str) -> State | None:
    """The state a printed name designates (``"ESTADO DE MÉXICO"`` → Estado de México), or None.

    The comparison is accent-, case- and punctuation-insensitive; a leading "Gobierno del Estado de"
    is ignored. Plain "México" is the country and gives None.
    """
    key = norm_key(text)
    if key in _state_index():
        return _state_index()[key]
    for prefix in ("GOBIERNO DEL ESTADO DE ", "GOBIERNO DE ", "ESTADO DE "):
        if key.startswith(prefix) and key[len(prefix) :] in _state_index():
            found = _state_index()[key[len(prefix) :]]
            return found
    return None


def state_by_inegi(code: str | int) -> State:
    """The state with this INEGI code (``7``, ``"07"``)."""
    wanted = f"{int(code):02d}"
    for s in load_states():
        if s.inegi == wanted:
            return s
    raise KeyError(code)


@cache
def demonym_pattern() -> re.Pattern[str]:
    """A regex matching any state demonym (on accent-folded text, case-insensitive, word-bounded)."""
    words = sorted({fold_accents(d).lower() for s in load_states() for d in s.demonyms}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
