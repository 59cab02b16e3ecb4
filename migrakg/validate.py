"""Re-check a published build: every file the manifest lists is there with its checksum, and the
graph still conforms to the SHACL shapes of this version of migrakg."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset

from graph.build_rdf import union_graph
from graph.validate import validate_graph
from migrakg.publish import read_manifest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validate_build(build_dir: Path, progress: Callable[[str], None] | None = None) -> list[str]:
    """Problems found in a published build (empty when it is whole and conforms)."""
    problems: list[str] = []
    manifest = read_manifest(build_dir)
    for name, meta in manifest["files"].items():
        path = build_dir / name
        if not path.is_file():
            problems.append(f"{path}: listed in the manifest but missing")
        elif _sha256(path) != meta["sha256"]:
            problems.append(f"{path}: checksum differs from the manifest (file changed after the build)")
    if problems:
        return problems
    if progress:
        progress("checking the graph against the SHACL shapes …")
    ds = Dataset()
    ds.parse(build_dir / "migrakg.nq", format="nquads")
    result = validate_graph(union_graph(ds))
    problems += [str(v) for v in result.violations if v.severity.endswith("Violation")]
    return problems
