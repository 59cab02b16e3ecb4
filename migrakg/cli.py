"""The ``migrakg`` command line: build, serve, validate, query, search, export, reconcile.

Exit codes: 0 ok, 1 data problem (with a report of what and where), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from migrakg import __version__, settings

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
    rows = reconcile(corpus.reports)
    if args.json:
        print(json.dumps([{**asdict(r), "what": r.what} for r in rows], ensure_ascii=False, indent=1))
    else:
        print(format_rows(rows, only_differences=args.differences))
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

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


RENDERER_NAMES = ("jsonl", "csv")
EXTRA_COMMANDS: list = []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``migrakg`` console script."""
    from ingest.errors import ReportFormatError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ReportFormatError as exc:
        _err(f"{exc}")
        return EXIT_DATA
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
