"""The institution registry: canonical acronyms, names, variants, parents, actor types, slugs.

Built from the curated ``ingest/data/institutions.toml`` and ``states.toml`` merged with the annex
glossary parsed from the reports (:class:`GlossaryTerm`). Two jobs:

* read printed actor text (``"SEGOB (UPMRIP)"``, ``"STPS Y SRE"``, ``"ESTADO DE MÉXICO"``) into canonical
  actors (:meth:`Registry.split_actor_text`), keeping and recording anything it does not know;
* find institutions named in running text (:meth:`Registry.mentions`), for partners and inferred actors.

Decisions (documented here because other parts rely on them):

* **Units and parents.** When an actor text names a body together with its parent (``SEGOB (UPMRIP)``,
  ``AMEXCID – SRE``, ``SESNSP -CNI``, ``-SCJN – UGCCDH``, ``SHCP/SAT``) the actor is the most specific body
  (UPMRIP, AMEXCID, CNI, UGCCDH, SAT); the parent is kept as ``Institution.parent`` (org:subOrganizationOf).
  So bare ``UPMRIP`` and ``SEGOB (UPMRIP)`` are one node. Canonical keys stay the printed acronyms.
* **Slugs** (contract §1): the lower-cased canonical acronym (``inm``, ``oim``); an administrative unit
  without legal personality of its own (``unit = true`` in the TOML: UPMRIP, RENAPO, SDHPM, CNI, UGCCDH, SEM,
  FGR's special prosecutors) gets ``{parent}-{acronym}`` (``segob-upmrip``, ``scjn-ugccdh``); a state
  government ``estado-{inegi:02}``. Keys without an acronym are slugified (``sin-fronteras-iap``).
* **Coordination clauses** in actor text (``INM (EN COORDINACIÓN CON ANAM, SEDATU, SE)``,
  ``IMPI (EN COLABORACIÓN CON EL IMME)``) give the lead body as actor and the others as *partners*.
* **Several leads** (``STPS Y SRE``, ``SEGOB (UPMRIP) - SRE``, ``UPMRIP – SRE (IMME)``) are all actors, in
  printed order, after the unit/parent reduction (``UPMRIP – SRE (IMME)`` → UPMRIP, IME).
* A state name in capitals is the state's canonical name (``"ESTADO DE MÉXICO"`` → ``"Estado de México"``).
* An **unknown** actor token is kept as printed (white space normalised) and recorded in
  :attr:`Registry.unknown_actors`; it is never dropped.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.places import DATA_DIR, State, load_states, norm_key, state_by_name
from ingest.records import GlossaryTerm
from ingest.text import fold_accents, normalise_space, phrase_pattern

#: Actor types of institutions: the contract's eight plus two extensions (private sector, academia).
ACTOR_TYPES: tuple[str, ...] = (
    "APF",
    "ENTIDAD_FEDERATIVA",
    "PODER_JUDICIAL",
    "PODER_LEGISLATIVO",
    "OCA",
    "OSC",
    "ORGANISMO_INTERNACIONAL",
    "GOBIERNO_EXTRANJERO",
    "SECTOR_PRIVADO",
    "ACADEMIA",
)
#: Mexican public bodies: the candidates when an actor has to be inferred from the text.
PUBLIC_TYPES = frozenset({"APF", "ENTIDAD_FEDERATIVA", "PODER_JUDICIAL", "PODER_LEGISLATIVO", "OCA"})
#: Types detected as partners in running text by default (``partner`` in the TOML overrides).
PARTNER_TYPES = frozenset({"ORGANISMO_INTERNACIONAL", "GOBIERNO_EXTRANJERO", "OSC", "SECTOR_PRIVADO", "ACADEMIA"})
#: The catch-all actor for actions whose text names no known institution.
CATCH_ALL = "GOBIERNO-MX"

_GLOSSARY_SECTION_TYPES = {"apf": "APF"}


@dataclass(frozen=True, slots=True)
class Institution:
    """One organisation: a federal body, a state government, a court, an NGO, an international body…"""

    acronym: str  # canonical key (a state government: the state's canonical name)
    name: str  # Spanish name (skos:prefLabel@es)
    actor_type: str
    slug: str  # URI key under id/institution/
    name_en: str = ""
    parent: str | None = None
    unit: bool = False
    variants: tuple[str, ...] = ()  # other printed acronym spellings
    alt_names: tuple[str, ...] = ()  # other spelled-out names
    text_acronym: bool = True  # the acronym may be searched in running text
    partner: bool = False  # detectable as a partner in running text
    wikidata: str | None = None
    inegi: str | None = None  # a state government: the state's INEGI code
    sources: tuple[str, ...] = ()

    @property
    def alt_labels(self) -> tuple[str, ...]:
        """Variants and other names (skos:altLabel), without the canonical acronym and name."""
        labels = [*self.variants, *self.alt_names]
        return tuple(x for x in dict.fromkeys(labels) if x not in (self.acronym, self.name))


@dataclass(frozen=True, slots=True)
class ActorParse:
    """What an actor text says: the reporting actors, partners named in it, and tokens not understood."""

    actors: tuple[str, ...]
    partners: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """An institution named in running text (offsets into the accent-folded text)."""

    acronym: str
    start: int
    end: int
    form: str
    by: str  # "name" or "acronym"


def slugify(text: str) -> str:
    """Lower-case ASCII slug: ``"Sin Fronteras IAP"`` → ``"sin-fronteras-iap"``."""
    return re.sub(r"[^a-z0-9]+", "-", fold_accents(text).lower()).strip("-")


def _looks_like_acronym(form: str) -> bool:
    return " " not in form and sum(c.isupper() for c in form) >= 2


@dataclass(slots=True)
class Registry:
    """All known institutions, with look-ups by acronym, variant or name."""

    institutions: dict[str, Institution]
    not_institutions: frozenset[str] = frozenset()  # glossary acronyms that are not institutions (keys)
    glossary_unmatched: list[GlossaryTerm] = field(default_factory=list)
    glossary_other: list[GlossaryTerm] = field(default_factory=list)
    unknown_actors: Counter[str] = field(default_factory=Counter)
    masked_forms: tuple[str, ...] = ()  # blanked out before text matching (e.g. the "CBP One" app)
    cues: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (acronym, regex) implying an unprinted actor
    _index: dict[str, str] = field(default_factory=dict)
    _name_rx: re.Pattern[str] | None = None
    _acr_rx: re.Pattern[str] | None = None
    _acr_map: dict[str, str] = field(default_factory=dict)
    _mask_rx: re.Pattern[str] | None = None

    # ----------------------------------------------------------------------------- building
    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the look-up index and the text matchers (after adding institutions)."""
        index: dict[str, str] = {}
        for inst in self.institutions.values():
            for form in (inst.acronym, inst.name, *inst.variants, *inst.alt_names):
                key = norm_key(form)
                if not key:
                    continue
                other = index.get(key)
                if other is not None and other != inst.acronym:
                    raise ValueError(f"registry: {form!r} names both {other} and {inst.acronym}")
                index[key] = inst.acronym
        self._index = index
        self._name_rx = None
        self._acr_rx = None

    def add(self, inst: Institution) -> None:
        """Add or replace one institution (then re-index)."""
        self.institutions[inst.acronym] = inst
        self.reindex()

    # ----------------------------------------------------------------------------- look-ups
    def __contains__(self, acronym: object) -> bool:
        return acronym in self.institutions

    def __iter__(self) -> Iterator[Institution]:
        return iter(self.institutions.values())

    def __len__(self) -> int:
        return len(self.institutions)

    def get(self, acronym: str) -> Institution:
        """The institution with this canonical key (KeyError if none)."""
        return self.institutions[acronym]

    def lookup(self, text: str) -> Institution | None:
        """The institution a printed acronym, variant or name designates (accent- and case-insensitive)."""
        key = norm_key(text)
        if not key:
            return None
        acr = self._index.get(key)
        if acr is None:
            for article in ("EL ", "LA ", "LOS ", "LAS "):
                if key.startswith(article) and key[len(article) :] in self._index:
                    acr = self._index[key[len(article) :]]
                    break
        if acr is None:
            state = state_by_name(text)
            acr = state.name if state else None
        return self.institutions.get(acr) if acr else None

    def slug(self, acronym: str) -> str:
        """URI slug of an institution; an unknown key is slugified."""
        inst = self.institutions.get(acronym)
        return inst.slug if inst else slugify(acronym)

    def ancestors(self, acronym: str) -> tuple[str, ...]:
        """Parent, grand-parent… of an institution (nearest first)."""
        out: list[str] = []
        inst = self.institutions.get(acronym)
        while inst is not None and inst.parent and inst.parent not in out:
            out.append(inst.parent)
            inst = self.institutions.get(inst.parent)
        return tuple(out)

    def states(self) -> list[Institution]:
        """The 32 state governments, in INEGI order."""
        return sorted((i for i in self if i.inegi), key=lambda i: i.inegi or "")

    def is_partner_kind(self, acronym: str) -> bool:
        """True when the institution is looked for as a partner in running text."""
        inst = self.institutions.get(acronym)
        return bool(inst and inst.partner)

    # ----------------------------------------------------------------------------- actor text
    _CLAUSE = re.compile(r"\(\s*EN\s*(?:COORDINACI[OÓ]N|COLABORACI[OÓ]N)\s+CON\s+(.*?)(?:\)|$)", re.IGNORECASE)
    _SEGMENT_SPLIT = re.compile(r"\s*[–—]\s*|\s+-\s*|\s*-\s+|/|\(|\)")
    _LIST_SPLIT = re.compile(r"\s*,\s*|\s+Y\s+|\s+E\s+", re.IGNORECASE)
    _ARTICLE = re.compile(r"^(?:EL|LA|LOS|LAS)\s+", re.IGNORECASE)

    def parse_actor_text(self, actor_text: str, chapter: str = "") -> ActorParse:
        """Read a printed actor text into canonical actors, partners and unknown tokens.

        ``chapter`` is the action's chapter key; it is not needed to read any form found so far and is
        accepted for forms that would only be readable in context.
        """
        text = normalise_space(actor_text.replace("\u00a0", " ").replace("\u202f", " "))
        text = text.strip(" .-–—")
        if not text:
            return ActorParse(())
        partners: list[str] = []
        unknown: list[str] = []
        clause = self._CLAUSE.search(text)
        if clause:
            for token in self._LIST_SPLIT.split(clause.group(1).strip(" .")):
                token = self._ARTICLE.sub("", token.strip(" .")).strip()
                if not token:
                    continue
                inst = self.lookup(token)
                if inst:
                    partners.append(inst.acronym)
                else:
                    unknown.append(token)
            text = (text[: clause.start()] + text[clause.end() :]).strip(" .-–—")
        actors: list[str] = []
        whole = self.lookup(text)
        if whole:
            actors.append(whole.acronym)
        else:
            for segment in self._SEGMENT_SPLIT.split(text):
                segment = segment.strip(" .,")
                if not segment:
                    continue
                actors.extend(self._resolve_segment(segment, unknown))
        actors = self._reduce(actors)
        partners = [p for p in dict.fromkeys(partners) if p not in actors]
        for token in unknown:
            self.unknown_actors[token] += 1
        return ActorParse(tuple(actors), tuple(partners), tuple(dict.fromkeys(unknown)))

    def split_actor_text(self, actor_text: str, chapter: str = "") -> tuple[str, ...]:
        """Canonical actors of a printed actor text (lead bodies only; see :meth:`parse_actor_text`)."""
        return self.parse_actor_text(actor_text, chapter).actors

    def _resolve_segment(self, segment: str, unknown: list[str]) -> list[str]:
        inst = self.lookup(segment)
        if inst:
            return [inst.acronym]
        for splitter in (self._LIST_SPLIT, re.compile(r"-")):
            parts = [p.strip(" .") for p in splitter.split(segment) if p.strip(" .")]
            if len(parts) > 1:
                found = [self.lookup(p) for p in parts]
                if all(found):
                    return [f.acronym for f in found if f]
        unknown.append(segment)
        return [segment]  # kept as printed, recorded as unknown

    def _reduce(self, actors: list[str]) -> list[str]:
        """Drop duplicates, and any body whose unit is also named (SEGOB (UPMRIP) → UPMRIP)."""
        ordered = list(dict.fromkeys(actors))
        named_ancestors = {a for x in ordered for a in self.ancestors(x)}
        return [x for x in ordered if x not in named_ancestors]

    # ----------------------------------------------------------------------------- running text
    def warm_up(self) -> None:
        """Compile the name and acronym regexes now (before forking workers that share them)."""
        if self._name_rx is None or self._acr_rx is None:
            self._compile()

    def _compile(self) -> None:
        names: dict[str, str] = {}
        acronyms: dict[str, str] = {}
        for inst in self.institutions.values():
            if inst.inegi or inst.acronym == CATCH_ALL:  # states are places in running text, not actors
                continue
            # variants are printed actor spellings: only the acronym-like ones are searched in running text
            for form in (inst.acronym, *inst.variants):
                if _looks_like_acronym(form) and inst.text_acronym:
                    acronyms.setdefault(fold_accents(form), inst.acronym)
            for form in (inst.name, *inst.alt_names):
                if _looks_like_acronym(form):
                    if inst.text_acronym:
                        acronyms.setdefault(fold_accents(form), inst.acronym)
                else:
                    names.setdefault(fold_accents(form), inst.acronym)
        name_forms = sorted(names, key=len, reverse=True)
        self._name_rx = re.compile(r"(?<!\w)" + phrase_pattern(name_forms) + r"(?!\w)", re.IGNORECASE)
        masks = sorted((fold_accents(f) for f in self.masked_forms), key=len, reverse=True)
        self._mask_rx = re.compile(r"(?<!\w)" + phrase_pattern(masks) + r"(?!\w)", re.I) if masks else None
        acr_forms = sorted(acronyms, key=len, reverse=True)
        self._acr_rx = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in acr_forms) + r")(?![\w])")
        self._acr_map = acronyms

    def mentions(self, text: str) -> list[Mention]:
        """Institutions named in ``text``, by spelled-out name (accent- and case-insensitive, longest first)
        or by acronym (case-sensitive, word-bounded), in order of appearance.

        Names are matched first and masked, so ``Agencia de la ONU para los Refugiados`` is ACNUR only.
        State governments are not looked for (a state named in text is a place, not an institution).
        """
        if self._name_rx is None or self._acr_rx is None:
            self._compile()
        assert self._name_rx is not None and self._acr_rx is not None
        folded = fold_accents(text)
        if self._mask_rx is not None:
            folded = self._mask_rx.sub(lambda m: " " * len(m.group(0)), folded)
        found: list[Mention] = []
        masked = list(folded)
        for m in self._name_rx.finditer(folded):
            acr = self._index.get(norm_key(m.group(0)))
            if acr is None:
                continue
            found.append(Mention(acr, m.start(), m.end(), m.group(0), "name"))
            masked[m.start() : m.end()] = " " * (m.end() - m.start())
        rest = "".join(masked)
        for m in self._acr_rx.finditer(rest):
            acr = self._acr_map.get(m.group(0))
            if acr:
                found.append(Mention(acr, m.start(), m.end(), m.group(0), "acronym"))
        return sorted(found, key=lambda x: x.start)

    def cue_mentions(self, text: str) -> list[Mention]:
        """Institutions implied by a programme or service cue (``consulados`` → SRE), in order of appearance.

        Only for inferring an actor that is not printed; never for partners.
        """
        folded = fold_accents(text).lower()
        found = [
            Mention(acr, m.start(), m.end(), m.group(0), "cue") for acr, rx in self.cues for m in rx.finditer(folded)
        ]
        return sorted(found, key=lambda x: x.start)

    def mask_names(self, text: str) -> str:
        """``text`` accent-folded, with every institution's spelled-out name blanked out (same length).

        Used before population matching so "Instituto Nacional de las Mujeres" is not a population.
        """
        if self._name_rx is None:
            self._compile()
        assert self._name_rx is not None
        return self._name_rx.sub(lambda m: " " * len(m.group(0)), fold_accents(text))


