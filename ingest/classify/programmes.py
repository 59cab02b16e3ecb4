"""Programme links: actions that report the same programme under several objectives or in several editions.

For every pair of actions the linker scores (all in [0, 1]):

* **title similarity** — cosine of the IDF-weighted sets of content words of the programme names (accent-folded,
  lower case, stop words dropped, "niñas, niños y adolescentes" read as "NNA", as the reports also write it; head
  words that say what is done with the programme — "Expedición de…", "Operación del…", "Implementación…" — left
  out). A 2018 action has no title of its own (its "title" is the first sentence cut short), so its name is the
  first sentence of its description. A name wholly inside the other (a 2018 sentence holding the programme's name,
  a 2024 title that adds a component) counts as :data:`W_CONTAINED` when the names share a distinctive word, or
  when the shorter name, of at least :data:`MIN_PHRASE` words, is printed word for word in the longer one
  ("Centro de Información y Asistencia a Mexicanos" — common words, one name). For containment a name's own
  acronym in parentheses is not counted when the other name prints none: it abbreviates the words already there
  ("Oficiales de Protección a la Infancia (OPI)" in "OFICIALES DE PROTECCIÓN A LA INFANCIA Y ATENCIÓN…"), while
  two different acronyms still mark two names;
* **description similarity** — the same on the opening of the descriptions (editions often reprint it);
* **shared acronym** — a programme acronym printed in parentheses in both names (``(PALE)``, ``(VAIM)``), not an
  institution's acronym;
* **institution** — same institution, or one the parent of the other (IME → SRE), or one of them unknown
  (the 2018 catch-all ``GOBIERNO-MX``).

Hard rules: two state-government actions of different states are never the same programme (each state runs its
own); two actions of the same edition and objective are never linked (a report lists a programme once per
objective). ``confidence = 0.6·title + 0.25·description + 0.15·acronym``, + 0.1 for the same institution (or
parent), − 0.2 for different known institutions; a pair is linked when the confidence reaches :data:`THRESHOLD`
(chosen on the development pairs, tests/data/programme_pairs_dev.csv). Each link carries its evidence text.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from ingest.records import Action, ProgrammeLink
from ingest.text import fold_accents

METHOD = (
    "programme linker v2 (ingest/classify/programmes.py): name containment and similarity, description similarity, "
    "acronym, institution"
)
THRESHOLD = 0.45
W_CONTAINED = 0.85  # a name wholly inside the other (a 2018 sentence holding the programme's name) counts for this
MIN_CONTAINED_IDF = 4.5  # containment counts when the names share a distinctive word (idf ≥ this: "paisano")
MIN_COSINE = 0.2  # pairs whose names share less (and no acronym) are not scored further
W_DISTINCT = 0.3  # both names carry words of their own ("… BELICE" / "… COLOMBIA"): a sign of sibling programmes
MIN_PHRASE = 4  # a name of this many content words found word for word in the other counts as contained
SAME_NAME = 0.95  # name similarity from which two institutions reporting a distinctive name are not penalised

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = """a al ante con contra de del desde durante e el en entre es esta este la las le lo los o para por que
    se sin sobre su sus u un una y asi como mas cual cuales tambien ademas asimismo otra otro otros otras dicho
    dicha ha han tiene tienen cuenta cuentan traves mediante cuyo cuya objetivo parte forma manera materia marco"""
_STOP = frozenset(_STOP_WORDS.split())
_ACRONYM = re.compile(r"\(([A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑ]{1,9})(?:,[^)]*)?\)")
_CATCH_ALL = "GOBIERNO-MX"

Ancestors = Callable[[str], tuple[str, ...]]


def programme_name(action: Action) -> str:
    """The text that names the programme: the title, or the first sentence of the description when the title
    is a cut-short sentence (2018)."""
    title = action.title.strip()
    if title.endswith("…"):
        return re.split(r"(?<=[.;:])\s", action.description.strip(), maxsplit=1)[0][:300]
    return title


#: "niñas, niños y adolescentes" and its variants are written "NNA" as often as in full: one word for both.
_NNA = re.compile(r"\b(?:nin[ao]s,? (?:y )?nin[ao]s,? (?:y )?adolescentes|nin[ao]s y adolescentes|nnam?)\b")


#: Words that say what is done with a programme, not which one ("Expedición de la Tarjeta…", "Operación del…").
_HEAD_WORDS = frozenset(["expedicion", "operacion", "implementacion", "ejecucion", "realizacion", "instrumentacion"])


def _tokens(text: str, names: bool = False) -> list[str]:
    """Content words, accent-folded, lower case, a plural "-s" dropped (paisanos → paisano), "NNA" for children.

    With ``names``, an acronym printed in parentheses (compared on its own) and the head words are left out."""
    words = _WORD.findall(_NNA.sub("nna", fold_accents(text).lower()))
    if names:
        words = [w for w in words if w not in _HEAD_WORDS]
    kept = [w for w in words if len(w) > 2 and w not in _STOP and not w.isdigit()]
    return [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in kept]


def _acronyms(text: str, institutional: set[str]) -> set[str]:
    return {m.group(1).upper() for m in _ACRONYM.finditer(text)} - institutional


def _phrase_inside(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The shorter name, of at least :data:`MIN_PHRASE` words, printed word for word inside the longer one."""
    if len(a) > len(b):
        a, b = b, a
    n = len(a)
    return n >= MIN_PHRASE and any(b[k : k + n] == a for k in range(len(b) - n + 1))


