"""Exact match sets, BM25F scores and facet counts of parsed queries, in memory with numpy.

whoosh parses the query, analyses the text, stores the documents and spells suggestions; this module
evaluates the parsed query tree over an in-memory copy of the analysed text fields. A search needs the
*whole* set of matching actions (the total and nine facet counts are over all of them, not only the
page shown), and walking every match through whoosh's matcher tree costs 15–20 µs per document and
field: 100+ ms for a common word on a 10× corpus. Here a term is a sorted array of documents with its
BM25F weights, a query node is a boolean mask plus a score vector over all documents, and a facet count
is one ``bincount``.

The analysed text comes from the build (``migrakg-tokens.json`` beside the index: the stems of every
text field of every document, in document order, exactly as whoosh's analyzer produced them), so
phrases are checked on the stem sequence with the same stop-word renumbering whoosh uses. Query nodes
this module does not know (ranges on stored fields, phrases with slop, weighted ``Or``) raise
:class:`Unsupported`; the caller then runs the query through whoosh instead. Scores follow whoosh's
BM25F (``B=0.75``, ``K1=1.2``, ``idf = log(N / (df + 1)) + 1``) with exact field lengths; multi-term
queries (``migra*``, ``palabra~``) score a constant, as whoosh's do.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.support.levenshtein import levenshtein

TOKENS_FILE = "migrakg-tokens.json"
#: Analysed fields stored in the tokens file; ``body`` is derived (see :data:`DERIVED_FIELDS`).
STORED_TOKEN_FIELDS: tuple[str, ...] = ("title", "description", "results", "challenges", "topics", "names")
#: Fields whose token streams are the concatenation of others (as the index writes them).
DERIVED_FIELDS: dict[str, tuple[str, ...]] = {"body": ("description", "results", "challenges", "topics")}
B = 0.75
K1 = 1.2


def _with_prefix(vocab: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(vocab, prefix)
    end = start
    while end < len(vocab) and vocab[end].startswith(prefix):
        end += 1
    return vocab[start:end]


def _within(tokens: list[str], words: list[str], slop: int) -> bool:
    """Whether ``words`` occur in order in ``tokens``, each at most ``slop`` positions after the previous one."""
    positions: dict[str, list[int]] = {}
    for i, t in enumerate(tokens):
        positions.setdefault(t, []).append(i)
    for start in positions.get(words[0], ()):
        previous = start
        for w in words[1:]:
            nxt = next((p for p in positions.get(w, ()) if previous < p <= previous + slop), None)
            if nxt is None:
                break
            previous = nxt
        else:
            return True
    return False


class Unsupported(Exception):
    """A query node the in-memory evaluation does not implement (use whoosh for this query)."""


def write_tokens(path: Path, tokens: dict[str, list[str]]) -> None:
    """Write the per-field stem strings (one space-joined string per document) next to the index."""
    path.write_text(json.dumps({"format": 1, "fields": tokens}, ensure_ascii=False), encoding="utf-8")


class _Field:
    """One analysed field: its stem strings, lengths and (built on first use) postings."""

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        lengths = np.fromiter((s.count(" ") + 1 if s else 0 for s in strings), dtype=np.float32, count=len(strings))
        self.lengths = lengths
        self.avg = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        self._padded: list[str] | None = None
        self._vocabulary: list[str] | None = None

    @property
    def vocabulary(self) -> list[str]:
        """Every indexed word of the field, sorted (for prefix, wildcard, fuzzy and range expansion)."""
        if self._vocabulary is None:
            self._vocabulary = sorted(self.postings())
        return self._vocabulary

    @property
    def padded(self) -> list[str]:
        """The stem strings with a space at both ends (a phrase is ``" w1 w2 "`` inside one)."""
        if self._padded is None:
            self._padded = [f" {s} " for s in self.strings]
        return self._padded

    def postings(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        if self._postings is None:
            docs: dict[str, list[int]] = {}
            freqs: dict[str, list[int]] = {}
            for docnum, text in enumerate(self.strings):
                if not text:
                    continue
                for term, tf in Counter(text.split(" ")).items():
                    docs.setdefault(term, []).append(docnum)
                    freqs.setdefault(term, []).append(tf)
            self._postings = {
                t: (np.asarray(docs[t], dtype=np.int32), np.asarray(freqs[t], dtype=np.float32)) for t in docs
            }
        return self._postings


class TextEngine:
    """Evaluate whoosh query trees over the analysed fields of one index (thread-safe, read-only)."""

    def __init__(
        self,
        n_docs: int,
        fields: dict[str, list[str]],
        facet_docs: dict[str, list[list[str]]],
        expand: Callable[[wq.Query], Sequence[tuple[str, bytes | str]]],
        every_field: str = "every",
    ) -> None:
        self.n = n_docs
        self.every_field = every_field
        self._fields = {name: _Field(strings) for name, strings in fields.items()}
        self._expand = expand
        self._lock = threading.Lock()
        # facet → value key → documents (from the whoosh postings read at open)
        self._facets: dict[str, dict[str, np.ndarray]] = {}
        self._facet_pairs: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        for facet, per_doc in facet_docs.items():
            values = sorted({v for vals in per_doc for v in vals})
            index = {v: i for i, v in enumerate(values)}
            doc_idx = [d for d, vals in enumerate(per_doc) for _ in vals]
            val_idx = [index[v] for vals in per_doc for v in vals]
            self._facet_pairs[facet] = (
                values,
                np.asarray(doc_idx, dtype=np.int32),
                np.asarray(val_idx, dtype=np.int32),
            )
            by_value: dict[str, list[int]] = {v: [] for v in values}
            for d, vals in enumerate(per_doc):
                for v in vals:
                    by_value[v].append(d)
            self._facets[facet] = {v: np.asarray(ds, dtype=np.int32) for v, ds in by_value.items()}

    @classmethod
    def load(
        cls,
        index_dir: Path,
        n_docs: int,
        facet_docs: dict[str, list[list[str]]],
        expand: Callable[[wq.Query], Sequence[tuple[str, bytes | str]]],
        every_field: str = "every",
    ) -> TextEngine | None:
        """The engine of the index in ``index_dir``, or None when it has no tokens file."""
        path = Path(index_dir) / TOKENS_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        stored: dict[str, list[str]] = data.get("fields", {})
        if any(len(stored.get(f, ())) != n_docs for f in STORED_TOKEN_FIELDS):
            return None
        fields = dict(stored)
        for name, parts in DERIVED_FIELDS.items():
            fields[name] = [" ".join(p for p in texts if p) for texts in zip(*(stored[f] for f in parts), strict=True)]
        return cls(n_docs, fields, facet_docs, expand, every_field)

    # ----------------------------------------------------------------------------------- leaves

    def _field(self, name: str) -> _Field | None:
        field = self._fields.get(name)
        if field is not None and field._postings is None:
            with self._lock:
                field.postings()
        return field

    def _term(self, fieldname: str, text: str, boost: float) -> tuple[np.ndarray, np.ndarray]:
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n, dtype=np.float32)
        if fieldname in self._facets:  # a facet value: matched or not, scored by its boost alone
            docs = self._facets[fieldname].get(text)
            if docs is not None:
                mask[docs] = True
                score[docs] = boost
            return mask, score
        field = self._field(fieldname)
        if field is None:
            raise Unsupported(f"field {fieldname}")
        entry = field.postings().get(text)
        if entry is None:
            return mask, score
        docs, tf = entry
        mask[docs] = True
        score[docs] = boost * self._weights(field, docs, tf)
        return mask, score

    def _weights(self, field: _Field, docs: np.ndarray, tf: np.ndarray) -> np.ndarray:
        idf = math.log(self.n / (len(docs) + 1)) + 1
        norm = K1 * ((1 - B) + B * field.lengths[docs] / field.avg)
        return (idf * (tf * (K1 + 1)) / (tf + norm)).astype(np.float32)

    def expand(self, q: wq.Query) -> list[str]:
        """The indexed words a prefix, wildcard, fuzzy word or range stands for, in one of the text fields held here.

        Raises :class:`Unsupported` for other fields and query types.
        """
        field = self._field(q.fieldname)
        if field is None:
            raise Unsupported(f"field {q.fieldname}")
        vocab = field.vocabulary
        if type(q) is wq.Prefix:
            return _with_prefix(vocab, q.text)
        if type(q) is wq.Wildcard:
            literal = re.split(r"[*?]", q.text, maxsplit=1)[0]
            rx = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in q.text))
            return [w for w in _with_prefix(vocab, literal) if rx.fullmatch(w)]
        if type(q) is wq.FuzzyTerm:
            prefix = q.text[: q.prefixlength]
            return [
                w
                for w in _with_prefix(vocab, prefix)
                if abs(len(w) - len(q.text)) <= q.maxdist and levenshtein(w, q.text, q.maxdist + 1) <= q.maxdist
            ]
        if type(q) is wq.TermRange:
            lo = 0 if q.start is None else bisect.bisect_left(vocab, q.start)
            hi = len(vocab) if q.end is None else bisect.bisect_right(vocab, q.end)
            words = vocab[lo:hi]
            if q.startexcl:
                words = [w for w in words if w != q.start]
            if q.endexcl:
                words = [w for w in words if w != q.end]
            return words
        raise Unsupported(type(q).__name__)

    def _multi(self, q: wq.MultiTerm) -> tuple[np.ndarray, np.ndarray]:
        fieldname = q.fieldname
        if fieldname in self._fields:
            terms = self.expand(q)
        elif fieldname in self._facets:
            terms = [t.decode("utf-8") if isinstance(t, bytes) else t for f, t in self._expand(q) if f == fieldname]
        else:
            raise Unsupported(f"field {fieldname}")
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n, dtype=np.float32)
        for term in terms:
            m, s = self._term(fieldname, term, q.boost)
            mask |= m
            score += s
        if getattr(q, "constantscore", False):
            score = np.where(mask, np.float32(q.boost), np.float32(0))
        return mask, score

    def _phrase(self, q: wq.Phrase) -> tuple[np.ndarray, np.ndarray]:
        field = self._field(q.fieldname)
        if field is None:
            raise Unsupported(f"field {q.fieldname}")
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in q.words]
        mask = np.ones(self.n, dtype=bool)
        score = np.zeros(self.n, dtype=np.float32)
        for w in words:
            m, s = self._term(q.fieldname, w, q.boost)
            mask &= m
            score += s
        if len(words) > 1 and mask.any():
            candidates = np.flatnonzero(mask)
            if q.slop <= 1:
                needle = " " + " ".join(words) + " "
                padded = field.padded
                found = np.fromiter((needle in padded[d] for d in candidates), dtype=bool, count=len(candidates))
            else:
                strings = field.strings
                found = np.fromiter(
                    (_within(strings[d].split(" "), words, q.slop) for d in candidates),
                    dtype=bool,
                    count=len(candidates),
                )
            mask[candidates[~found]] = False
        return mask, np.where(mask, score, np.float32(0))

    # -------------------------------------------------------------------------------- the tree

    def evaluate(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """``(mask, score)`` over all documents for the query tree ``q`` (raises :class:`Unsupported`)."""
        if q is wq.NullQuery or type(q).__name__ == "_NullQuery":
            return np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.float32)
        if isinstance(q, wq.Every):
            return np.ones(self.n, dtype=bool), np.zeros(self.n, dtype=np.float32)
        if type(q) is wq.Term:
            text = q.text.decode("utf-8") if isinstance(q.text, bytes) else str(q.text)
            if q.fieldname == self.every_field:
                return np.ones(self.n, dtype=bool), np.zeros(self.n, dtype=np.float32)
            if q.fieldname not in self._fields and q.fieldname not in self._facets:
                raise Unsupported(f"field {q.fieldname}")
            return self._term(q.fieldname, text, q.boost)
        if type(q) in (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.TermRange):
            return self._multi(q)
        if type(q) is wq.Phrase:
            return self._phrase(q)
        if type(q) is wq.And:
            mask = np.ones(self.n, dtype=bool)
            score = np.zeros(self.n, dtype=np.float32)
            for child in q.subqueries:
                m, s = self.evaluate(child)
                mask &= m
                score += s
            return mask, np.where(mask, score * q.boost, np.float32(0))
        if type(q) is wq.Or:
            if q.minmatch or q.scale:
                raise Unsupported("weighted or")
            mask = np.zeros(self.n, dtype=bool)
            score = np.zeros(self.n, dtype=np.float32)
            for child in q.subqueries:
                m, s = self.evaluate(child)
                mask |= m
                score += s
            return mask, score * q.boost
        if type(q) is wq.Not:
            m, _ = self.evaluate(q.query)
            return ~m, np.zeros(self.n, dtype=np.float32)
        if type(q) is wq.AndNot:
            m, s = self.evaluate(q.a)
            neg, _ = self.evaluate(q.b)
            mask = m & ~neg
            return mask, np.where(mask, s, np.float32(0))
        if type(q) is wq.AndMaybe:
            m, s = self.evaluate(q.a)
            _, extra = self.evaluate(q.b)
            return m, np.where(m, s + extra, np.float32(0))
        if type(q) is wq.Require:
            m, s = self.evaluate(q.a)
            req, _ = self.evaluate(q.b)
            mask = m & req
            return mask, np.where(mask, s, np.float32(0))
        raise Unsupported(type(q).__name__)

    def contains_any(self, fieldname: str, docnum: int, words: frozenset[str]) -> bool | None:
        """Whether ``fieldname`` of ``docnum`` holds one of the indexed ``words`` (None: field not held here)."""
        field = self._fields.get(fieldname)
        if field is None:
            return None
        text = field.padded[docnum]
        return any(f" {w} " in text for w in words)

    def key_terms(self, fieldname: str, docnum: int, n: int = 20) -> list[tuple[str, float]]:
        """The ``n`` most characteristic words of one document's field (term frequency × IDF), best first."""
        field = self._field(fieldname)
        if field is None or not field.strings[docnum]:
            return []
        postings = field.postings()
        counts = Counter(field.strings[docnum].split(" "))
        weighted = [(t, tf * (math.log(self.n / (len(postings[t][0]) + 1)) + 1)) for t, tf in counts.items()]
        weighted.sort(key=lambda tw: (-tw[1], tw[0]))
        return weighted[:n]

    # ------------------------------------------------------------------------------- counting

    def facet_counts(self, mask: np.ndarray) -> dict[str, dict[str, int]]:
        """For each facet, value key → number of documents of ``mask`` carrying it (zero counts left out)."""
        out: dict[str, dict[str, int]] = {}
        for facet, (values, doc_idx, val_idx) in self._facet_pairs.items():
            counts = np.bincount(val_idx[mask[doc_idx]], minlength=len(values))
            out[facet] = {values[i]: int(counts[i]) for i in np.flatnonzero(counts)}
        return out

    def rank(self, mask: np.ndarray, keys: Sequence[np.ndarray], limit: int) -> np.ndarray:
        """The first ``limit`` documents of ``mask`` ordered by ``keys`` (last key most significant)."""
        docs = np.flatnonzero(mask)
        if len(docs) == 0:
            return docs
        order = np.lexsort([k[docs] for k in keys])
        return docs[order[:limit]]
