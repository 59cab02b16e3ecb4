"""Shared fixtures: the bundled corpus, parsed once per test session."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_oxigraph(location: Path, *extra_args: str) -> Iterator[str]:
    """Start a real `oxigraph serve` on 127.0.0.1 (union default graph) and yield its base URL.

    Fails (in CI) or skips (elsewhere) when the binary from the `oxigraph` pip package is missing.
    """
    binary = shutil.which("oxigraph")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("the `oxigraph` server binary is not on PATH in CI (pip install -e '.[test]')")
        pytest.skip("the `oxigraph` server binary is not on PATH (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph",
         *extra_args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"oxigraph serve did not start: {err[:500]}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """A real `oxigraph serve` for the whole session; yields its base URL."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base
