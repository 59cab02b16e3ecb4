"""`migrakg serve` as the README runs it: builds when nothing is published, then serves on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

REPO = Path(__file__).resolve().parent.parent


def _wait_for(proc: subprocess.Popen, url: str, seconds: float) -> str:
    """The body of ``url`` once the server answers it with 200 (fails if the server exits or is too slow)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                return response.read().decode("utf-8")
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, f"{url} did not answer in {seconds} s"
            time.sleep(0.3)


def test_serve_builds_first_then_answers(tmp_path):
    port = free_port()
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrakg.cli", "--data", str(data), "serve", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = _wait_for(proc, f"http://127.0.0.1:{port}/", 180)
        assert "migrakg" in page
        assert (data / "current" / "manifest.json").is_file()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=remesas", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("application/json")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "nothing published" in (proc.stderr.read() if proc.stderr else "")


def test_an_index_from_an_older_version_is_not_current(published, tmp_path):
    import json
    import shutil

    from migrakg.publish import current_build
    from search.index import SIDECAR, index_is_current

    data_dir, _ = published
    index_dir = current_build(data_dir) / "search"
    assert index_is_current(index_dir)
    old = tmp_path / "search"
    shutil.copytree(index_dir, old)
    sidecar = json.loads((old / SIDECAR).read_text(encoding="utf-8"))
    (old / SIDECAR).write_text(json.dumps({**sidecar, "format": 1}), encoding="utf-8")
    assert not index_is_current(old)
    assert not index_is_current(tmp_path / "missing")


@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
def test_workers_share_the_port_and_stop_together(published, stop):
    import os
    import signal

    data_dir, _ = published
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrakg.cli", "--data", str(data_dir), "serve", "--port", str(port), "--workers", "2"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as in a terminal
    )
    try:
        _wait_for(proc, f"http://127.0.0.1:{port}/api/search?q=salud", 60)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 2, children
        for _ in range(20):  # both workers answer (each request goes to whichever accepts it)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/about", timeout=5) as response:
                assert response.status == 200
        if stop == "sigterm":  # a supervisor stopping the server
            proc.send_signal(signal.SIGTERM)
        else:  # Ctrl-C in a terminal signals the whole foreground process group
            os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        for child in children:  # the server reaped its workers before it exited
            with pytest.raises(ProcessLookupError):
                os.kill(int(child), 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
