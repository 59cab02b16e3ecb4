"""Load on the web app from a second process: N concurrent keep-alive clients for a fixed time per page kind.

Starts ``migrakg serve`` (waitress) on 127.0.0.1 in a child process over a published data folder, waits
until it answers, then runs each scenario (search pages, action pages, …) with ``--clients`` threads using
``http.client`` for ``--duration`` seconds, and prints p50/p95/p99 latency, requests per second and errors.

    python bench/bench_webapp.py --data var --clients 16 --duration 30

Bounded: every scenario stops after ``--duration`` seconds or ``--max-requests`` requests; traffic only
to 127.0.0.1. Exit status 1 when any request failed (non-200 or connection error).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOG = Path(os.environ.get("TMPDIR", "/tmp")) / f"migrakg-bench-webapp-{os.getpid()}.log"
SEARCH_QUERIES = [
    "q=salud",
    "q=salud&objective=15",
    "q=niñez+migrante",
    "q=OIM&edition=2024",
    "q=trata+de+personas",
    "q=remesas",
    "q=capacitación&actor_type=APF",
    "q=refugio&population=refugiados-solicitantes",
    "q=migra*",
    "q=documentos&page=2",
    "q=educación",
    "q=empleo+temporal",
]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, threads: int, workers: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "migrakg.cli",
        "--data",
        str(data),
        "serve",
        "--port",
        str(port),
        "--threads",
        str(threads),
        "--workers",
        str(workers),
    ]
    # the server's log goes to a file: a pipe nobody reads would fill up and block the server
    log = open(LOG, "wb")  # noqa: SIM115 - closed when the process ends
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {LOG.read_text(errors='replace')[-800:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/about")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start within 120 s")


def run(port: int, paths: list[str], clients: int, duration: float, max_requests: int) -> dict:
    """``clients`` threads cycling over ``paths`` for ``duration`` seconds; latency stats and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()
    stop_at = time.monotonic() + duration

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop_at:
            n = next(counter)  # one shared sequence: the clients walk the paths together, each once per round
            if n >= max_requests:
                break
            path = paths[n % len(paths)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": "es"})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    with lock:
                        errors.append(f"{resp.status} {path}")
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    return {
        "requests": len(lat) + len(errors),
        "ok": len(lat) - sum(1 for e in errors if not e[0].isalpha()),
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(elapsed, 1),
        "req_per_s": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else float("nan"),
    }


def distinct_queries(rows: list[dict], n: int = 20000) -> list[str]:
    """Up to ``n`` different two-word queries from the action titles (each one a search-cache miss)."""
    import re

    words = sorted({w.lower() for r in rows for w in re.findall(r"[^\W\d_]{5,}", r["title"])})
    out: dict[str, None] = {}
    for step in (7919, 104729, 1299709, 15485863, 32452843, 49979687, 67867967, 86028121):
        for i, a in enumerate(words):
            b = words[(i * step + 13) % len(words)]
            if a != b:
                out.setdefault("q=" + urllib.parse.quote(f"{a} OR {b}"))
            if len(out) >= n:
                return list(out)
    return list(out)


def scenarios(data: Path) -> dict[str, list[str]]:
    rows = [json.loads(line) for line in (data / "current" / "actions.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = [r["id"].rsplit("/", 1)[-1] for r in rows]
    repeated = ["/search?" + urllib.parse.quote(q, safe="=&+*") for q in SEARCH_QUERIES]
    return {
        "search pages, 12 queries (cached)": repeated,
        "search pages, distinct queries": ["/search?" + q for q in distinct_queries(rows)],
        "action pages (/actions/{key})": [f"/actions/{k}" for k in keys],
        "search API (/api/search?q=…)": ["/api/search?" + urllib.parse.quote(q, safe="=&+*") for q in SEARCH_QUERIES],
        "objective pages (/objectives/{n})": [f"/objectives/{n}" for n in range(1, 24)],
        "home (/)": ["/", "/?edition=2024", "/?edition=2020", "/?edition=2018"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("MIGRAKG_DATA", str(REPO / "var")))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per scenario")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per scenario")
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--server-workers", type=int, default=2, help="worker processes of migrakg serve")
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this")
    args = parser.parse_args()
    data = Path(args.data).resolve()
    port = free_port()
    proc = start_server(data, port, args.server_threads, args.server_workers)
    failed = False
    try:
        all_scenarios = scenarios(data)
        # warm up: the catalogue, the search index, every template, and each action page once (its
        # "acciones similares" are computed on the first visit, then kept for the build)
        warm = [p for name, paths in all_scenarios.items() if "distinct" not in name for p in paths]
        t0 = time.monotonic()
        w = run(port, warm, 4, 120.0, len(warm))
        took = time.monotonic() - t0
        print(f"warm-up: {w['requests']} requests (every page once) in {took:.1f} s, {w['errors']} errors")
        print(
            f"{args.clients} clients × {args.duration:.0f} s per scenario,"
            f" migrakg serve --workers {args.server_workers}"
            f" --threads {args.server_threads}"
        )
        print(f"{'scenario':36} {'req':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, paths in all_scenarios.items():
            if args.only and args.only not in name:
                continue
            cap = min(args.max_requests, len(paths)) if "distinct" in name else args.max_requests
            r = run(port, paths, args.clients, args.duration, cap)
            failed |= r["errors"] > 0
            print(
                f"{name:36} {r['requests']:>7} {r['req_per_s']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} "
                f"{r['p99_ms']:>8} {r['errors']:>7}",
                flush=True,
            )
            if r["errors"]:
                print("   e.g.", "; ".join(r["error_samples"]))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
