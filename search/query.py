"""Queries: parse, filter, facet, highlight, suggest, page; "acciones similares".

Query syntax (whoosh's, in Spanish-friendly form):

* words are ANDed; ``OR``, ``AND``, ``NOT`` (upper case), ``-palabra`` to exclude, parentheses;
* ``"frase exacta"``; ``migra*`` prefix (the prefix is stemmed like any word; ``?`` inside a word is
  whoosh's and unreliable on stemmed terms); ``palabra~`` fuzzy; ``*`` alone is every action;
* field filters: ``objetivo:7``, ``institucion:INM``, ``estado:"Estado de México"`` (or a demonym,
  ``estado:mexiquense``), ``socio:OIM``, ``edicion:2024``, ``poblacion:nna``, ``tipo:APF``,
  ``categoria:falta-recursos``, ``tipo_accion:capacitacion``; text fields ``titulo:``,
  ``descripcion:``, ``resultados:``, ``retos:``.

Accents and case never matter. Queries longer than :data:`MAX_QUERY_CHARS` (500) characters are cut
at a word boundary (the answer says ``"truncated": true``); control characters become spaces. Wildcards
need two literal characters in front (``migra*``, not ``*a*`` nor ``a*``) and at most
:data:`MAX_WILDCARDS` words may carry ``*``, ``?`` or ``~`` (each expands over the whole vocabulary).
Unbalanced quotes or parentheses and lone operators are read leniently by whoosh's parser (they give
results, possibly none). An unknown field name, a malformed objective or edition, bad paging or an
unknown sort raise :class:`SearchQueryError` (the API answers 400). An unknown facet *value* is not
an error: it matches nothing and the answer carries a warning.

Facet counts are computed over the whole result set (query and every filter applied), not only the
page shown.
"""

from __future__ import annotations

import contextlib
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import numpy as np
from whoosh import collectors, highlight, qparser, sorting
from whoosh import query as wq
from whoosh.analysis import Token
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

from search.analysis import fold, normalise_key, spanish_stopwords
from search.engine import TextEngine, Unsupported
from search.index import EVERY_FIELD, FACET_ALIAS_KIND, FACETS, SNIPPET_FIELDS, TEXT_FIELDS, SearchIndex

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
MAX_WILDCARDS = 6
MAX_CLAUSES = 2500  # a 500-character query of distinct words stays below this
FEW_HITS = 3  # below this many hits, look for a "¿Quiso decir…?" suggestion
SORTS = ("relevance", "edition", "objective")

#: Names accepted in the query string and in filter dicts (folded) → schema field.
FIELD_NAMES: dict[str, str] = {
    **{n: "title" for n in ("titulo", "title")},
    **{n: "description" for n in ("descripcion", "description")},
    **{n: "results" for n in ("resultados", "resultado", "results")},
    **{n: "challenges" for n in ("retos", "reto", "challenges")},
    **{n: "objective" for n in ("objetivo", "objective", "obj")},
    **{n: "institution" for n in ("institucion", "institution", "inst", "actor", "actors")},
    **{n: "actor_type" for n in ("tipo", "tipo_actor", "actor_type", "actortype")},
    **{n: "state" for n in ("estado", "entidad", "state")},
    **{n: "partner" for n in ("socio", "socios", "aliado", "partner")},
    **{n: "edition" for n in ("edicion", "edition", "ano", "year")},
    **{n: "population" for n in ("poblacion", "population")},
    **{n: "challenge_category" for n in ("categoria", "categoria_reto", "challenge_category")},
    **{n: "action_type" for n in ("tipo_accion", "action_type")},
}

