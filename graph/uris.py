"""The one place where data URIs are minted: ``{BASE}id/{kind}/{key}`` (contract §1)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from rdflib import URIRef

DEFAULT_BASE = "https://w3id.org/migrakg/"
CHAPTERS = ("apf", "ef", "pj", "pl", "oca", "osc")

_ACTION_KEY = re.compile(r"\d{4}-(apf|ef|pj|pl|oca|osc)-o(0[1-9]|1\d|2[0-3])-\d{2,3}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """Lower-case ASCII slug: accents folded, every run of other characters turned into one hyphen."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _check_slug(kind: str, slug: str) -> str:
    if not _SLUG.fullmatch(slug):
        raise ValueError(f"bad {kind} slug {slug!r}: expected lower-case words joined by hyphens")
    return slug


@dataclass(frozen=True, slots=True)
class Minter:
    """Mints every data URI of the graph under one configurable base."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not re.match(r"https?://", self.base) or not self.base.endswith("/"):
            raise ValueError(f"base URI must be http(s) and end with '/': {self.base!r}")

    def _id(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{key}")

    @property
    def id_prefix(self) -> str:
        """``{BASE}id/``: every data URI starts with it."""
        return f"{self.base}id/"

    def action(self, key: str) -> URIRef:
        """An action, keyed ``{edition}-{chapter}-o{objective:02}-{number:02}``."""
        if not _ACTION_KEY.fullmatch(key):
            raise ValueError(f"bad action key {key!r}: expected e.g. 2024-ef-o01-02")
        return self._id("action", key)

    def institution(self, slug: str) -> URIRef:
        """An institution: lower-cased acronym (``inm``, ``segob-upmrip``) or ``estado-{inegi:02}``."""
        return self._id("institution", _check_slug("institution", slug))

    def state_government(self, inegi: str | int) -> URIRef:
        """The government of a state, as an institution: ``id/institution/estado-{inegi:02}``."""
        return self.institution(f"estado-{int(inegi):02d}")

    def objective(self, n: int) -> URIRef:
        """GCM objective ``n`` (1..23)."""
        if not 1 <= int(n) <= 23:
            raise ValueError(f"GCM objective out of range: {n!r}")
        return self._id("objective", str(int(n)))

    def state(self, inegi: str | int) -> URIRef:
        """A Mexican state by its two-digit INEGI code."""
        code = int(inegi)
        if not 1 <= code <= 32:
            raise ValueError(f"INEGI state code out of range: {inegi!r}")
        return self._id("state", f"{code:02d}")

    def report(self, slug: str) -> URIRef:
        """A report edition, e.g. ``2024-compendio-general`` (also the name of its named graph)."""
        if not re.fullmatch(r"\d{4}-[a-z0-9-]+", slug):
            raise ValueError(f"bad report slug {slug!r}: expected e.g. 2024-compendio-general")
        return self._id("report", slug)

    def population(self, slug: str) -> URIRef:
        return self._id("population", _check_slug("population", slug))

    def action_type(self, slug: str) -> URIRef:
        return self._id("action-type", _check_slug("action type", slug))

    def challenge_category(self, slug: str) -> URIRef:
        return self._id("challenge-category", _check_slug("challenge category", slug))

    def actor_type(self, slug: str) -> URIRef:
        return self._id("actor-type", _check_slug("actor type", slug))

    def challenge(self, action_key: str, i: int) -> URIRef:
        """The ``i``-th (1-based) challenge of an action: ``id/challenge/{action_key}-r{i:02}``."""
        self.action(action_key)
        if i < 1:
            raise ValueError(f"challenge index must be 1-based: {i}")
        return self._id("challenge", f"{action_key}-r{i:02d}")

    def programme_link(self, a_key: str, b_key: str) -> URIRef:
        """The link saying two actions are the same programme: ``id/programme-link/{a_key}--{b_key}``."""
        self.action(a_key)
        self.action(b_key)
        return self._id("programme-link", f"{a_key}--{b_key}")

    def source_span(self, file: str, start: int, end: int) -> URIRef:
        """Lines ``start..end`` of a corpus file: ``id/span/{file stem}-l{start}-{end}``."""
        stem = PurePosixPath(file).stem
        if start < 1 or end < start:
            raise ValueError(f"bad span {file}:{start}-{end}")
        return self._id("span", f"{_check_slug('file', slugify(stem))}-l{start}-{end}")

    def statistic(self, report_slug: str, i: int) -> URIRef:
        """The ``i``-th (1-based) figure a report states about itself."""
        self.report(report_slug)
        return self._id("statistic", f"{report_slug}-s{i:03d}")

    def goal(self, report_slug: str, objective: int, number: int) -> URIRef:
        """A stated goal ("Objetivos a futuro") of a report."""
        self.report(report_slug)
        return self._id("goal", f"{report_slug}-o{int(objective):02d}-{int(number):02d}")

    def graph(self, name: str) -> URIRef:
        """A named graph that is not a report's: ``ontology``, ``institutions``, ``meta``."""
        return self._id("graph", _check_slug("graph", name))

    def dataset(self, name: str = "migrakg") -> URIRef:
        """The DCAT/VoID description of the dataset, or of one of its subsets."""
        return self._id("dataset", _check_slug("dataset", name))
