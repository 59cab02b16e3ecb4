"""Spanish text analysis for the search index.

Accents are folded **before** stop words and stemming (see the design notes in ``stack.md``): the
chain is ``RegexTokenizer | LowercaseFilter | CharsetFilter(accent_map) | StopFilter | StemFilter("es")``,
so "informacion" and "información" index and query to the same term. Facet fields use a keyword
analyzer (comma separated values, lower case, accents folded) so ``estado:"Estado de México"`` and
``estado:estado de mexico`` meet the same indexed term.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    CommaSeparatedTokenizer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

#: Extra stop words frequent in the reports that carry no meaning for search.
EXTRA_STOPWORDS = frozenset({"asi", "cual", "cuales", "dicha", "dicho", "dichas", "dichos", "mediante", "traves"})


def fold(text: str) -> str:
    """Lower-case ``text`` and remove its diacritics (á→a, ñ→n, ü→u)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def normalise_key(text: str) -> str:
    """The key a facet value is indexed and looked up under: folded, single-spaced, no commas."""
    return re.sub(r"\s+", " ", fold(text).replace(",", " ")).strip()


@lru_cache(maxsize=1)
def spanish_stopwords() -> frozenset[str]:
    """Whoosh's Spanish stop words, accent-folded, plus a few report-specific ones."""
    return frozenset(fold(w) for w in stopwords_for_language("es")) | EXTRA_STOPWORDS


def spanish_analyzer() -> Analyzer:
    """The analyzer of every full-text field: fold accents, drop stop words, Spanish Snowball stems."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=spanish_stopwords(), minsize=1)
        | StemFilter(lang="es")
    )


def spelling_analyzer() -> Analyzer:
    """Analyzer of the unstemmed word field used for "¿Quiso decir…?" suggestions."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def keyword_analyzer() -> Analyzer:
    """Analyzer of facet fields: comma-separated values, lower case, accents folded."""
    return CommaSeparatedTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
