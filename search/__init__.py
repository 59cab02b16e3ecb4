"""Spanish full-text search with facets over the published graph's actions (whoosh).

Build offline from the graph (:func:`documents_from_store` → :func:`build_index`), open read-only
(:func:`open_index`), query with :func:`search` and :func:`similar`.
"""

from search.aliases import AliasTable, build_aliases, curated_aliases
from search.documents import SearchDocument, documents_from_store
from search.index import FACETS, SearchIndex, SearchIndexError, build_index, open_index
from search.query import MAX_QUERY_CHARS, SearchQueryError, search, similar

__all__ = [
    "FACETS",
    "MAX_QUERY_CHARS",
    "AliasTable",
    "SearchDocument",
    "SearchIndex",
    "SearchIndexError",
    "SearchQueryError",
    "build_aliases",
    "build_index",
    "curated_aliases",
    "documents_from_store",
    "open_index",
    "search",
    "similar",
]
