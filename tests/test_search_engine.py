"""The in-memory engine (search/engine.py) against whoosh's own collectors, on the real build.

The published index leaves the text to the engine; a reference index of the same documents written with
``whoosh_text=True`` lets whoosh match them too. The two implementations must agree: same totals, same facet
counts, same order of the sort keys; and a total never depends on the page size.
"""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from graph.store import open_store
from migrakg.publish import current_build
from search import build_aliases, build_index, documents_from_store
from search.engine import Unsupported
from search.index import open_index
from search.query import _run_in_memory, _run_whoosh, build_filter, normalise_filters, parse_query, search

QUERIES = [
    "salud",
    "migrantes refugiado",
    "tránsito OR migrantes",
    "OIM OR ACNUR",
    '"personas migrantes"',
    '"niñas, niños y adolescentes"',
    "migra*",
    "refugiado~",
    "salud -migrantes",
    "salud AND NOT trata",
    "titulo:salud",
    'descripcion:"protección internacional"',
    "institucion:INM salud",
    "objetivo:7 capacitación",
    "(remesas OR remittances) AND objetivo:20",
    "*",
    "",
]
FILTERS = [{}, {"edition": ["2024"], "actor_type": ["APF"]}, {"objective": ["7", "15"]}, {"state": ["Chiapas"]}]


@pytest.fixture(scope="module")
def sx(published):
    data_dir, _ = published
    index = open_index(current_build(data_dir) / "search")
    assert index.engine is not None and not index.whoosh_text, "the build leaves the text to the engine"
    return index


@pytest.fixture(scope="module")
def reference(published, tmp_path_factory):
    """The same documents, with whoosh indexing the text fields too."""
    data_dir, _ = published
    store = open_store(current_build(data_dir) / "store")
    path = tmp_path_factory.mktemp("reference-index")
    build_index(documents_from_store(store), path, build_aliases(store), whoosh_text=True)
    return open_index(path)


def _primary_keys(sx, ranked, sort):
    editions, objectives = sx.sort_keys["edition"], sx.sort_keys["objective"]
    if sort == "edition":
        return [int(editions[d]) for d, _ in ranked]
    return [(int(objectives[d]), int(editions[d])) for d, _ in ranked]


@pytest.mark.parametrize("filters", FILTERS, ids=["none", "2024-apf", "o7-o15", "chiapas"])
@pytest.mark.parametrize("text", QUERIES)
def test_engine_agrees_with_whoosh(sx, reference, text, filters):
    user_q = parse_query(sx, text, [])
    filter_q = build_filter(sx, normalise_filters(filters), [])
    w_user_q = parse_query(reference, text, [])
    w_filter_q = build_filter(reference, normalise_filters(filters), [])
    for sort in ("relevance", "edition", "objective"):
        total, ranked, counts = _run_in_memory(sx, sx.engine, user_q, filter_q, sort, 20)
        w_total, w_ranked, w_counts = _run_whoosh(reference, w_user_q, w_filter_q, sort, 20)
        assert total == w_total, (text, filters, sort)
        assert counts == w_counts, (text, filters, sort)
        if sort != "relevance" or user_q is None:
            assert _primary_keys(sx, ranked, "objective" if sort == "objective" else "edition") == _primary_keys(
                sx, w_ranked, "objective" if sort == "objective" else "edition"
            )


@pytest.mark.parametrize("text", ["salud", "migrantes refugiado", "consular"])
def test_single_word_queries_rank_like_whoosh(sx, reference, text):
    user_q = parse_query(sx, text, [])
    ours = [d for d, _ in _run_in_memory(sx, sx.engine, user_q, None, "relevance", 5)[1]]
    theirs = [d for d, _ in _run_whoosh(reference, parse_query(reference, text, []), None, "relevance", 5)[1]]
    assert len(set(ours) & set(theirs)) >= 4  # field lengths are exact here, approximate in whoosh


@pytest.mark.parametrize("text", ["migrantes refugiado", "salud OR trabajo", '"personas migrantes"'])
def test_total_does_not_depend_on_page_size(sx, reference, text):
    # whoosh's collector used to prune sub-queries that could not reach the top N: with one hit per page,
    # "migrantes refugiado" counted 41 actions instead of 59.
    totals = {search(index, text, per_page=n)["total"] for n in (1, 10, 100) for index in (sx, reference)}
    assert len(totals) == 1
    assert _run_whoosh(reference, parse_query(reference, text, []), None, "relevance", 1)[0] == totals.pop()


def test_phrase_needs_the_words_in_sequence(sx):
    both = parse_query(sx, "personas migrantes", [])
    phrase = parse_query(sx, '"personas migrantes"', [])
    mask_both = sx.engine.evaluate(both)[0]
    mask_phrase = sx.engine.evaluate(phrase)[0]
    assert mask_phrase.sum() < mask_both.sum()
    assert not (mask_phrase & ~mask_both).any()


def test_phrases_with_slop_agree_with_whoosh(sx, reference):
    for text in ('"personas migrantes"~3', '"derechos humanos migrantes"~4'):
        near, exact = search(sx, text)["total"], search(sx, text.rsplit("~", 1)[0])["total"]
        assert near >= exact and near == search(reference, text)["total"]


def test_a_node_the_engine_does_not_know_is_a_clear_error(sx, reference):
    weighted = wq.Or([wq.Term("body", "salud"), wq.Term("body", "migrant")], minmatch=2)
    with pytest.raises(Unsupported):
        sx.engine.evaluate(weighted)
    assert _run_whoosh(reference, weighted, None, "relevance", 5)[0] > 0  # the reference index still answers


def test_expansions_agree_with_whoosh(sx, reference):
    reader = reference.searcher.reader()
    for q in (wq.Prefix("body", "migr"), wq.Wildcard("title", "sal?d"), wq.FuzzyTerm("body", "refuji", maxdist=1),
              wq.FuzzyTerm("names", "acnru", maxdist=2), wq.TermRange("title", "sa", "se")):  # fmt: skip
        theirs = sorted(t.decode("utf-8") if isinstance(t, bytes) else t for _, t in q.expanded_terms(reader))
        assert sorted(sx.engine.expand(q)) == theirs, q


def test_facet_counts_are_over_the_whole_result(sx):
    mask = np.zeros(sx.engine.n, dtype=bool)
    mask[:10] = True
    counts = sx.engine.facet_counts(mask)
    assert sum(counts["edition"].values()) == 10
