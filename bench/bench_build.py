"""Full build time (cold, in a fresh process), time to open a published build, and peak memory.

Run: python bench/bench_build.py [--runs 3]
Targets (issue 3): build ≤ 10 s cold with SHACL and indexing; open a published build ≤ 1 s.
Each build runs as `python -m migrakg.cli build` in its own process into a fresh data folder; its peak
resident memory is the child's ru_maxrss. Opening = a fresh process that opens the store read-only,
the search index and the manifest, and answers one SPARQL query and one search.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

OPEN_SCRIPT = """
import time, json, sys
t0 = time.perf_counter()
from pathlib import Path
from graph.store import EmbeddedBackend, open_store
from search.index import open_index
from search.query import search
build = Path(sys.argv[1]).resolve()
manifest = json.loads((build / "manifest.json").read_text())
backend = EmbeddedBackend(open_store(build / "store"))
q = "PREFIX mkg: <https://w3id.org/migrakg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a mkg:Action }"
n = backend.select(q)
sx = open_index(build / "search")
hits = search(sx, "salud", {}, page=1, per_page=10)["total"]
print(f"{time.perf_counter() - t0:.3f} {n[0]['n']} {hits}")
"""


def _child_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    walls, peaks, steps = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            data = Path(tmp) / f"data{i}"
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "migrakg.cli", "--data", str(data), "build"],
                cwd=REPO, capture_output=True, text=True, check=True,
            )  # fmt: skip
            walls.append(time.perf_counter() - t0)
            peaks.append(_child_maxrss_mb())  # max over children so far: builds are alike, so ≈ per build
            steps.append(dict(re.findall(r"\] (.+?) done in ([\d.]+) s", proc.stderr)))
        opens = []
        build = data / "current"
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", OPEN_SCRIPT, str(build)], cwd=REPO, capture_output=True, text=True, check=True
            ).stdout.split()
            opens.append(float(out[0]))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import migrakg.cli"], cwd=REPO, check=True)
        python_start = time.perf_counter() - t0
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"full build (new process, fresh data folder), {args.runs} runs: "
          f"median {statistics.median(walls):.2f} s, min {min(walls):.2f} s, max {max(walls):.2f} s")  # fmt: skip
    print("  steps (median s): " + ", ".join(
        f"{name} {statistics.median(float(s[name]) for s in steps):.2f}" for name in steps[0]))  # fmt: skip
    print(f"  peak resident memory of a build process: {max(peaks):.0f} MB")
    print(f"open a published build + 1 SPARQL query + 1 search (inside a fresh process): "
          f"median {statistics.median(opens):.3f} s")  # fmt: skip
    print(f"  (for scale: a new Python process importing migrakg.cli takes {python_start:.2f} s)")
    print(f"actions: {out[1]}, hits for 'salud': {out[2]}")


if __name__ == "__main__":
    main()