_FIELD_PREFIX = re.compile(r"(?<![\w.:])([^\W\d][\w]*):")
_MINUS = re.compile(r"(?:(?<=\s)|^)-(?=[\w(])")
_PLUS = re.compile(r"(?:(?<=\s)|^)\+(?=[\w(])")
_WORD = re.compile(r"(?<![\w:*~])([^\W\d_]{3,})(?![\w:*~])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


class SearchQueryError(ValueError):
    """A query the search cannot run; ``message`` is for the user (the API answers 400)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class MarkFormatter(highlight.Formatter):
    """Wraps matched words in ``<mark>``; escapes every other character of the text."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return "<mark>" + html.escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"


_STEMMER = stemmer_for_language("es")
_TOKEN_RE = re.compile(r"\w+(?:\.?\w+)*")
_FRAGMENT_SCORER = highlight.BasicFragmentScorer()
_FORMATTER = MarkFormatter()
_SNIPPET_FRAGMENTER = highlight.ContextFragmenter(maxchars=240, surround=60)
_TITLE_FRAGMENTER = highlight.WholeFragmenter()

# --------------------------------------------------------------------------------------------
# cleaning and parsing


def clean_query(text: object) -> tuple[str, bool]:
    """Control characters → spaces, white space collapsed, cut to :data:`MAX_QUERY_CHARS`.

    Returns the cleaned text and whether it was truncated.
    """
    if text is None:
        return "", False
    if not isinstance(text, str):
        raise SearchQueryError("La consulta debe ser texto.", f"got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    if space > MAX_QUERY_CHARS * 0.8:
        cut = cut[:space]
    return cut.strip(), True


def _rewrite_fields(text: str) -> str:
    """Map Spanish field names to schema names; reject unknown ones; a colon before a space is text."""
    segments = text.split('"')
    out = []
    for i, segment in enumerate(segments):
        if i % 2 == 1 and i < len(segments) - 1:  # inside a closed phrase: leave alone
            out.append(segment)
            continue
        is_last = i == len(segments) - 1

        def repl(m: re.Match[str], seg: str = segment, last: bool = is_last) -> str:
            end = m.end()
            at_end = end == len(seg)
            if (at_end and last) or (not at_end and seg[end].isspace()):
                return m.group(1) + " "  # "Retos: ..." is text, not a field
            name = fold(m.group(1))
            if name not in FIELD_NAMES:
                known = ", ".join(sorted({"titulo", "descripcion", "resultados", "retos", "objetivo", "institucion",
                                          "tipo", "estado", "socio", "edicion", "poblacion", "categoria",
                                          "tipo_accion"}))  # fmt: skip
                raise SearchQueryError(f"Campo desconocido «{m.group(1)}».", f"Campos válidos: {known}.")
            return FIELD_NAMES[name] + ":"

        segment = _FIELD_PREFIX.sub(repl, segment)
        # "-palabra" excludes, "+palabra" is an ordinary word (whoosh's PlusMinusPlugin breaks "MÉXICO-CANADÁ")
        segment = _MINUS.sub(" NOT ", segment)
        segment = _PLUS.sub(" ", segment)
        out.append(segment)
    return '"'.join(out)


def _parser(sx: SearchIndex) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), sx.ix.schema, fieldboosts=TEXT_FIELDS)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def resolve_facet_value(sx: SearchIndex, facet: str, raw: str, warnings: list[str]) -> str:
    """The indexed key a facet value (display value, alias, slug, code…) stands for.

    Malformed objectives and editions raise :class:`SearchQueryError`; unknown values are kept (they
    match nothing) with a warning.
    """
    raw = str(raw).strip()
    key = normalise_key(raw)
    keys = sx.display.get(facet, {})
    if facet == "objective":
        digits = key.removeprefix("objetivo").strip()
        if not digits.isdigit() or not 1 <= int(digits) <= 23:
            raise SearchQueryError(f"Objetivo no válido: «{raw}».", "El objetivo es un número del 1 al 23.")
        return str(int(digits))
    if facet == "edition":
        if not re.fullmatch(r"\d{4}", key):
            detail = "La edición es un año de cuatro cifras, p. ej. 2024."
            raise SearchQueryError(f"Edición no válida: «{raw}».", detail)
        return key
    if key in keys:
        return key
    kind = FACET_ALIAS_KIND.get(facet)
    if kind:
        canonical = sx.aliases.resolve(kind, raw)
        if canonical is not None and normalise_key(canonical) in keys:
            return normalise_key(canonical)
    loose = re.sub(r"[\s_-]+", " ", key)
    for k in keys:
        if re.sub(r"[\s_-]+", " ", k) == loose:
            return k
    warnings.append(f"Valor desconocido para «{facet}»: «{raw}».")
    return key


