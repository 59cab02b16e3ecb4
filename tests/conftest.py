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


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """A data folder holding one complete build of the bundled corpus (built once per session)."""
    from migrakg.build import run_build

    data_dir = tmp_path_factory.mktemp("data")
    result = run_build(CORPUS, data_dir, "https://w3id.org/migrakg/")
    return data_dir, result
