"""Atomic publication: a build is visible whole or not at all."""

from __future__ import annotations

import json

import pytest

from migrakg.publish import (
    MANIFEST,
    BuildLockedError,
    build_lock,
    current_build,
    publish,
    remove_stale_staging,
    staging_dir,
)


def _stage(data_dir, build_id, payload="x"):
    staging = staging_dir(data_dir, build_id)
    (staging / "data.txt").write_text(payload)
    (staging / MANIFEST).write_text(json.dumps({"build_id": build_id}))
    return staging


def test_publish_swaps_current_and_keeps_previous(tmp_path):
    assert current_build(tmp_path) is None
    publish(tmp_path, _stage(tmp_path, "b1", "one"), "b1")
    assert (current_build(tmp_path) / "data.txt").read_text() == "one"
    publish(tmp_path, _stage(tmp_path, "b2", "two"), "b2")
    assert (current_build(tmp_path) / "data.txt").read_text() == "two"
    publish(tmp_path, _stage(tmp_path, "b3", "three"), "b3")
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == ["b2", "b3"]


def test_incomplete_staging_is_never_published(tmp_path):
    publish(tmp_path, _stage(tmp_path, "b1", "one"), "b1")
    half = staging_dir(tmp_path, "b2")
    (half / "data.txt").write_text("half")
    with pytest.raises(ValueError, match="incomplete"):
        publish(tmp_path, half, "b2")
    assert (current_build(tmp_path) / "data.txt").read_text() == "one"
    assert remove_stale_staging(tmp_path) == [".staging-b2"]


def test_lock_refuses_a_second_build(tmp_path):
    with build_lock(tmp_path), pytest.raises(BuildLockedError), build_lock(tmp_path):
        pass
    with build_lock(tmp_path):
        pass
