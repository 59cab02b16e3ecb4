"""The build job: corpus → records → RDF → SHACL → dumps, store, search index → atomic publication.

Everything is written into a staging folder; only a build whose every step passed is swapped
into place (see :mod:`migrakg.publish`). A failing or killed build never touches what is served.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import platform
import shutil
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from rdflib import Graph

from graph.build_rdf import InstitutionInfo, build_dataset, to_nquads, union_graph
from graph.namespaces import PREFIXES
from graph.uris import Minter
from graph.validate import ValidationResult, validate_graph
from ingest.corpus import Corpus, load_corpus
from ingest.registry import Registry
from migrakg import __version__
from migrakg.export import export_rows, render_csv, render_jsonl
from migrakg.publish import (
    MANIFEST,
    build_lock,
    new_build_id,
    publish,
    remove_stale_staging,
    staging_dir,
)

Progress = Callable[[str], None]

#: Files of a published build, by role (the web app's downloads serve some of them).
DUMPS = {"turtle": "migrakg.ttl", "ntriples": "migrakg.nt", "jsonld": "migrakg.jsonld", "nquads": "migrakg.nq"}
STORE_DIR = "store"
SEARCH_DIR = "search"
SHACL_REPORT = "shacl-report.txt"
RECONCILE = "reconcile.json"  # stated vs extracted counts (web app quality page)
CORPUS_DIR = "corpus"  # copy of the source texts (web app source views)
LAST_FAILURE = "last-build-failure.txt"  # in the data folder, beside the published builds
DEPENDENCIES = ("rdflib", "pyoxigraph", "pyshacl", "whoosh-reloaded", "networkx", "flask")


class BuildFailed(Exception):
    """A build step found a data problem; nothing was published. ``report`` says what and where."""

    def __init__(self, message: str, report: str = "") -> None:
        super().__init__(message)
        self.report = report


@dataclass
class BuildResult:
    build_id: str
    path: Path
    manifest: dict
    timings: dict[str, float] = field(default_factory=dict)


def institution_infos(registry: Registry) -> list[InstitutionInfo]:
    """The registry's institutions in the form the RDF builder takes."""
    return [
        InstitutionInfo(
            acronym=inst.acronym,
            slug=inst.slug,
            name_es=inst.name,
            alt_labels=inst.alt_labels,
            actor_type=inst.actor_type,
            parent=inst.parent,
            state_inegi=inst.inegi,
            wikidata=inst.wikidata,
        )
        for inst in registry
    ]


