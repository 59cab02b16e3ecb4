"""Property tests: any query parameters give an answer or a SearchQueryError, and snippets stay escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import SearchQueryError, build_aliases, build_index, documents_from_store, open_index, search

FIXTURE = Path(__file__).parent / "fixtures" / "search" / "actions.ttl"

WORDS = [
    "OIM", "IOM", "ACNUR", "migrantes", "información", "informacion", "niñez", "protección", "consular",
    "mexiquense", "Chiapas", "refugio", "cobertura", "salud", "trata", "AND", "OR", "NOT", "migra*", "*",
    "objetivo:7", "objetivo:", "estado:", "socio:OIM", "edicion:2024", "titulo:", "foo:", "institucion:INM",
    '"', "(", ")", "-", "+", "~", "^", "[", "]", "{", "}", ":", "'", "<mark>", "</mark>", "<b>", "&", "<", ">",
    "TO", "\\", "/", "\x00", "\u200b", "\ud800", "ñ", "Ü", "😀", "10:30", "a*b?", "[2018 TO 2024]", "^2",
]  # fmt: skip
FACET_NAMES = ["objective", "actor_type", "institution", "state", "edition", "population", "partner",
               "challenge_category", "action_type", "objetivo", "estado", "socio", "bogus"]  # fmt: skip
FACET_VALUES = ["7", "07", "99", "0", "-1", "2024", "24", "OIM", "IOM", "unhcr", "Chiapas", "mexiquense", "nna",
                "APF", "ef", "", " ", "x,y", "falta-recursos", "<script>", "Atlántida"]  # fmt: skip

query_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=8).map("".join),
    st.just("x" * 10_000),
)
filters = st.dictionaries(
    st.sampled_from(FACET_NAMES),
    st.lists(st.one_of(st.sampled_from(FACET_VALUES), st.text(max_size=8)), max_size=3),
    max_size=3,
)


@pytest.fixture(scope="module")
def sx(tmp_path_factory: pytest.TempPathFactory):
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    path = tmp_path_factory.mktemp("search-fuzz")
    build_index(documents_from_store(store), path, build_aliases(store))
    opened = open_index(path)
    yield opened
    opened.close()


def _no_raw_tags(html: str) -> bool:
    return "<" not in re.sub(r"</?mark>", "", html)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=query_text,
    f=filters,
    page=st.one_of(st.integers(min_value=-2, max_value=5), st.just(10**9)),
    per_page=st.integers(min_value=-1, max_value=120),
    sort=st.sampled_from(["relevance", "edition", "objective", "bogus"]),
)
def test_any_parameters_answer_or_raise_search_query_error(sx, q, f, page, per_page, sort) -> None:
    try:
        result = search(sx, q, f, page=page, per_page=per_page, sort=sort)
    except SearchQueryError as exc:
        assert exc.message
        return
    assert 0 <= len(result["hits"]) <= per_page
    assert result["total"] >= len(result["hits"])
    assert len(result["query"]) <= 500
    for hit in result["hits"]:
        assert _no_raw_tags(hit["snippet"]), hit["snippet"]
        assert _no_raw_tags(hit["title_html"]), hit["title_html"]
    for counts in result["facets"].values():
        assert all(0 < n <= result["total"] for n in counts.values())
