"""The build job: validated, whole, published atomically; failures and kills never touch what is served."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph.build_rdf import union_graph
from ingest.corpus import Corpus, load_corpus
from migrakg.build import BuildFailed, run_build
from migrakg.publish import current_build, read_manifest, remove_stale_staging
from migrakg.validate import validate_build

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def test_build_conforms_and_counts_equal_the_export(published):
    data_dir, result = published
    manifest = read_manifest(current_build(data_dir))
    assert manifest["build_id"] == result.build_id
    assert manifest["counts"]["shacl_violations"] == 0
    rows = [json.loads(line) for line in (current_build(data_dir) / "actions.jsonl").read_text().splitlines()]
    by_edition = Counter(str(r["edition"]) for r in rows)
    assert manifest["counts"]["actions_by_edition"] == dict(by_edition)
    assert by_edition["2024"] == 379 and by_edition["2020"] == 176
    # mkg:Action per edition in the graph equals the export
    from graph.store import EmbeddedBackend, open_store

    backend = EmbeddedBackend(open_store(current_build(data_dir) / "store"))
    counted = backend.select(
        "PREFIX mkg: <https://w3id.org/migrakg/ontology#> SELECT ?e (COUNT(?a) AS ?n) "
        "WHERE { ?a a mkg:Action ; mkg:reportedIn ?r . ?r mkg:edition ?e } GROUP BY ?e"
    )
    assert {str(r["e"]): r["n"] for r in counted} == dict(by_edition)
    assert manifest["counts"]["indexed_documents"] == len(rows)
    for name, meta in manifest["files"].items():
        assert (current_build(data_dir) / name).stat().st_size == meta["bytes"]


def test_dumps_parse_back_to_isomorphic_graphs(published):
    data_dir, _ = published
    build = current_build(data_dir)
    ds = Dataset()
    ds.parse(build / "migrakg.nq", format="nquads")
    reference = union_graph(ds)
    assert len(reference) > 10_000
    for name, fmt in (("migrakg.ttl", "turtle"), ("migrakg.nt", "nt")):
        assert isomorphic(reference, Graph().parse(build / name, format=fmt)), name
    jsonld = Dataset()
    jsonld.parse(build / "migrakg.jsonld", format="json-ld")
    assert isomorphic(reference, union_graph(jsonld))


def _broken_loader(corpus_dir: Path) -> Corpus:
    """The real corpus with one deliberately broken record: an action that lost its actors."""
    corpus = load_corpus(corpus_dir)
    reports = list(corpus.reports)
    r2024 = next(i for i, r in enumerate(reports) if r.info.slug == "2024-compendio-general")
    actions = list(reports[r2024].actions)
    actions[5] = dataclasses.replace(actions[5], actors=())
    reports[r2024] = dataclasses.replace(reports[r2024], actions=tuple(actions))
    return dataclasses.replace(corpus, reports=tuple(reports))


def test_broken_record_fails_the_build_and_keeps_the_published_one(published):
    data_dir, result = published
    with pytest.raises(BuildFailed) as err:
        run_build(CORPUS, data_dir, "https://w3id.org/migrakg/", corpus_loader=_broken_loader)
    broken = load_corpus(CORPUS).report("2024-compendio-general").actions[5]
    assert "reportedBy" in err.value.report
    assert f"2024-compendio-general.txt:{broken.source.line_start}" in err.value.report
    assert read_manifest(current_build(data_dir))["build_id"] == result.build_id
    assert not list(data_dir.glob(".staging-*"))
    # the web app still serves and queries the previous build
    from webapp import create_app

    client = create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()
    page = client.get("/about")
    assert page.status_code == 200 and result.build_id in page.get_data(as_text=True)
    assert client.get("/api/search?q=remesas").get_json()["total"] > 0


def test_sigkill_midway_leaves_the_published_build_intact(published, tmp_path):
    data_dir, result = published
    proc = subprocess.Popen(
        [sys.executable, "-m", "migrakg.cli", "--data", str(data_dir), "build"],
        cwd=REPO,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if "write dumps" in line or time.monotonic() > deadline:  # store loaded, dumps being written
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert read_manifest(current_build(data_dir))["build_id"] == result.build_id
    assert validate_build(current_build(data_dir)) == []
    assert len(remove_stale_staging(data_dir)) == 1  # the killed build's half-written folder


def test_validate_detects_a_changed_file(published, tmp_path):
    data_dir, _ = published
    copy = tmp_path / "build"
    shutil.copytree(current_build(data_dir), copy)
    with open(copy / "migrakg.ttl", "a", encoding="utf-8") as fh:
        fh.write("\n# edited by hand\n")
    problems = validate_build(copy)
    assert problems and "checksum" in problems[0]


def test_query_command_prints_sparql_json(published):
    data_dir, _ = published
    proc = subprocess.run(
        [sys.executable, "-m", "migrakg.cli", "--data", str(data_dir), "query", "--format", "json",
         "PREFIX mkg: <https://w3id.org/migrakg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a mkg:Action }"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["head"]["vars"] == ["n"]
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == 744  # 183 + 176 + 379 + 6 infographic highlights
    bad = subprocess.run(
        [sys.executable, "-m", "migrakg.cli", "--data", str(data_dir), "query", "SELECT ?x WHERE { ?x"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2 and "bad" in bad.stderr.lower() and "Traceback" not in bad.stderr