class _Vectors:
    """Binary bag-of-words vectors weighted by IDF and normalised, for cosine similarity."""

    def __init__(self, docs: Sequence[list[str]]) -> None:
        df = Counter(w for doc in docs for w in set(doc))
        n = len(docs)
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
        self.vecs = []
        self.totals = []
        for doc in docs:
            ws = set(doc)
            norm = math.sqrt(sum(self.idf[w] ** 2 for w in ws)) or 1.0
            self.vecs.append({w: self.idf[w] / norm for w in ws})
            self.totals.append(sum(self.idf[w] for w in ws))

    def cosine(self, i: int, j: int) -> float:
        a, b = self.vecs[i], self.vecs[j]
        if len(b) < len(a):
            a, b = b, a
        return sum(v * b[w] for w, v in a.items() if w in b)

    def mass(self, words) -> float:
        return sum(self.idf.get(w, 0.0) for w in words)

    def overlap(self, i: int, j: int, own: tuple[set[str], set[str]] = (set(), set())) -> tuple[float, float]:
        """(containment, distinct): the IDF mass shared over the smaller name's mass, and the smaller of the two
        names' own-word masses over the smaller name's mass (both sides naming something the other does not).

        ``own`` are words of each name left out of its mass when the other lacks them: a name's acronym in
        parentheses abbreviates that name's own words ("Oficiales de Protección a la Infancia (OPI)")."""
        a, b = self.vecs[i], self.vecs[j]
        common = self.mass(w for w in a if w in b)
        ta = self.totals[i] - self.mass(w for w in own[0] if w in a and w not in b)
        tb = self.totals[j] - self.mass(w for w in own[1] if w in b and w not in a)
        small = min(ta, tb) or 1.0
        return common / small, min(ta - common, tb - common) / small

    def rarest_shared(self, i: int, j: int) -> float:
        """The highest IDF among the words both names share (0 when none)."""
        return max((self.idf[w] for w in self.vecs[i] if w in self.vecs[j]), default=0.0)

    def shared(self, i: int, j: int, k: int = 4) -> list[str]:
        common = set(self.vecs[i]) & set(self.vecs[j])
        return sorted(common, key=lambda w: -self.idf[w])[:k]


def _family(actors: tuple[str, ...], ancestors: Ancestors) -> set[str]:
    out = set()
    for a in actors:
        if a != _CATCH_ALL:
            out.add(a)
            out.update(ancestors(a))
    return out


def link_programmes(
    actions: Sequence[Action],
    ancestors: Ancestors = lambda a: (),
    institutional: set[str] | None = None,
    threshold: float = THRESHOLD,
) -> list[ProgrammeLink]:
    """Every pair of actions scored at or above ``threshold``, as links sorted by key pair.

    ``ancestors`` gives an institution's parents; ``institutional`` the acronyms of institutions (not programme
    acronyms)."""
    return [link for link in score_pairs(actions, ancestors, institutional) if link.confidence >= threshold]