def parse_query(sx: SearchIndex, text: str, warnings: list[str]) -> wq.Query | None:
    """The whoosh query for cleaned ``text`` (None when it is empty)."""
    if not text:
        return None
    rewritten = _rewrite_fields(text)
    try:
        q = _parser(sx).parse(rewritten, normalize=False)
    except Exception as exc:  # whoosh's parser is lenient; this is a last guard
        raise SearchQueryError("No se pudo interpretar la consulta.", str(exc)) from exc

    def fix(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Every):
            # "*": every document. Not whoosh's Every(field) (a walk over the field's postings), and not an
            # unfielded Every inside And/Or either (whoosh's normalize() turns "OIM *" into Every()).
            return wq.Term(EVERY_FIELD, "1")
        if type(node) is wq.Term and node.fieldname in FACETS:
            key = resolve_facet_value(sx, node.fieldname, node.text, warnings)
            return wq.Term(node.fieldname, key, boost=node.boost)
        return node

    try:
        q = q.accept(fix).normalize()
    except SearchQueryError:
        raise
    except Exception as exc:
        raise SearchQueryError("No se pudo interpretar la consulta.", str(exc)) from exc
    if q == wq.Term(EVERY_FIELD, "1"):
        return None  # "*" alone: the same as an empty query (browse everything)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        warnings.append("La consulta no contiene palabras que buscar.")
        return q
    leaves = list(q.leaves()) if not q.is_leaf() else [q]
    if len(leaves) > MAX_CLAUSES:
        raise SearchQueryError("La consulta es demasiado compleja.", f"{len(leaves)} cláusulas; máximo {MAX_CLAUSES}.")
    _check_wildcards(leaves)
    return q


def _check_wildcards(leaves: list[wq.Query]) -> None:
    """Bound the cost of term expansion: ≥ 2 literal characters before a wildcard, few wildcards."""
    patterns = set()
    for leaf in leaves:
        if isinstance(leaf, wq.Prefix):
            literal = leaf.text
        elif isinstance(leaf, wq.Wildcard):
            literal = re.split(r"[*?]", leaf.text, maxsplit=1)[0]
        elif isinstance(leaf, wq.FuzzyTerm):
            literal = leaf.text[: max(2, leaf.prefixlength)]
        else:
            continue
        if len(literal) < 2:
            raise SearchQueryError(
                "Los comodines necesitan al menos dos letras delante.", "Por ejemplo migra* o refug?ado; no *a* ni a*."
            )
        patterns.add(leaf.text)
    if len(patterns) > MAX_WILDCARDS:
        detail = f"Como máximo {MAX_WILDCARDS} palabras con * ? o ~ por consulta."
        raise SearchQueryError("Demasiados comodines.", detail)


def normalise_filters(filters: dict[str, Any] | None) -> dict[str, list[str]]:
    """Filter names mapped to facet names (Spanish names accepted); values as a list of strings."""
    out: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        facet = FIELD_NAMES.get(fold(str(name)).replace("-", "_"), str(name))
        if facet not in FACETS:
            raise SearchQueryError(f"Filtro desconocido «{name}».", f"Filtros válidos: {', '.join(FACETS)}.")
        if values is None:
            continue
        if isinstance(values, str | int):
            values = [values]
        flat = []
        for v in values:
            if not isinstance(v, str | int):
                raise SearchQueryError(f"Valor no válido para «{name}».", repr(v)[:80])
            flat.extend(part for part in str(v).split(",") if part.strip())
        if flat:
            out.setdefault(facet, []).extend(flat)
    return out


