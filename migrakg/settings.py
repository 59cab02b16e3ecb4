"""Every setting of migrakg in one table: name, default, environment variable and help text."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, default (whose type is the setting's type), environment variable and help."""

    name: str
    default: str | int | float
    env: str
    help: str

    def value(self) -> str | int | float:
        """The setting's value: the environment variable when set (cast to the default's type), else the default."""
        raw = os.environ.get(self.env)
        if raw is None or raw == "":
            return self.default
        try:
            return type(self.default)(raw)
        except ValueError as exc:
            raise ValueError(f"{self.env}={raw!r}: expected {type(self.default).__name__} ({self.help})") from exc


def _s(name: str, default: str | int | float, help: str) -> Setting:
    return Setting(name, default, f"MIGRAKG_{name.upper()}", help)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("data_dir", "var", "MIGRAKG_DATA", "folder the published build lives in"),
        Setting(
            "corpus_dir", str(REPO_ROOT / "corpus"), "MIGRAKG_CORPUS", "folder holding the reports and catalog.toml"
        ),
        Setting("base_uri", "https://w3id.org/migrakg/", "MIGRAKG_BASE", "base of every data URI ({BASE}id/…)"),
        _s("serve_workers", 2, "worker processes of `migrakg serve` (each uses one core for Python code)"),
        _s("serve_threads", 8, "request threads per worker process of `migrakg serve`"),
        _s("sparql_endpoint", "", "remote SPARQL 1.1 query endpoint (empty: the embedded store)"),
        _s("sparql_update_endpoint", "", "remote SPARQL 1.1 update endpoint, for build --push"),
        # limits of the public /sparql endpoint (the web app's config keys are the upper-case names)
        _s("sparql_timeout", 10.0, "seconds a query may run before its worker process is killed (504)"),
        _s("sparql_max_rows", 10000, "results (rows or triples) kept per query; more are cut and flagged"),
        _s("sparql_max_concurrent", 2, "queries running at once per web worker (SPARQL processes); more get 503"),
        _s("sparql_queue_wait", 1.0, "seconds a query waits for a free worker before the 503"),
        _s("sparql_worker_memory_mb", 1024, "address space of a worker process in MB; a query past it stops (503)"),
        _s("sparql_max_query_bytes", 100_000, "largest query text accepted, in bytes (413 above)"),
    ]
}


def describe() -> str:
    """The settings table as text: name, environment variable, default, help."""
    rows = [f"{s.env:34} {str(s.default):28} {s.help}" for s in SETTINGS.values()]
    return "\n".join(rows)


def get(name: str):
    """The current value of setting ``name`` (typed as its default)."""
    return SETTINGS[name].value()


def data_dir() -> Path:
    return Path(get("data_dir"))


def corpus_dir() -> Path:
    return Path(get("corpus_dir"))