def score_pairs(
    actions: Sequence[Action], ancestors: Ancestors = lambda a: (), institutional: set[str] | None = None
) -> list[ProgrammeLink]:
    """Every candidate pair (sharing a name word or an acronym) with its confidence and evidence."""
    actions = sorted(actions, key=lambda a: a.key)
    institutional = institutional or set()
    names = [programme_name(a) for a in actions]
    title_vec = _Vectors([_tokens(n, names=True) for n in names])
    desc_vec = _Vectors([_tokens(a.description[:400]) for a in actions])
    acronyms = [_acronyms(n, institutional) for n in names]
    own_acronyms = [{m.group(1).lower() for m in _ACRONYM.finditer(n)} for n in names]
    keys = [set(v) for v in title_vec.vecs]
    seqs = [tuple(_tokens(_ACRONYM.sub(" ", n), names=True)) for n in names]
    families = [set() if a.actor_inferred else _family(a.actors, ancestors) for a in actions]

    # candidate pairs: share a name word of some weight, or an acronym
    index: dict[str, list[int]] = defaultdict(list)
    for i, vec in enumerate(title_vec.vecs):
        for w in vec:
            index[w].append(i)
        for acr in acronyms[i]:
            index[f"#{acr}"].append(i)
    limit = max(3, len(actions) // 10)  # words in more than a tenth of the names do not make candidates
    candidates = set()
    for postings in index.values():
        if 1 < len(postings) <= limit:
            for x in range(len(postings)):
                for y in range(x + 1, len(postings)):
                    candidates.add((postings[x], postings[y]))

    out = []
    for i, j in sorted(candidates):
        a, b = actions[i], actions[j]
        if a.chapter == "ef" and b.chapter == "ef" and a.state != b.state:
            continue
        if a.edition == b.edition and a.objective == b.objective:
            continue
        cos = title_vec.cosine(i, j)
        acr = sorted(acronyms[i] & acronyms[j])
        # an acronym abbreviates its own name's words, unless both names print one (two acronyms: two names)
        own = (set(), set()) if own_acronyms[i] and own_acronyms[j] else (own_acronyms[i], own_acronyms[j])
        if cos < MIN_COSINE and not acr and not (keys[i] - own[0] <= keys[j] or keys[j] - own[1] <= keys[i]):
            continue  # little shared, and neither name wholly inside the other
        contained, distinct = title_vec.overlap(i, j, own)
        if title_vec.rarest_shared(i, j) < MIN_CONTAINED_IDF and not _phrase_inside(seqs[i], seqs[j]):
            contained = 0.0  # only common words shared, and not one whole name inside the other: no credit
        t = max(cos, W_CONTAINED * contained) - W_DISTINCT * distinct
        d = desc_vec.cosine(i, j)
        conf = 0.6 * t + 0.25 * d + (0.15 if acr else 0.0)
        fi, fj = families[i], families[j]
        if fi and fj:
            same = bool(fi & fj)
            # one distinctive name reported by two institutions (a programme they run together) is not penalised
            shared_name = t >= SAME_NAME and title_vec.rarest_shared(i, j) >= MIN_CONTAINED_IDF
            conf += 0.1 if same else (0.0 if shared_name else -0.2)
            inst = f"same institution ({', '.join(sorted(fi & fj))})" if same else "different institutions"
            if not same and shared_name:
                inst += " running one distinctively named programme"
        else:
            inst = "institution not printed on one side"
        conf = max(0.0, min(1.0, conf))
        if conf < 0.25:
            continue
        evidence = f"name similarity {t:.2f} (shared: {', '.join(title_vec.shared(i, j))}); description {d:.2f}"
        if acr:
            evidence += f"; acronym {', '.join(acr)}"
        evidence += f"; {inst}"
        out.append(ProgrammeLink(a.key, b.key, round(conf, 3), evidence))
    return out
