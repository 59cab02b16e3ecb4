"""Where the time of one uncached search goes, in process, on the published build (issue 5).

Run: python bench/search_cost_parts.py [--data var]
Takes 400 of bench_webapp.py's distinct two-word OR queries (20 to warm up) and prints the mean time of
parsing + matching + counting + ranking (search/engine.py) against the whole ``search()`` call, which adds
snippets and the stored fields of the page's hits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import unquote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_webapp import distinct_queries  # noqa: E402

from search.index import open_index  # noqa: E402
from search.query import _run_in_memory, parse_query, search  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="var")
    args = ap.parse_args()
    build = Path(args.data) / "current"
    sx = open_index(build / "search")
    rows = [json.loads(line) for line in (build / "actions.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [unquote_plus(q[2:]) for q in distinct_queries(rows)[:420]]
    for q in queries[:20]:
        search(sx, q)
    t0 = time.perf_counter()
    for q in queries[20:220]:
        _run_in_memory(sx, sx.engine, parse_query(sx, q, []), None, "relevance", 10)
    engine_ms = (time.perf_counter() - t0) / 200 * 1000
    t0 = time.perf_counter()
    for q in queries[220:420]:
        search(sx, q)
    whole_ms = (time.perf_counter() - t0) / 200 * 1000
    print(f"parse + match + count + rank: {engine_ms:.2f} ms; whole search() with snippets and stored fields: "
          f"{whole_ms:.2f} ms (mean of 200 distinct queries each)")  # fmt: skip


if __name__ == "__main__":
    main()
