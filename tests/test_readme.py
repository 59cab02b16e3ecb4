"""The README's two fresh-machine commands stay in step with what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_shows_install_and_serve_then_install_and_test():
    serve, test = _commands()[:2]
    assert "pip install" in serve and serve.endswith("migrakg serve")
    assert "pip install" in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    test_command = _commands()[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