# --------------------------------------------------------------------------------------------- loading
def _institution_from_row(row: dict) -> Institution:
    acronym = row["acronym"]
    actor_type = row["type"]
    if actor_type not in ACTOR_TYPES:
        raise ValueError(f"institutions.toml: {acronym}: unknown type {actor_type!r}")
    parent = row.get("parent")
    unit = bool(row.get("unit", False))
    slug = f"{slugify(parent)}-{slugify(acronym)}" if unit and parent else slugify(acronym)
    partner = row.get("partner", actor_type in PARTNER_TYPES)
    return Institution(
        acronym=acronym,
        name=row["name"],
        actor_type=actor_type,
        slug=slug,
        name_en=row.get("name_en", ""),
        parent=parent,
        unit=unit,
        variants=tuple(row.get("variants", ())),
        alt_names=tuple(row.get("names", ())),
        text_acronym=bool(row.get("text_acronym", True)),
        partner=bool(partner),
        wikidata=row.get("wikidata") or None,
        sources=(f"institutions.toml: {row.get('source', 'curated')}",),
    )


def _government_name(state: State) -> str:
    if state.name.startswith("Estado de "):
        return f"Gobierno del {state.name}"
    if state.name.startswith("Ciudad de "):
        return f"Gobierno de la {state.name}"
    return f"Gobierno del Estado de {state.name}"


