"""The example queries of the SPARQL page through the /sparql endpoint (a real `migrakg serve` on 127.0.0.1),
against direct in-process pyoxigraph and against rdflib's own SPARQL engine on the same data.

    python bench/bench_sparql.py [--data DIR] [--runs 11]

Without ``--data`` the corpus is built into a temporary folder first. Endpoint and pyoxigraph: medians of
``--runs`` timed runs, alternating, after one warm-up (results serialized as SPARQL JSON / N-Triples in
both). rdflib: one run in a child process (the published N-Quads parsed into a union-default Dataset),
bounded in time. The "HTTP floor" is the median round trip of ``ASK {}`` through the same endpoint (HTTP,
checks, worker IPC); the target is endpoint ≤ 1.3 × direct pyoxigraph + floor.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RDFLIB_BUDGET_S = 300  # the whole rdflib child, every query


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, query: str, accept: str) -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    )
    with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310 - 127.0.0.1 only
        return response.read()


def _median(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _paired(first, second, runs: int) -> tuple[float, float]:
    """Medians of two functions timed in alternation (both see the same machine load)."""
    first(), second()  # warm-up
    a, b = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        first()
        t1 = time.perf_counter()
        second()
        t2 = time.perf_counter()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return statistics.median(a), statistics.median(b)


def _count(body: bytes, construct: bool) -> int:
    if construct:
        return len([line for line in body.splitlines() if line.strip()])
    return len(json.loads(body)["results"]["bindings"])


def rdflib_child(nq: str) -> None:
    """Child mode: load the N-Quads into rdflib and run every example once; print one JSON line each."""
    import rdflib

    from webapp.sparql_examples import EXAMPLES

    t0 = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    print(json.dumps({"load": time.perf_counter() - t0}), flush=True)
    for ex in EXAMPLES:
        t0 = time.perf_counter()
        try:
            result = ds.query(ex.text)
            n = len(result.graph) if result.type == "CONSTRUCT" else len(list(result))
            print(json.dumps({"key": ex.key, "s": time.perf_counter() - t0, "n": n}), flush=True)
        except Exception as exc:  # noqa: BLE001 - report rdflib's failure, keep going
            print(json.dumps({"key": ex.key, "error": f"{type(exc).__name__}: {exc}"[:120]}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data folder with a published build (default: build into a temp folder)")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--rdflib-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rdflib_child:
        rdflib_child(args.rdflib_child)
        return 0
    runs = max(1, min(args.runs, 50))

    import pyoxigraph as ox

    from webapp.sparql_examples import EXAMPLES

    tmp = None
    if args.data:
        data = Path(args.data)
    else:
        from migrakg.build import run_build

        tmp = tempfile.TemporaryDirectory(prefix="bench-sparql-")
        data = Path(tmp.name)
        print("building the corpus into", data, file=sys.stderr)
        run_build(REPO / "corpus", data, "https://w3id.org/migrakg/")
    build = (data / "current").resolve()
    port = _free_port()
    env = {**os.environ, "MIGRAKG_SPARQL_TIMEOUT": "60"}
    server = subprocess.Popen(
        [sys.executable, "-m", "migrakg.cli", "--data", str(data), "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    rdflib_proc = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _post(url, "ASK {}", "application/sparql-results+json")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        store = ox.Store.read_only(str(build / "store"))
        floor = _median(lambda: _post(url, "ASK {}", "application/sparql-results+json"), runs)
        rows = []
        for ex in EXAMPLES:
            construct = "CONSTRUCT" in ex.body
            accept = "application/n-triples" if construct else "application/sparql-results+json"

            def direct(ex=ex, construct=construct) -> bytes:
                result = store.query(ex.text, use_default_graph_as_union=True)
                if construct:
                    return ox.serialize(list(result), format=ox.RdfFormat.N_TRIPLES)
                return result.serialize(format=ox.QueryResultsFormat.JSON)

            t_endpoint, t_direct = _paired(lambda ex=ex, accept=accept: _post(url, ex.text, accept), direct, runs)
            n_direct = _count(direct(), construct)
            n_endpoint = _count(_post(url, ex.text, accept), construct)
            rows.append([ex.key, n_endpoint, n_direct, t_endpoint, t_direct])
        server.terminate()  # rdflib runs alone, after the timed runs
        server.wait(timeout=10)
        rdflib_proc = subprocess.Popen(
            [sys.executable, __file__, "--rdflib-child", str(build / "migrakg.nq")],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            out, _ = rdflib_proc.communicate(timeout=RDFLIB_BUDGET_S)
        except subprocess.TimeoutExpired:
            rdflib_proc.kill()
            out, _ = rdflib_proc.communicate()
        rdf = {}
        load = None
        for line in out.splitlines():
            item = json.loads(line)
            if "load" in item:
                load = item["load"]
            else:
                rdf[item["key"]] = item
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
        if rdflib_proc is not None and rdflib_proc.poll() is None:
            rdflib_proc.kill()
        if tmp is not None:
            tmp.cleanup()

    load_s = "-" if load is None else f"{load:.2f}"
    print(f"data: {build.name}; median of {runs} runs alternating endpoint/direct after a warm-up; "
          f"HTTP floor (ASK {{}} round trip): "
          f"{floor * 1000:.1f} ms; rdflib load of the N-Quads: {load_s} s")  # fmt: skip
    head = f"{'query':28} {'rows':>5} {'endpoint ms':>12} {'direct ms':>10} {'ratio':>6} {'target ms':>10} {'ok':>3} "
    print(head + f"{'rdflib ms':>10} {'rdflib/direct':>14}")
    total_e = total_d = 0.0
    for key, n_e, n_d, t_e, t_d in rows:
        target = 1.3 * t_d + floor
        r = rdf.get(key, {})
        rdflib_ms = f"{r['s'] * 1000:10.1f}" if "s" in r else f"{r.get('error', 'timeout')[:10]:>10}"
        rdflib_ratio = f"{r['s'] / t_d:13.0f}×" if "s" in r else f"{'-':>14}"
        same = (
            "" if n_e == n_d == r.get("n", n_d) else f"  rows differ: endpoint {n_e}, direct {n_d}, rdflib {r.get('n')}"
        )
        print(f"{key:28} {n_e:5d} {t_e * 1000:12.1f} {t_d * 1000:10.1f} {t_e / t_d:5.1f}× {target * 1000:10.1f} "
              f"{'yes' if t_e <= target else 'NO':>3} {rdflib_ms} {rdflib_ratio}{same}")  # fmt: skip
        total_e, total_d = total_e + t_e, total_d + t_d
    n = len(rows)
    target = 1.3 * total_d + n * floor
    print(f"{'all examples':28} {'':5} {total_e * 1000:12.1f} {total_d * 1000:10.1f} {total_e / total_d:5.1f}× "
          f"{target * 1000:10.1f} {'yes' if total_e <= target else 'NO':>3}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
