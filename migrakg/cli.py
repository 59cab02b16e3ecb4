"""The ``migrakg`` command line: build, serve, validate, query, search, export, reconcile.

Exit codes: 0 ok, 1 data problem (with a report of what and where), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from migrakg import __version__, settings

if TYPE_CHECKING:
    from graph.store import SparqlBackend

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A usage or configuration problem (exit 2)."""


def _err(message: str) -> None:
    print(f"migrakg: error: {message}", file=sys.stderr)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load_corpus(corpus_dir: Path):
    from ingest.corpus import load_corpus

    if not (corpus_dir / "catalog.toml").is_file():
        raise UsageError(f"{corpus_dir}: not a corpus folder (no catalog.toml); set MIGRAKG_CORPUS or --corpus")
    return load_corpus(corpus_dir)


def cmd_export(args: argparse.Namespace) -> int:
    from graph.uris import Minter
    from migrakg.export import RENDERERS, export_rows, write_atomically

    corpus = _load_corpus(Path(args.corpus))
    rows = export_rows(corpus.actions, Minter(settings.get("base_uri")))
    if args.edition:
        rows = [r for r in rows if r["edition"] in args.edition]
    text = RENDERERS[args.format](rows)
    if args.output and args.output != "-":
        write_atomically(Path(args.output), text)
        _progress(f"wrote {len(rows)} actions to {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_reconcile(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from ingest.reconcile import format_rows, reconcile

    corpus = _load_corpus(Path(args.corpus))
    rows = reconcile(corpus.reports, corpus.registry.ancestors)
    if args.json:
        print(json.dumps([{**asdict(r), "what": r.what} for r in rows], ensure_ascii=False, indent=1))
    else:
        print(format_rows(rows, only_differences=args.differences))
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Precision, recall and F1 per label and micro-F1 of each classifier on the hand-labelled sets (issue 7)."""
    import json

    from ingest.classify.evaluate import DEFAULT_DATA, LabelFileError, format_results, run_evaluation

    corpus = _load_corpus(Path(args.corpus))
    try:
        results = run_evaluation(corpus, Path(args.data) if args.data else DEFAULT_DATA, args.split)
    except LabelFileError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        out = {
            name: {
                "records": s.records,
                "micro": dict(zip(("precision", "recall", "f1"), s.prf(), strict=True)),
                "macro_f1": s.macro_f1,
                "labels": {x: dict(zip(("precision", "recall", "f1"), s.prf(x), strict=True)) for x in s.labels},
            }
            for name, s in results.items()
        }
        print(json.dumps(out, indent=1))
    else:
        print(format_results(results, per_label=not args.summary))
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from migrakg.build import BuildFailed, run_build
    from migrakg.publish import BuildLockedError

    t0 = time.perf_counter()
    try:
        result = run_build(Path(args.corpus), Path(args.data), settings.get("base_uri"), progress=_progress)
    except BuildFailed as exc:
        _err(str(exc))
        print(exc.report, file=sys.stderr)
        return EXIT_DATA
    except BuildLockedError as exc:
        raise UsageError(str(exc)) from exc
    counts = result.manifest["counts"]
    by_edition = ", ".join(f"{k}: {v}" for k, v in counts["actions_by_edition"].items())
    print(
        f"published build {result.build_id} in {Path(args.data) / 'current'}: "
        f"{counts['actions']} actions ({by_edition}), {counts['triples']} triples, "
        f"{time.perf_counter() - t0:.1f} s"
    )
    if args.push:
        from graph.store import RemoteBackend

        query, update = settings.get("sparql_endpoint"), settings.get("sparql_update_endpoint")
        if not (query and update):
            raise UsageError("--push needs MIGRAKG_SPARQL_ENDPOINT and MIGRAKG_SPARQL_UPDATE_ENDPOINT")
        n = RemoteBackend(query, update).push((result.path / "migrakg.nq").read_bytes(), drop_all=True)
        print(f"pushed {n} quads to {update}")
    return EXIT_OK


def _published(args: argparse.Namespace) -> Path:
    from migrakg.publish import current_build

    build = current_build(Path(args.data))
    if build is None:
        raise UsageError(f"nothing is published in {args.data}: run 'migrakg build' first")
    return build


def cmd_validate(args: argparse.Namespace) -> int:
    from migrakg.validate import validate_build

    problems = validate_build(_published(args), progress=_progress)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_DATA
    print("the published build is whole and conforms to the SHACL shapes")
    return EXIT_OK


def _backend(store: Path | None) -> SparqlBackend:
    """The remote SPARQL endpoint of the settings when set, else the embedded store of the published build."""
    from graph.store import open_backend

    return open_backend(settings.get("sparql_endpoint"), settings.get("sparql_update_endpoint"), store)


def cmd_query(args: argparse.Namespace) -> int:
    from graph.store import SparqlError
    from migrakg.query_output import render_results

    if args.file:
        try:
            text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read query file: {exc}") from exc
    elif args.query:
        text = args.query
    else:
        raise UsageError("give a query or -f FILE")
    store = None if settings.get("sparql_endpoint") else _published(args) / "store"
    backend = _backend(store)
    try:
        sys.stdout.write(render_results(backend, text, args.format))
    except SparqlError as exc:
        _err(f"bad query: {exc}")
        return EXIT_USAGE
    return EXIT_OK


def cmd_network(args: argparse.Namespace) -> int:
    import json

    from graph import network
    from graph.store import SparqlError

    if args.objective is not None and not 1 <= args.objective <= 23:
        raise UsageError(f"--objective {args.objective}: GCM objectives are 1 to 23")
    store = None if settings.get("sparql_endpoint") else _published(args) / "store"
    try:
        rows = network.fetch_participation(_backend(store), args.edition, args.objective)
    except SparqlError as exc:
        _err(str(exc))
        return EXIT_USAGE
    try:
        g = network.build_network(rows, args.kind, args.ego)
    except KeyError as exc:
        raise UsageError(f"--ego {args.ego}: no institution with that acronym in this network") from exc
    if args.format == "json":
        data = network.analyse(g, args.metric)
        data["filters"] = {"edition": args.edition, "objective": args.objective, "kind": args.kind, "ego": args.ego}
        out = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    else:
        g = network.with_metrics(g)
        out = network.to_graphml(g) if args.format == "graphml" else network.to_gexf(g)
    if args.output and args.output != "-":
        Path(args.output).write_bytes(out)
        _progress(f"wrote a network of {g.number_of_nodes()} nodes, {g.number_of_edges()} edges to {args.output}")
    else:
        sys.stdout.buffer.write(out)
        sys.stdout.flush()
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from search.cli import run_search_command

    filters = {
        name: values
        for name, values in (
            ("objective", args.objective),
            ("actor_type", args.actor_type),
            ("state", args.state),
            ("edition", args.edition),
            ("partner", args.partner),
            ("population", args.population),
        )
        if values
    }
    return run_search_command(_published(args) / "search", args.query, filters, args.page, args.per_page, args.json)


def _positive_int(text: str) -> int:
    """An argparse type: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 1, got {value}")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    from migrakg.build import SEARCH_DIR
    from migrakg.publish import current_build
    from search.index import index_is_current

    published = current_build(Path(args.data))
    if published is None or not index_is_current(published / SEARCH_DIR):
        why = "nothing published" if published is None else "the published build is from an older migrakg"
        _progress(f"{why} in {args.data}: building first")
        code = cmd_build(argparse.Namespace(**{**vars(args), "push": False}))
        if code != EXIT_OK:
            return code
    from migrakg.serve import run
    from webapp import create_app

    data_dir = str(Path(args.data).resolve())
    workers = f"{args.workers} worker processes × {args.threads} threads"
    print(f"migrakg serving on http://{args.host}:{args.port}/ ({workers}; Ctrl-C to stop)", flush=True)
    return run(lambda: create_app({"DATA_DIR": data_dir}), args.host, args.port, args.threads, args.workers)


def cmd_settings(args: argparse.Namespace) -> int:
    print(f"{'environment variable':34} {'default':28} meaning")
    print(settings.describe())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="migrakg", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"migrakg {__version__}")
    parser.add_argument("--corpus", default=settings.get("corpus_dir"), help="corpus folder (MIGRAKG_CORPUS)")
    parser.add_argument("--data", default=settings.get("data_dir"), help="data folder of builds (MIGRAKG_DATA)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("export", help="export the extracted actions (contract §3)")
    p.add_argument("what", choices=["actions"], help="what to export")
    p.add_argument("--format", choices=sorted(RENDERER_NAMES), default="jsonl")
    p.add_argument("--edition", type=int, action="append", help="only this edition (repeatable)")
    p.add_argument("-o", "--output", help="file to write (default: standard output); written whole or not at all")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("reconcile", help="extracted counts against the counts each report states")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    p.add_argument("--differences", action="store_true", help="only differences and contradictions")
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("evaluate", help="precision, recall, F1 of the derived classifications on the labelled sets")
    p.add_argument(
        "--split", "--set", dest="split", choices=("test", "dev"), default="test", help="test sets (default) or dev"
    )
    p.add_argument("--data", help="folder of the labelled CSV files (default: tests/data)")
    p.add_argument("--summary", action="store_true", help="only the micro/macro line of each classifier")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("build", help="corpus → validated graph + search index, published atomically")
    p.add_argument("--push", action="store_true", help="also load the build into MIGRAKG_SPARQL_UPDATE_ENDPOINT")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="re-check the published build (files, checksums, SHACL)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a SPARQL query against the published build (or MIGRAKG_SPARQL_ENDPOINT)")
    p.add_argument("query", nargs="?", help="the SPARQL query text")
    p.add_argument("-f", "--file", help="read the query from FILE ('-' for standard input)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("search", help="full-text search over the actions, with facets")
    p.add_argument("query", help="words, phrases in quotes, AND/OR/NOT, field:value")
    p.add_argument("--objective", action="append", help="GCM objective number (repeatable)")
    p.add_argument("--actor-type", action="append", help="APF, ENTIDAD_FEDERATIVA, PODER_JUDICIAL, OCA, OSC")
    p.add_argument("--state", action="append", help="state name")
    p.add_argument("--edition", action="append", help="edition year")
    p.add_argument("--partner", action="append", help="partner acronym (OIM, ACNUR, …)")
    p.add_argument("--population", action="append", help="population slug (nna, mujeres, …)")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--per-page", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print the /api/search JSON object")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("network", help="collaboration network of institutions: metrics, communities, exports")
    p.add_argument("--edition", type=int, help="only this edition (year)")
    p.add_argument("--objective", type=int, help="only this GCM objective (1-23)")
    p.add_argument("--metric", choices=["degree", "betweenness", "eigenvector"], default="degree",
                   help="ranking metric (json)")  # fmt: skip
    p.add_argument("--kind", choices=["institutions", "bipartite"], default="institutions",
                   help="institution-institution or institution-objective network")  # fmt: skip
    p.add_argument("--ego", help="only this institution (acronym, e.g. OIM) and its neighbours")
    p.add_argument("--format", choices=["json", "graphml", "gexf"], default="json")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_network)

    p = sub.add_parser("settings", help="list every setting: environment variable, default, meaning")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("serve", help="serve the web app on the published build (builds first if needed)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=_positive_int, default=settings.get("serve_workers"), help="worker processes")
    p.add_argument("--threads", type=_positive_int, default=settings.get("serve_threads"), help="threads per worker")
    p.set_defaults(func=cmd_serve)
    return parser


RENDERER_NAMES = ("jsonl", "csv")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``migrakg`` console script."""
    from ingest.errors import CatalogError, ReportFormatError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ReportFormatError as exc:
        _err(f"{exc}")
        return EXIT_DATA
    except (UsageError, CatalogError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
