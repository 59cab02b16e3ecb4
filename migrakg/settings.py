"""Every setting of migrakg in one table: name, default, environment variable and help text."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str
    env: str
    help: str

    def value(self) -> str:
        """The setting's value: the environment variable when set, else the default."""
        return os.environ.get(self.env) or self.default


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("data_dir", "var", "MIGRAKG_DATA", "folder the published build lives in"),
        Setting(
            "corpus_dir", str(REPO_ROOT / "corpus"), "MIGRAKG_CORPUS", "folder holding the reports and catalog.toml"
        ),
        Setting("base_uri", "https://w3id.org/migrakg/", "MIGRAKG_BASE", "base of every data URI ({BASE}id/…)"),
        Setting(
            "sparql_endpoint", "", "MIGRAKG_SPARQL_ENDPOINT", "remote SPARQL 1.1 query endpoint (empty: embedded store)"
        ),
        Setting(
            "sparql_update_endpoint",
            "",
            "MIGRAKG_SPARQL_UPDATE_ENDPOINT",
            "remote SPARQL 1.1 update endpoint for build --push",
        ),
    ]
}


def get(name: str) -> str:
    """The current value of setting ``name``."""
    return SETTINGS[name].value()


def data_dir() -> Path:
    return Path(get("data_dir"))


def corpus_dir() -> Path:
    return Path(get("corpus_dir"))
