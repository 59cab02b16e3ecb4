"""Atomic publication of builds in the data folder.

Layout of the data folder::

    builds/<build-id>/     complete builds (manifest.json written last)
    current -> builds/<id> symlink swapped atomically (os.replace) when a build is whole
    .staging-<build-id>/   a build being written; never read by the web app
    .build.lock            held (flock) by the one build running

A build killed at any point leaves ``current`` pointing at the previous complete build; the
next build removes leftover staging folders.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
STAGING_PREFIX = ".staging-"
KEEP_BUILDS = 2  # the current build and the one before it


class BuildLockedError(Exception):
    """Another build holds the lock of this data folder."""


def new_build_id() -> str:
    """A sortable, unique build id: UTC time plus process id."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"


@contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's build lock; raise :class:`BuildLockedError` if another build has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(f"{data_dir}: another build is running") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def remove_stale_staging(data_dir: Path) -> list[str]:
    """Delete staging folders left by killed builds (call while holding the lock)."""
    removed = []
    for path in data_dir.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def staging_dir(data_dir: Path, build_id: str) -> Path:
    """Create and return the staging folder of a new build."""
    path = data_dir / f"{STAGING_PREFIX}{build_id}"
    path.mkdir(parents=True)
    return path


def publish(data_dir: Path, staging: Path, build_id: str) -> Path:
    """Move a whole staged build into ``builds/`` and point ``current`` at it atomically."""
    if not (staging / MANIFEST).is_file():
        raise ValueError(f"{staging}: no {MANIFEST}; refusing to publish an incomplete build")
    builds = data_dir / BUILDS
    builds.mkdir(exist_ok=True)
    final = builds / build_id
    os.rename(staging, final)
    _fsync_dir(builds)
    tmp_link = data_dir / f".{CURRENT}-{build_id}"
    tmp_link.unlink(missing_ok=True)
    os.symlink(Path(BUILDS) / build_id, tmp_link)
    os.replace(tmp_link, data_dir / CURRENT)
    _fsync_dir(data_dir)
    prune_builds(data_dir)
    return final


def prune_builds(data_dir: Path, keep: int = KEEP_BUILDS) -> None:
    """Remove old builds, keeping the newest ``keep`` and always the current one."""
    current = current_build(data_dir)
    builds = sorted((data_dir / BUILDS).iterdir(), key=lambda p: p.name, reverse=True)
    for old in builds[keep:]:
        if current is None or old.resolve() != current.resolve():
            shutil.rmtree(old, ignore_errors=True)


def current_build(data_dir: Path) -> Path | None:
    """The folder of the published build, or None when nothing whole is published."""
    link = data_dir / CURRENT
    if not link.exists():
        return None
    target = link.resolve()
    return target if (target / MANIFEST).is_file() else None


def read_manifest(build_dir: Path) -> dict:
    """The manifest of a build folder."""
    return json.loads((build_dir / MANIFEST).read_text(encoding="utf-8"))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