class _Steps:
    """Counted, timed build steps printed as ``[i/n] name … 0.42 s``."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress, self.i = total, progress, 0
        self.timings: dict[str, float] = {}

    def run(self, name: str, fn: Callable):
        self.i += 1
        t0 = time.perf_counter()
        if self.progress:
            self.progress(f"[{self.i}/{self.total}] {name} …")
        out = fn()
        self.timings[name] = round(time.perf_counter() - t0, 3)
        if self.progress:
            self.progress(f"[{self.i}/{self.total}] {name} done in {self.timings[name]:.2f} s")
        return out

    def start(self, name: str, fn: Callable):
        """Start a step that runs in the background; :meth:`finish` waits for it."""
        self.i += 1
        if self.progress:
            self.progress(f"[{self.i}/{self.total}] {name} …")
        job = fn()
        job.step = (self.i, name, time.perf_counter())
        return job

    def finish(self, job, wait: Callable):
        """Wait for a background step and report it under its own number."""
        i, name, t0 = job.step
        out = wait()
        self.timings[name] = round(time.perf_counter() - t0, 3)
        if self.progress:
            self.progress(f"[{i}/{self.total}] {name} done in {self.timings[name]:.2f} s")
        return out


_GRAPH_TO_VALIDATE: Graph | None = None  # set just before forking the validation worker


def _validate_inherited_graph() -> ValidationResult:
    """Runs in the forked worker: validate the graph the parent process held when it forked."""
    assert _GRAPH_TO_VALIDATE is not None
    result = validate_graph(_GRAPH_TO_VALIDATE)
    return ValidationResult(result.conforms, Graph(), result.text, result.violations)


class _Validation:
    """SHACL validation of the union graph in a forked process, so it overlaps with the store, dumps and index.

    pySHACL is pure Python: on a 2-core machine a second process is the only way to overlap it. Where
    ``fork`` is unavailable the validation simply runs here when its result is asked for.
    """

    def __init__(self, graph: Graph) -> None:
        global _GRAPH_TO_VALIDATE
        self.graph = graph
        self.pool: ProcessPoolExecutor | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            _GRAPH_TO_VALIDATE = graph
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            self.future = self.pool.submit(_validate_inherited_graph)

    def result(self) -> ValidationResult:
        global _GRAPH_TO_VALIDATE
        if self.pool is None:
            return validate_graph(self.graph)
        try:
            return self.future.result()
        finally:
            self.pool.shutdown()
            _GRAPH_TO_VALIDATE = None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {"migrakg": __version__, "python": platform.python_version()}
    for dist in DEPENDENCIES:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "missing"
    return out


def format_violations(result: ValidationResult, limit: int = 50) -> str:
    """A readable SHACL report: one line per violation with the source file:line it traces to."""
    lines = [f"SHACL: {len(result.violations)} violation(s)"]
    lines += [f"  {v}" for v in result.violations[:limit]]
    if len(result.violations) > limit:
        lines.append(f"  … and {len(result.violations) - limit} more (full report in {SHACL_REPORT})")
    return "\n".join(lines)


def run_build(
    corpus_dir: Path,
    data_dir: Path,
    base_uri: str,
    progress: Progress | None = None,
    corpus_loader: Callable[[Path], Corpus] = load_corpus,
) -> BuildResult:
    """Build the corpus and publish it atomically into ``data_dir``; raise :class:`BuildFailed` on data problems."""
    started = datetime.now(UTC).replace(microsecond=0)
    with build_lock(data_dir):
        remove_stale_staging(data_dir)
        build_id = new_build_id()
        staging = staging_dir(data_dir, build_id)
        try:
            return _build_into(staging, build_id, corpus_dir, data_dir, base_uri, started, progress, corpus_loader)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, BuildFailed):
                (data_dir / LAST_FAILURE).write_text(f"{exc}\n{exc.report}\n", encoding="utf-8")
            raise


def _build_into(
    staging: Path,
    build_id: str,
    corpus_dir: Path,
    data_dir: Path,
    base_uri: str,
    started: datetime,
    progress: Progress | None,
    corpus_loader: Callable[[Path], Corpus],
) -> BuildResult:
    from graph.network_export import write_network_files
    from graph.store import EmbeddedBackend, dump_store, load_store
    from search.aliases import build_aliases
    from search.documents import documents_from_store
    from search.index import build_index

    minter = Minter(base_uri)
    steps = _Steps(10, progress)
    corpus = steps.run("parse corpus", lambda: corpus_loader(corpus_dir))
    registry = corpus.registry
    notes: list[str] = []
    ds = steps.run(
        "build RDF",
        lambda: build_dataset(corpus.reports, institution_infos(registry), minter, started.isoformat(), notes),
    )
    union = union_graph(ds)
    validation = steps.start(
        "validate SHACL (in a second process, alongside the steps that follow)", lambda: _Validation(union)
    )
    store = steps.run("load Oxigraph store", lambda: load_store(staging / STORE_DIR, to_nquads(ds)))
    steps.run(
        "write dumps (Turtle, N-Triples, JSON-LD, N-Quads)",
        lambda: dump_store(store, {k: staging / v for k, v in DUMPS.items()}, PREFIXES),
    )

    def index(store) -> int:
        return build_index(documents_from_store(store), staging / SEARCH_DIR, build_aliases(store))

    indexed = steps.run("build search index", lambda: index(store))

    def exports() -> list[dict]:
        rows = export_rows(corpus.actions, minter)
        (staging / "actions.jsonl").write_text(render_jsonl(rows), encoding="utf-8")
        (staging / "actions.csv").write_text(render_csv(rows), encoding="utf-8")
        return rows

    rows = steps.run("write exports", exports)
    steps.run(
        "write network (GraphML, GEXF)",
        lambda: write_network_files(EmbeddedBackend(store), staging),
    )

    def web_files() -> None:
        # the web app's quality page and source views (the web app never imports ingest)
        from dataclasses import asdict

        from ingest.reconcile import reconcile

        rec = [{**asdict(r), "what": r.what} for r in reconcile(corpus.reports, registry.ancestors)]
        (staging / RECONCILE).write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
        (staging / CORPUS_DIR).mkdir()
        for r in corpus.reports:
            shutil.copyfile(corpus_dir / r.info.file, staging / CORPUS_DIR / r.info.file)

    steps.run("write reconcile table and corpus copy (web app)", web_files)
    result = steps.finish(validation, lambda: validation.result())
    (staging / SHACL_REPORT).write_text(result.text, encoding="utf-8")
    if not result.conforms:
        report = format_violations(result)
        raise BuildFailed("the graph does not conform to the SHACL shapes; nothing was published", report)

    def manifest() -> dict:
        files = sorted(p for p in staging.iterdir() if p.is_file())
        data = {
            "build_id": build_id,
            "built_at": started.isoformat(),
            "base_uri": base_uri,
            "versions": _versions(),
            "sources": [{"file": r.info.file, "sha256": _sha256(corpus_dir / r.info.file)} for r in corpus.reports],
            "counts": {
                "triples": len(union),
                "actions": len(rows),
                "actions_by_edition": dict(sorted(Counter(str(r["edition"]) for r in rows).items())),
                "institutions": len(registry),
                "indexed_documents": indexed,
                "shacl_violations": len(result.violations),
            },
            "files": {p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in files},
            "notes": notes,
            "timings_s": steps.timings,
        }
        (staging / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return data

    data = steps.run("write manifest and publish", manifest)
    final = publish(data_dir, staging, build_id)
    return BuildResult(build_id, final, data, steps.timings)
