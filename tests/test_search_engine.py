"""The in-memory engine (search/engine.py) against whoosh's own collectors, on the real build.

Two implementations of matching and counting must agree: same totals, same facet counts, same order
of the sort keys; and a total never depends on the page size.
"""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from migrakg.publish import current_build
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
    assert index.engine is not None, "the build writes the tokens file the engine needs"
    return index


def _primary_keys(sx, ranked, sort):
    editions, objectives = sx.sort_keys["edition"], sx.sort_keys["objective"]
    if sort == "edition":
        return [int(editions[d]) for d, _ in ranked]
    return [(int(objectives[d]), int(editions[d])) for d, _ in ranked]


@pytest.mark.parametrize("filters", FILTERS, ids=["none", "2024-apf", "o7-o15", "chiapas"])
@pytest.mark.parametrize("text", QUERIES)
def test_engine_agrees_with_whoosh(sx, text, filters):
    user_q = parse_query(sx, text, [])
    filter_q = build_filter(sx, normalise_filters(filters), [])
    for sort in ("relevance", "edition", "objective"):
        total, ranked, counts = _run_in_memory(sx, sx.engine, user_q, filter_q, sort, 20)
        w_total, w_ranked, w_counts = _run_whoosh(sx, user_q, filter_q, sort, 20)
        assert total == w_total, (text, filters, sort)
        assert counts == w_counts, (text, filters, sort)
        if sort != "relevance" or user_q is None:
            assert _primary_keys(sx, ranked, "objective" if sort == "objective" else "edition") == _primary_keys(
                sx, w_ranked, "objective" if sort == "objective" else "edition"
            )


@pytest.mark.parametrize("text", ["salud", "migrantes refugiado", "consular"])
def test_single_word_queries_rank_like_whoosh(sx, text):
    user_q = parse_query(sx, text, [])
    ours = [d for d, _ in _run_in_memory(sx, sx.engine, user_q, None, "relevance", 5)[1]]
    theirs = [d for d, _ in _run_whoosh(sx, user_q, None, "relevance", 5)[1]]
    assert len(set(ours) & set(theirs)) >= 4  # field lengths are exact here, approximate in whoosh


@pytest.mark.parametrize("text", ["migrantes refugiado", "salud OR trabajo", '"personas migrantes"'])
def test_total_does_not_depend_on_page_size(sx, text):
    # whoosh's collector used to prune sub-queries that could not reach the top N: with one hit per page,
    # "migrantes refugiado" counted 41 actions instead of 59.
    totals = {search(sx, text, per_page=n)["total"] for n in (1, 10, 100)}
    assert len(totals) == 1
    user_q = parse_query(sx, text, [])
    assert _run_whoosh(sx, user_q, None, "relevance", 1)[0] == totals.pop()


def test_phrase_needs_the_words_in_sequence(sx):
    both = parse_query(sx, "personas migrantes", [])
    phrase = parse_query(sx, '"personas migrantes"', [])
    mask_both = sx.engine.evaluate(both)[0]
    mask_phrase = sx.engine.evaluate(phrase)[0]
    assert mask_phrase.sum() < mask_both.sum()
    assert not (mask_phrase & ~mask_both).any()


def test_unknown_nodes_fall_back_to_whoosh(sx):
    with pytest.raises(Unsupported):
        sx.engine.evaluate(wq.Phrase("body", ["person", "migrant"], slop=3))
    result = search(sx, '"personas migrantes"~3')
    assert result["total"] >= search(sx, '"personas migrantes"')["total"]


def test_facet_counts_are_over_the_whole_result(sx):
    mask = np.zeros(sx.engine.n, dtype=bool)
    mask[:10] = True
    counts = sx.engine.facet_counts(mask)
    assert sum(counts["edition"].values()) == 10