def build_filter(sx: SearchIndex, filters: dict[str, list[str]], warnings: list[str]) -> wq.Query | None:
    """AND across facets, OR within one facet."""
    parts = []
    for facet, values in filters.items():
        keys = sorted({resolve_facet_value(sx, facet, v, warnings) for v in values})
        parts.append(wq.Or([wq.Term(facet, k) for k in keys]) if len(keys) > 1 else wq.Term(facet, keys[0]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


# --------------------------------------------------------------------------------------------
# searching


class _RecordMatches:
    """Collector mixin that also records every matching document (the facets count them all)."""

    def prepare(self, top_searcher: Any, q: wq.Query, context: Any) -> None:
        super().prepare(top_searcher, q, context)  # type: ignore[misc]
        self.matched: set[int] = set()

    def collect(self, sub_docnum: int) -> Any:
        self.matched.add(self.offset + sub_docnum)  # type: ignore[attr-defined]
        return super().collect(sub_docnum)  # type: ignore[misc]


class _TopRecorder(_RecordMatches, collectors.TopCollector):
    """Top-N by score that also records every matching document (block-quality skipping off)."""


class _SortRecorder(_RecordMatches, collectors.SortingCollector):
    """Top-N by sort key that also records every matching document."""


def _sortedby(sort: str, has_words: bool) -> list[sorting.FacetType] | None:
    by_key = sorting.FieldFacet("key")
    if sort == "edition" or (sort == "relevance" and not has_words):
        return [sorting.FieldFacet("edition_n", reverse=True), sorting.ScoreFacet(), by_key]
    if sort == "objective":
        by_edition = sorting.FieldFacet("edition_n", reverse=True)
        return [sorting.FieldFacet("objective_n"), by_edition, sorting.ScoreFacet(), by_key]
    return None


def _count_facets(sx: SearchIndex, docnums: set[int]) -> dict[str, dict[str, int]]:
    """Facet value key → count over ``docnums`` (the whoosh path)."""
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        per_doc = sx.doc_facets[facet]
        counts: Counter[str] = Counter()
        for d in docnums:
            counts.update(per_doc[d])
        out[facet] = dict(counts)
    return out


def _facet_display(sx: SearchIndex, counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Counts keyed by display value, in display order (objectives and editions by number, others by count)."""
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        display = sx.display.get(facet, {})
        items = [(display.get(k, k), c) for k, c in counts.get(facet, {}).items()]
        if facet == "objective":
            items.sort(key=lambda kv: int(kv[0]) if kv[0].isdigit() else 99)
        elif facet == "edition":
            items.sort(key=lambda kv: kv[0], reverse=True)
        else:
            items.sort(key=lambda kv: (-kv[1], fold(kv[0])))
        out[facet] = dict(items)
    return out


def _positive_leaves(q: wq.Query) -> Iterator[wq.Query]:
    """The leaves of ``q`` outside negations (what a hit's text can show)."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)


def highlight_terms(sx: SearchIndex, q: wq.Query | None) -> frozenset[str]:
    """The indexed words ``q`` looks for in text fields (prefixes and fuzzy words expanded, negations left out).

    Every text field shares one analyzer, so these words can be marked in any stored field, whichever
    field the query searched.
    """
    if q is None:
        return frozenset()
    reader = sx.searcher.reader()
    words: set[str] = set()
    for leaf in _positive_leaves(q):
        if leaf.field() not in TEXT_FIELDS and leaf.field() not in SNIPPET_FIELDS:
            continue
        if type(leaf) is wq.Term:
            words.add(leaf.text.decode("utf-8") if isinstance(leaf.text, bytes) else str(leaf.text))
        elif type(leaf) is wq.Phrase:
            words.update(w.decode("utf-8") if isinstance(w, bytes) else w for w in leaf.words)
        elif sx.engine is not None:
            with contextlib.suppress(Unsupported):
                words.update(sx.engine.expand(leaf))
        else:
            for _field, text in leaf.existing_terms(reader, phrases=True, expand=True):
                words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(words)


@lru_cache(maxsize=200_000)
def _indexed_form(word: str) -> str:
    """What the full-text analyzer makes of one word ("" for a stop word): folded, lower case, stemmed."""
    folded = word.lower().translate(accent_map)
    if folded in spanish_stopwords():
        return ""
    return _STEMMER(folded)


def _marked_tokens(text: str, words: frozenset[str]) -> Iterator[Token]:
    """Tokens of ``text`` with their character offsets, ``matched`` when their indexed form is in ``words``.

    The same words the index analyzer sees (its tokenizer pattern, folding, stop words and stems), without
    running the whole analyzer chain over every snippet field.
    """
    token = Token(positions=False, chars=True, removestops=False)
    for m in _TOKEN_RE.finditer(text):
        token.text = m.group()
        token.startchar, token.endchar = m.span()
        token.matched = _indexed_form(token.text) in words
        yield token


def _highlight(text: str, words: frozenset[str], top: int, fragmenter: highlight.Fragmenter) -> str:
    if not text or not words:
        return ""
    try:
        fragments = fragmenter.fragment_tokens(text, _marked_tokens(text, words))
        best = highlight.top_fragments(fragments, top, _FRAGMENT_SCORER, highlight.FIRST, minscore=1)
        return _FORMATTER(text, best)
    except Exception:  # highlighting is best effort
        return ""


def _snippet(stored: dict[str, Any], words: frozenset[str], engine: TextEngine | None, docnum: int) -> str:
    for name in SNIPPET_FIELDS:
        if engine is not None and engine.contains_any(name, docnum, words) is False:
            continue  # none of the words in this field: do not tokenise it
        frag = _highlight(stored.get(name) or "", words, 2, _SNIPPET_FRAGMENTER)
        if frag:
            return frag
    plain = stored.get("description") or stored.get("results") or ""
    if len(plain) > 240:
        plain = plain[:240].rsplit(" ", 1)[0] + " …"
    return html.escape(plain, quote=False)


def _words_for_suggestion(text: str) -> list[str]:
    inside = re.sub(r"\w+:(\"[^\"]*\"|'[^']*'|\S+)", " ", text)
    return [w for w in _WORD.findall(inside) if w not in _OPERATORS]


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _suggest(sx: SearchIndex, text: str, total: int, filter_q: wq.Query | None) -> str | None:
    """A corrected query ("¿Quiso decir…?") that finds more actions, or None."""
    s = sx.searcher
    stop = spanish_stopwords()
    suggestion = text
    changed = False
    for word in _words_for_suggestion(text):
        folded = fold(word)
        if folded in stop or s.doc_frequency("words", folded) > 0:
            continue
        candidates = s.suggest("words", folded, limit=8, maxdist=2, prefix=1)
        if not candidates:
            continue
        best = min(candidates, key=lambda c: (_edit_distance(folded, c), -s.doc_frequency("words", c), c))
        better = sx.surface.get(best, best)
        suggestion = re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", better, suggestion, count=1)
        changed = True
    if not changed:
        return None
    try:
        q = parse_query(sx, suggestion, [])
    except SearchQueryError:
        return None
    if q is None:
        return None
    combined = wq.And([q, filter_q]) if filter_q is not None else q
    try:
        if sx.engine is None:
            raise Unsupported("no in-memory engine")
        found = int(sx.engine.evaluate(combined)[0].sum())
    except Unsupported:
        found = sum(1 for _ in s.docs_for_query(combined))
    return suggestion if found > total else None


#: One search's matches: the total, the first documents in order as ``(docnum, score)``, and facet counts.
_Found = tuple[int, list[tuple[int, float | None]], dict[str, dict[str, int]]]


def _run_in_memory(
    sx: SearchIndex, engine: TextEngine, user_q: wq.Query | None, filter_q: wq.Query | None, sort: str, limit: int
) -> _Found:
    """Match, count and rank with :mod:`search.engine` (raises :class:`Unsupported` for unknown nodes)."""
    mask, score = engine.evaluate(user_q) if user_q is not None else engine.evaluate(wq.Every())
    if filter_q is not None:
        mask = mask & engine.evaluate(filter_q)[0]
    keys = sx.sort_keys
    docnum = np.arange(engine.n, dtype=np.int32)
    neg_score = -score
    if sort == "objective":
        order = [docnum, keys["key"], neg_score, -keys["edition"], keys["objective"]]
    elif sort == "edition" or user_q is None:
        order = [docnum, keys["key"], neg_score, -keys["edition"]]
    else:
        order = [docnum, neg_score]
    ranked = [(int(d), float(score[d])) for d in engine.rank(mask, order, limit)]
    return int(mask.sum()), ranked, engine.facet_counts(mask)


def _run_whoosh(sx: SearchIndex, user_q: wq.Query | None, filter_q: wq.Query | None, sort: str, limit: int) -> _Found:
    """Match, count and rank with whoosh's collectors (queries the in-memory engine does not cover)."""
    s = sx.searcher
    main = user_q if user_q is not None else wq.Every()
    allow = set(s.docs_for_query(filter_q)) if filter_q is not None else None
    if allow is not None and not allow:  # whoosh reads an empty allow set as "no filter"
        return 0, [], _count_facets(sx, set())
    limit = max(1, min(limit, len(sx.all_docs)))
    sortedby = _sortedby(sort, user_q is not None)
    # replace=0: whoosh would otherwise prune sub-queries that cannot reach the top N, and miss matches
    top = _SortRecorder(sortedby, limit=limit) if sortedby else _TopRecorder(limit=limit, usequality=False, replace=0)
    col = collectors.FilterCollector(top, allow=allow) if allow is not None else top
    s.search_with_collector(main, col)
    matched = top.matched
    ranked: list[tuple[int, float | None]] = []
    if matched:
        ranked = [(hit.docnum, hit.score) for hit in col.results()]
    return len(matched), ranked, _count_facets(sx, matched)


def _hits(
    sx: SearchIndex, user_q: wq.Query | None, page: list[tuple[int, float | None]], scored: bool
) -> list[dict[str, Any]]:
    """The answer's hits for the documents of one page: stored fields, escaped title and snippet."""
    words = highlight_terms(sx, user_q) if page else frozenset()
    hits: list[dict[str, Any]] = []
    for docnum, score in page:
        stored = sx.searcher.stored_fields(docnum)
        meta = stored.get("meta") or {}
        title = stored.get("title", "")
        shown = score if scored else None
        hits.append(
            {
                "id": stored["id"],
                "key": stored["key"],
                "title": title,
                "title_html": _highlight(title, words, 1, _TITLE_FRAGMENTER) or html.escape(title, quote=False),
                "snippet": _snippet(stored, words, sx.engine, docnum),
                "objective": meta.get("objective"),
                "actors": meta.get("actors", []),
                "partners": meta.get("partners", []),
                "states": meta.get("states", []),
                "edition": meta.get("edition"),
                "score": None if shown is None or not math.isfinite(shown) else round(float(shown), 4),
            }
        )
    return hits


def search(
    sx: SearchIndex,
    query_text: str | None = "",
    filters: dict[str, Any] | None = None,
    page: int = 1,
    per_page: int = 10,
    sort: str = "relevance",
) -> dict[str, Any]:
    """Run a query; the answer has the contract §4 shape plus paging, suggestion and warnings.

    ``{"query", "total", "page", "per_page", "pages", "sort", "truncated", "suggestion", "warnings",
    "hits": [{"id", "key", "title", "title_html", "snippet", "objective", "actors", "partners",
    "states", "edition", "score"}], "facets": {facet: {value: count}}}``. ``snippet`` and
    ``title_html`` are HTML: the text is escaped and the matched words wrapped in ``<mark>``.
    """
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise SearchQueryError("Página no válida.", "page es un entero ≥ 1.")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise SearchQueryError("Tamaño de página no válido.", f"per_page es un entero entre 1 y {MAX_PER_PAGE}.")
    if sort not in SORTS:
        raise SearchQueryError(f"Orden desconocido «{sort}».", f"Órdenes válidos: {', '.join(SORTS)}.")
    text, truncated = clean_query(query_text)
    warnings: list[str] = []
    norm_filters = normalise_filters(filters)
    with sx.lock:
        user_q = parse_query(sx, text, warnings)
        filter_q = build_filter(sx, norm_filters, warnings)
        start = (page - 1) * per_page
        try:
            found = None
            if sx.engine is not None:
                try:
                    found = _run_in_memory(sx, sx.engine, user_q, filter_q, sort, start + per_page)
                except Unsupported:
                    found = None
            if found is None:
                if sx.engine is not None and not sx.whoosh_text:
                    raise SearchQueryError(
                        "Esta forma de consulta no se admite.", "Use palabras, frases, *, ~ y OR/NOT."
                    )
                found = _run_whoosh(sx, user_q, filter_q, sort, start + per_page)
            total, ranked, counts = found
            hits = _hits(
                sx, user_q, ranked[start : start + per_page], scored=_sortedby(sort, user_q is not None) is None
            )
            facets = _facet_display(sx, counts)
            suggestion = _suggest(sx, text, total, filter_q) if user_q is not None and total < FEW_HITS else None
        except SearchQueryError:
            raise
        except Exception as exc:  # a whoosh failure on an odd query must not become a 500
            raise SearchQueryError("No se pudo ejecutar la consulta.", f"{type(exc).__name__}: {exc}") from exc
    return {
        "query": text,
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": math.ceil(total / per_page) if total else 0,
        "sort": sort,
        "truncated": truncated,
        "suggestion": suggestion,
        "warnings": warnings,
        "hits": hits,
        "facets": facets,
    }


def similar(sx: SearchIndex, action_id: str, n: int = 5) -> list[dict[str, Any]]:
    """ "Acciones similares": up to ``n`` actions sharing the most characteristic words of ``action_id``.

    ``action_id`` is the action URI or its key (``2024-ef-o01-02``); unknown ids raise
    :class:`SearchQueryError`.
    """
    if not isinstance(n, int) or not 1 <= n <= MAX_PER_PAGE:
        raise SearchQueryError("Número de acciones similares no válido.", f"n entre 1 y {MAX_PER_PAGE}.")
    with sx.lock:
        s = sx.searcher
        field = "id" if "/" in str(action_id) else "key"
        docnum = s.document_number(**{field: str(action_id)})
        if docnum is None:
            raise SearchQueryError(f"Acción desconocida «{action_id}».")
        if sx.engine is not None:
            key_terms = sx.engine.key_terms("body", docnum, n=20)
        else:
            stored = s.stored_fields(docnum)
            text = " ".join(stored.get(f, "") for f in ("title", "description", "results"))
            key_terms = s.key_terms_from_text("body", text, numterms=20)
        if not key_terms:
            return []
        top = max(w for _, w in key_terms)
        clauses = [
            wq.Term(f, term, boost=weight / top * TEXT_FIELDS[f])
            for term, weight in key_terms
            for f in ("title", "body")
        ]
        # sharing partners, populations, the objective or the state counts too
        for facet, boost in (("partner", 2.0), ("institution", 1.5), ("population", 1.0), ("objective", 1.0)):
            clauses.extend(wq.Term(facet, k, boost=boost) for k in sx.doc_facets[facet][docnum])
        if sx.engine is not None:
            mask, score = sx.engine.evaluate(wq.Or(clauses))
            mask[docnum] = False
            ranked = [(int(d), float(score[d])) for d in sx.engine.rank(mask, [np.arange(sx.engine.n), -score], n)]
        else:
            ranked = [(hit.docnum, hit.score) for hit in s.search(wq.Or(clauses), limit=n, mask={docnum})]
        out = []
        for other, score_of in ranked:
            stored = s.stored_fields(other)
            meta = stored.get("meta") or {}
            out.append(
                {
                    "id": stored["id"],
                    "key": stored["key"],
                    "title": stored.get("title", ""),
                    "objective": meta.get("objective"),
                    "edition": meta.get("edition"),
                    "actors": meta.get("actors", []),
                    "score": round(score_of, 4),
                }
            )
        return out
