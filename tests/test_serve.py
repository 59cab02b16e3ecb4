"""`migrakg serve` as the README runs it: builds when nothing is published, then serves on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import free_port

REPO = Path(__file__).resolve().parent.parent


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
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    page = response.read().decode("utf-8")
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "migrakg serve did not answer in 180 s"
                time.sleep(0.5)
        assert "migrakg" in page
        assert (data / "current" / "manifest.json").is_file()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=remesas", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("application/json")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "nothing published" in (proc.stderr.read() if proc.stderr else "")
