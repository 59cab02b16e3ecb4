"""The command line as a user runs it: export, reconcile and bad input (issue: foundation)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from migrakg.cli import main

REPO = Path(__file__).resolve().parent.parent
STATED = REPO / "tests" / "golden" / "compendio_2024" / "stated-counts-2024.csv"


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrakg.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="module")
def export_jsonl() -> str:
    proc = _run("export", "actions", "--format", "jsonl", env={"PYTHONHASHSEED": "1"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_export_counts_match_the_reports(export_jsonl):
    rows = [json.loads(line) for line in export_jsonl.splitlines()]
    by_edition = Counter(r["edition"] for r in rows)
    assert by_edition[2024] == 379
    assert by_edition[2020] == 176
    types = Counter(r["actor_type"] for r in rows if r["edition"] == 2024)
    assert types == {"APF": 180, "ENTIDAD_FEDERATIVA": 153, "PODER_JUDICIAL": 11, "OCA": 14, "OSC": 21}
    cells = Counter((r["objective"], r["actor_type"]) for r in rows if r["edition"] == 2024)
    columns = {"apf": "APF", "entidades": "ENTIDAD_FEDERATIVA", "poder_judicial": "PODER_JUDICIAL",
               "oca": "OCA", "osc": "OSC"}  # fmt: skip
    with open(STATED, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            objective = int(row["objective"])
            if objective > 17:  # section III of the Informe is stale for 18–23 (see reconcile)
                continue
            for column, actor_type in columns.items():
                assert cells[(objective, actor_type)] == int(row[column] or 0), (objective, actor_type)


def test_every_record_is_complete_and_sorted(export_jsonl):
    rows = [json.loads(line) for line in export_jsonl.splitlines()]
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["title"] and r["description"], r["id"]
        assert r["actors"], r["id"]
        assert r["actor_type"] in {"APF", "ENTIDAD_FEDERATIVA", "PODER_JUDICIAL", "PODER_LEGISLATIVO", "OCA", "OSC"}
        assert 1 <= r["objective"] <= 23 and r["number"] >= 1
        src = r["source"]
        assert (REPO / "corpus" / src["file"]).is_file() and 1 <= src["line_start"] <= src["line_end"]
        assert r["id"].endswith(f"-o{r['objective']:02d}-{r['number']:02d}")
        if r["actor_type"] == "ENTIDAD_FEDERATIVA":
            assert r["state"] == r["actors"][0]


def test_contract_example_record(export_jsonl):
    rows = {json.loads(line)["id"]: json.loads(line) for line in export_jsonl.splitlines()}
    r = rows["https://w3id.org/migrakg/id/action/2024-ef-o01-02"]
    assert r["title"].startswith("COLABORACIÓN CON LA VENTANILLA DE ATENCIÓN A PERSONAS MIGRANTES")
    assert r["title"].endswith("(OIM)")
    assert r["actors"] == ["Campeche"] and r["state"] == "Campeche"
    assert "OIM" in r["partners"]
    assert r["source"] == {"file": "2024-compendio-general.txt", "line_start": 6011, "line_end": 6046}


def test_two_runs_are_byte_identical(export_jsonl):
    again = _run("export", "actions", "--format", "jsonl", env={"PYTHONHASHSEED": "2"})
    assert again.returncode == 0, again.stderr
    assert again.stdout == export_jsonl


def test_csv_export_has_one_row_per_action(tmp_path, capsys):
    out = tmp_path / "actions.csv"
    assert main(["export", "actions", "--format", "csv", "--edition", "2020", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 176
    assert {r["edition"] for r in rows} == {"2020"}


def test_reconcile_shows_where_the_informe_disagrees(capsys):
    assert main(["reconcile", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    differing = {
        int(dict(r["qualifiers"])["objective"])
        for r in rows
        if r["key"] == "actions" and r["status"] == "differs" and "objective" in dict(r["qualifiers"])
        and dict(r["qualifiers"]).get("section") == "III"
    }  # fmt: skip
    assert differing == {18, 19, 20, 21, 22, 23}
    matching = {
        int(dict(r["qualifiers"])["objective"])
        for r in rows
        if r["key"] == "actions" and r["status"] == "match" and dict(r["qualifiers"]).get("section") == "III"
    }
    assert set(range(1, 18)) <= matching
    # objective 19: section III says 5 (line 345), section IV says 3 (line 424): both shown with their lines
    o19 = [r for r in rows if r["key"] == "actions" and r["qualifiers"] in ([["objective", "19"], ["section", "III"]],)]
    assert o19 and o19[0]["stated"] == 5 and o19[0]["line"] == 345
    assert [3, 424] in [list(c) for c in o19[0]["contradicts"]]


def _corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", target)
    return target


def test_truncated_report_exits_1_with_file_and_line_and_writes_nothing(tmp_path):
    corpus = _corpus_copy(tmp_path)
    path = corpus / "2024-compendio-general.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:5000]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = _run("--corpus", str(corpus), "export", "actions", "-o", str(out))
    assert proc.returncode == 1
    assert "2024-compendio-general.txt:" in proc.stderr
    line = int(proc.stderr.split("2024-compendio-general.txt:")[1].split(":")[0])
    assert 4900 <= line <= 5001
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".out.jsonl*")) == []


def test_garbled_report_exits_1(tmp_path):
    corpus = _corpus_copy(tmp_path)
    (corpus / "2020-compendio-general.txt").write_bytes(b"\xff\xfe garbage \x00\x01" * 100)
    proc = _run("--corpus", str(corpus), "export", "actions")
    assert proc.returncode == 1, proc.stderr
    assert "2020-compendio-general.txt:1" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_unknown_layout_is_a_clear_error(tmp_path):
    corpus = _corpus_copy(tmp_path)
    catalog = corpus / "catalog.toml"
    catalog.write_text(catalog.read_text().replace('layout = "informe_2018"', 'layout = "informe_2019"'))
    proc = _run("--corpus", str(corpus), "export", "actions")
    assert proc.returncode == 2
    assert "informe_2019" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_corpus_is_a_usage_error(tmp_path):
    proc = _run("--corpus", str(tmp_path / "nowhere"), "export", "actions")
    assert proc.returncode == 2 and "catalog.toml" in proc.stderr
