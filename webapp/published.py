"""Access to the published build: its folder, manifest and read-only store, reopened when a new
build is published (the ``current`` symlink changes)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, current_app, g, has_request_context

from graph.store import EmbeddedBackend


class NoBuildError(RuntimeError):
    """Nothing is published in the data folder."""


@dataclass(frozen=True)
class PublishedBuild:
    path: Path
    manifest: dict
    backend: EmbeddedBackend


_lock = threading.Lock()
_cache: dict[str, PublishedBuild] = {}


def get_build() -> PublishedBuild:
    """The build ``DATA_DIR/current`` points at now (opened once per build, looked up once per request)."""
    if has_request_context() and "migrakg_build" in g:
        return g.migrakg_build
    build = _lookup()
    if has_request_context():
        g.migrakg_build = build
    return build


def _lookup() -> PublishedBuild:
    link = Path(current_app.config["DATA_DIR"]) / "current"
    if not link.exists():
        raise NoBuildError(f"nothing is published in {link.parent}; run 'migrakg build'")
    path = link.resolve()
    key = str(path)
    with _lock:
        build = _cache.get(key)
        if build is None:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            store = ox.Store.read_only(str(path / "store"))
            build = PublishedBuild(path, manifest, EmbeddedBackend(store))
            _cache.clear()
            _cache[key] = build
        return build


def init_app(app: Flask) -> None:
    """Nothing to set up eagerly: builds are opened on first use."""
    app.extensions["migrakg.published"] = get_build
