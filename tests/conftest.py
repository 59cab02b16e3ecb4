"""Shared fixtures: the bundled corpus, parsed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus():
    """The whole bundled corpus, parsed and enriched (once per session)."""
    from ingest.corpus import load_corpus

    return load_corpus(CORPUS)
