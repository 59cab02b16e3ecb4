"""Build the whoosh index offline; open it read-only.

The index directory holds the whoosh files plus ``migrakg-search.json`` (facet display values, the
alias table and the accented spelling of every indexed word, for suggestions). Build once with
:func:`build_index` (one writer), then serve with :func:`open_index` (read-only, shareable between
threads: searches take a lock around the single searcher).
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import fields, index
from whoosh.searching import Searcher

from search.aliases import AliasTable, curated_aliases
from search.analysis import fold, keyword_analyzer, normalise_key, spanish_analyzer, spelling_analyzer
from search.documents import SearchDocument
from search.engine import STORED_TOKEN_FIELDS, TOKENS_FILE, TextEngine, write_tokens

SIDECAR = "migrakg-search.json"
EVERY_FIELD = "every"
_WORD_RE = re.compile(r"\w+")
FORMAT_VERSION = 3

#: Facet name → index field (the names of the facets in the API answer).
FACETS: tuple[str, ...] = (
    "objective",
    "actor_type",
    "institution",
    "state",
    "edition",
    "population",
    "partner",
    "challenge_category",
    "action_type",
)
#: Which alias kind resolves the values of each facet.
FACET_ALIAS_KIND: dict[str, str] = {
    "institution": "institution",
    "partner": "institution",
    "state": "state",
    "population": "population",
    "actor_type": "actor_type",
    "challenge_category": "challenge_category",
    "action_type": "action_type",
}
#: Full-text fields searched by default, with their boosts. ``body`` is the description, results,
#: retos and topic words (objective, states, populations, categories) in one field; ``names`` the
#: institutions and partners with their names and aliases. Few default fields keep queries fast: every
#: word becomes one term per field, and whoosh walks the union of them all (bench/RESULTS.md).
#: ``titulo:``, ``descripcion:``, ``resultados:`` and ``retos:`` still search their own field.
TEXT_FIELDS: dict[str, float] = {"title": 3.0, "body": 1.0, "names": 2.0}
#: Stored text fields a snippet may come from, in order of preference.
SNIPPET_FIELDS: tuple[str, ...] = ("description", "results", "challenges", "title")


class SearchIndexError(RuntimeError):
    """The index directory is missing, incomplete or of another format."""


def make_schema() -> fields.Schema:
    """The whoosh schema of the action index."""
    es = spanish_analyzer()
    kw = keyword_analyzer()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        key=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=es, stored=True),
        description=fields.TEXT(analyzer=es, stored=True),
        results=fields.TEXT(analyzer=es, stored=True),
        challenges=fields.TEXT(analyzer=es, stored=True),
        body=fields.TEXT(analyzer=es),
        names=fields.TEXT(analyzer=es),
        words=fields.TEXT(analyzer=spelling_analyzer(), phrase=False),
        edition_n=fields.NUMERIC(int, sortable=True),
        objective_n=fields.NUMERIC(int, sortable=True),
        meta=fields.STORED(),
    )
    schema.add(EVERY_FIELD, fields.ID())  # one term, "1", in every document: "*" as a cheap term query
    for facet in FACETS:
        schema.add(facet, fields.TEXT(analyzer=kw, phrase=False))
    return schema


def facet_values(doc: SearchDocument) -> dict[str, list[str]]:
    """The display values of every facet for one document."""
    return {
        "objective": [str(doc.objective)] if doc.objective else [],
        "actor_type": list(doc.actor_types),
        "institution": list(doc.institutions),
        "state": list(doc.states),
        "edition": [str(doc.edition)] if doc.edition else [],
        "population": list(doc.populations),
        "partner": list(doc.partners),
        "challenge_category": list(doc.challenge_categories),
        "action_type": list(doc.action_types),
    }


def _alias_text(doc: SearchDocument, aliases: AliasTable) -> str:
    out: list[str] = []
    for kind, values in (
        ("institution", doc.institutions + doc.partners),
        ("state", doc.states),
        ("population", doc.populations),
    ):
        for value in values:
            out.extend(aliases.aliases_for(kind, value))
    return " ; ".join(out)


def build_index(
    documents: Iterable[SearchDocument],
    index_dir: Path,
    aliases: AliasTable | None = None,
    *,
    whoosh_text: bool = False,
) -> int:
    """Write a fresh index of ``documents`` into ``index_dir``; return the number of documents.

    ``aliases`` defaults to the curated table alone; pass :func:`search.aliases.build_aliases` of the
    build's store to add the institutions' own names. The full-text fields are matched by
    :mod:`search.engine` from the tokens file; whoosh stores their text but indexes them only with
    ``whoosh_text=True`` (a reference index for tests that compare the two, about a second slower to write).
    """
    aliases = aliases or curated_aliases()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), make_schema())
    writer = ix.writer(limitmb=256)
    display: dict[str, dict[str, str]] = {f: {} for f in FACETS}
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    folded_of: dict[str, str] = {}
    es = spanish_analyzer()
    tokens: dict[str, list[str]] = {f: [] for f in STORED_TOKEN_FIELDS}

    def stems(text: str) -> str:
        return " ".join(t.text for t in es(text))

    n = 0
    try:
        for doc in documents:
            values = facet_values(doc)
            for facet, vals in values.items():
                for v in vals:
                    display[facet].setdefault(normalise_key(v), v)
            challenges = "\n".join(doc.challenges)
            topics = " ; ".join(
                [f"objetivo {doc.objective}", doc.objective_title]
                + doc.states
                + doc.population_labels
                + doc.action_type_labels
                + doc.challenge_category_labels
            )
            alias_text = _alias_text(doc, aliases)
            names = " ; ".join(
                doc.institutions + doc.institution_names + doc.partners + doc.partner_names + [alias_text]
            )
            texts = {
                "title": doc.title,
                "description": doc.description,
                "results": doc.results,
                "challenges": challenges,
                "topics": topics,
                "names": names,
            }
            for name, text in texts.items():
                tokens[name].append(stems(text))
            # the spelling field gets each word once (suggestions need the vocabulary, not frequencies)
            words = set(_WORD_RE.findall(" ".join([doc.title, doc.description, doc.results, challenges]).lower()))
            for word in words:
                folded = folded_of.get(word)
                if folded is None:
                    folded = folded_of[word] = fold(word)
                if folded != word:
                    surface[folded][word] += 1
            meta = {
                "objective": doc.objective,
                "edition": doc.edition,
                "actors": doc.institutions,
                "partners": doc.partners,
                "states": doc.states,
                "objective_title": doc.objective_title,
                "actor_types": doc.actor_types,
                "populations": doc.populations,
            }
            stored = {
                "title": doc.title,
                "description": doc.description,
                "results": doc.results,
                "challenges": challenges,
            }
            if whoosh_text:
                text_fields = {
                    **stored,
                    "body": "\n".join([doc.description, doc.results, challenges, topics]),
                    "names": names,
                }
            else:  # stored, not indexed: the engine matches them (an empty value indexes nothing)
                text_fields = {**{name: "" for name in stored}, **{f"_stored_{k}": v for k, v in stored.items()}}
            writer.add_document(
                id=doc.id,
                key=doc.key,
                **text_fields,
                words=" ".join(sorted(words)),
                edition_n=doc.edition,
                objective_n=doc.objective,
                meta=meta,
                **{EVERY_FIELD: "1"},
                **{facet: ",".join(normalise_key(v) for v in vals) for facet, vals in values.items()},
            )
            n += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=True)
    sidecar = {
        "format": FORMAT_VERSION,
        "whoosh_text": whoosh_text,
        "documents": n,
        "facets": display,
        "aliases": aliases.to_json(),
        # folded word → its most frequent accented spelling (for "¿Quiso decir…?")
        "surface": {w: c.most_common(1)[0][0] for w, c in sorted(surface.items())},
    }
    (index_dir / SIDECAR).write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    write_tokens(index_dir / TOKENS_FILE, tokens)
    return n


@dataclass
class SearchIndex:
    """An opened, read-only index with the caches the queries need."""

    path: Path
    ix: Any
    searcher: Searcher
    aliases: AliasTable
    display: dict[str, dict[str, str]]
    surface: dict[str, str]
    doc_facets: dict[str, list[list[str]]] = field(default_factory=dict)  # facet → docnum → keys
    all_docs: frozenset[int] = frozenset()
    engine: TextEngine | None = None
    whoosh_text: bool = True  # whether whoosh itself indexes the text fields (see build_index)
    #: per document: edition, objective (99 when none) and the rank of its key, for sorting
    sort_keys: dict[str, np.ndarray] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def doc_count(self) -> int:
        return len(self.all_docs)

    def close(self) -> None:
        """Release the searcher's files."""
        self.searcher.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def index_is_current(index_dir: Path) -> bool:
    """Whether ``index_dir`` holds an index this version can open (same format, tokens file present)."""
    try:
        sidecar = json.loads((Path(index_dir) / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return sidecar.get("format") == FORMAT_VERSION and (Path(index_dir) / TOKENS_FILE).exists()


def open_index(index_dir: Path) -> SearchIndex:
    """Open the index in ``index_dir`` read-only (raises :class:`SearchIndexError` when unusable)."""
    index_dir = Path(index_dir)
    sidecar_path = index_dir / SIDECAR
    if not index_dir.is_dir() or not index.exists_in(str(index_dir)) or not sidecar_path.exists():
        raise SearchIndexError(f"no search index in {index_dir} (run `migrakg build`)")
    sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
    if sidecar.get("format") != FORMAT_VERSION:
        found = sidecar.get("format")
        raise SearchIndexError(f"search index in {index_dir} has format {found!r}, need {FORMAT_VERSION}")
    ix = index.open_dir(str(index_dir), readonly=True)
    searcher = ix.searcher()
    reader = searcher.reader()
    size = reader.doc_count_all()
    doc_facets: dict[str, list[list[str]]] = {}
    for facet in FACETS:
        per_doc: list[list[str]] = [[] for _ in range(size)]
        for term in reader.lexicon(facet):
            text = term.decode("utf-8")
            for docnum in reader.postings(facet, term).all_ids():
                per_doc[docnum].append(text)
        doc_facets[facet] = per_doc
    # sort keys from the sortable columns (no stored document is unpickled at start-up)
    editions = np.fromiter(reader.column_reader("edition_n"), dtype=np.int32, count=size)
    objectives = np.fromiter(reader.column_reader("objective_n"), dtype=np.int32, count=size)
    objectives[objectives == 0] = 99  # no objective: last
    keys = list(reader.column_reader("key"))
    key_rank = np.empty(size, dtype=np.int32)
    key_rank[np.argsort(np.asarray(keys, dtype=object), kind="stable")] = np.arange(size, dtype=np.int32)
    live = frozenset(reader.all_doc_ids())
    engine = None
    if size and live == frozenset(range(size)):  # no deleted documents: docnums index the engine's arrays
        engine = TextEngine.load(
            index_dir,
            size,
            doc_facets,
            expand=lambda q: list(q.expanded_terms(reader)),
            every_field=EVERY_FIELD,
        )
    if engine is None and not sidecar.get("whoosh_text", True):
        raise SearchIndexError(f"search index in {index_dir} has no usable {TOKENS_FILE} (run `migrakg build`)")
    return SearchIndex(
        path=index_dir,
        ix=ix,
        searcher=searcher,
        aliases=AliasTable.from_json(sidecar.get("aliases", {})),
        display=sidecar.get("facets", {}),
        surface=sidecar.get("surface", {}),
        doc_facets=doc_facets,
        all_docs=live,
        engine=engine,
        whoosh_text=bool(sidecar.get("whoosh_text", True)),
        sort_keys={"edition": editions, "objective": objectives, "key": key_rank},
    )


def folded_words(text: str) -> list[str]:
    """Folded lower-case words of ``text`` (as the spelling field indexes them)."""
    return [t.text for t in spelling_analyzer()(fold(text))]