def _state_institution(state: State) -> Institution:
    return Institution(
        acronym=state.name,
        name=_government_name(state),
        actor_type="ENTIDAD_FEDERATIVA",
        slug=state.slug,
        variants=tuple(v for v in state.forms if v != state.name),
        text_acronym=False,
        inegi=state.inegi,
        sources=("states.toml",),
    )


def load_curated(path: Path = DATA_DIR / "institutions.toml") -> Registry:
    """The registry from the curated data only (institutions and the 32 states)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    institutions: dict[str, Institution] = {}
    for row in data["institution"]:
        inst = _institution_from_row(row)
        if inst.acronym in institutions:
            raise ValueError(f"{path}: duplicate institution {inst.acronym}")
        institutions[inst.acronym] = inst
    for state in load_states():
        institutions[state.name] = _state_institution(state)
    for inst in institutions.values():
        if inst.parent and inst.parent not in institutions:
            raise ValueError(f"{path}: {inst.acronym}: unknown parent {inst.parent}")
    not_inst = frozenset(norm_key(a) for group in data.get("not_institutions", {}).values() for a in group)
    cues = []
    for cue in data.get("cue", ()):
        if cue["institution"] not in institutions:
            raise ValueError(f"{path}: cue for unknown institution {cue['institution']}")
        for pattern in cue["patterns"]:
            cues.append((cue["institution"], re.compile(r"(?<!\w)(?:" + pattern + r")(?!\w)")))
    return Registry(
        institutions=institutions,
        not_institutions=not_inst,
        masked_forms=tuple(data.get("running_text", {}).get("masked_forms", ())),
        cues=tuple(cues),
    )


def build_registry(glossary: Iterable[GlossaryTerm] = ()) -> Registry:
    """The curated registry merged with annex glossary terms.

    A term whose acronym or name is known adds its printed name as an alt label and its line as a
    source. A term of the "entidades" section is matched to its state. A term declared a non-institution
    (``[not_institutions]``) goes to :attr:`Registry.glossary_other`. An unknown term of the APF section
    becomes a new APF institution; any other unknown term is kept in :attr:`Registry.glossary_unmatched`.
    """
    registry = load_curated()
    changed = False
    for term in glossary:
        where = f"{term.source.file}:{term.source.line_start}"
        acr_key, name_key = norm_key(term.acronym), norm_key(term.name)
        if term.section == "entidades" or (not acr_key and state_by_name(term.name)):
            state = state_by_name(term.name) or state_by_name(term.acronym)
            if state is None:
                registry.glossary_unmatched.append(term)
                continue
            inst = registry.institutions[state.name]
            registry.institutions[state.name] = replace(inst, sources=(*inst.sources, f"glossary {where}"))
            continue
        acr = registry._index.get(acr_key) if acr_key else None
        if acr is None and acr_key in registry.not_institutions:
            registry.glossary_other.append(term)
            continue
        if acr is None and name_key:
            acr = registry._index.get(name_key)
        if acr is not None:
            inst = registry.institutions[acr]
            alt, variants = inst.alt_names, inst.variants
            # a printed label is added unless it already names this (or, oddly, another) institution
            if name_key and registry._index.get(name_key) is None:
                alt = (*alt, normalise_space(term.name))
                registry._index[name_key] = acr
            if acr_key and registry._index.get(acr_key) is None:
                variants = (*variants, normalise_space(term.acronym))
                registry._index[acr_key] = acr
            registry.institutions[acr] = replace(
                inst, alt_names=alt, variants=variants, sources=(*inst.sources, f"glossary {where}")
            )
            changed = True
            continue
        actor_type = _GLOSSARY_SECTION_TYPES.get(term.section)
        if actor_type and acr_key:
            acronym = normalise_space(term.acronym)
            registry._index[acr_key] = registry._index[name_key] = acronym
            registry.institutions[acronym] = Institution(
                acronym=acronym,
                name=normalise_space(term.name),
                actor_type=actor_type,
                slug=slugify(acronym),
                sources=(f"glossary {where}",),
            )
            changed = True
        else:
            registry.glossary_unmatched.append(term)
    if changed:
        registry.reindex()
    return registry
