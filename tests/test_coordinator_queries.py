"""Coordinators' questions answered through SPARQL on the real build, embedded and on a real Oxigraph server.

Expected answers were read off the 2024 Compendio (line numbers in the comments), not computed by migrakg.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.queries import ACTIONS_WITH_BOTH, INSTITUTIONS_FOR_OBJECTIVE, STATES_FOR_OBJECTIVE
from graph.store import EmbeddedBackend, RemoteBackend, SparqlBackend, open_store
from migrakg.publish import current_build

REPO = Path(__file__).resolve().parent.parent

# States with a chapter-2 action under objective 8 (001:7900–8130 and the list).
STATES_O8_2024 = ["Baja California Sur", "Chiapas", "Estado de México", "Morelos", "Oaxaca", "Tabasco",
                  "Tlaxcala", "Veracruz"]  # fmt: skip
# Objective 22 in 2024: CONSAR ×2 (5833, 5853), ISSSTE (5886), Hidalgo (9292).
INSTITUTIONS_O22_2024 = {"CONSAR": 2, "ISSSTE": 1, "Hidalgo": 1}
# 2024 actions naming both OIM and ACNUR: 4629 (…"OIM, ACNUR, OIT y CEPAL", 4665) and 9338 (9346).
OIM_AND_ACNUR_2024 = ["2024-apf-o16-04", "2024-ef-o23-02"]


def _answers(backend: SparqlBackend) -> dict:
    return {
        "states": [r["name"] for r in STATES_FOR_OBJECTIVE.run(backend, objective=8, edition=2024)],
        "institutions": {
            r["acronym"]: r["actions"] for r in INSTITUTIONS_FOR_OBJECTIVE.run(backend, objective=22, edition=2024)
        },
        "both": [r["key"] for r in ACTIONS_WITH_BOTH.run(backend, a="OIM", b="ACNUR") if r["edition"] == 2024],
    }


@pytest.fixture(scope="module")
def embedded(published) -> EmbeddedBackend:
    data_dir, _ = published
    return EmbeddedBackend(open_store(current_build(data_dir) / "store"))


def test_coordinator_questions_on_the_embedded_store(embedded):
    answers = _answers(embedded)
    assert sorted(answers["states"]) == STATES_O8_2024
    assert answers["institutions"] == INSTITUTIONS_O22_2024
    assert answers["both"] == OIM_AND_ACNUR_2024


@pytest.mark.server
def test_build_push_loads_a_real_oxigraph_server_with_the_same_answers(oxigraph_server, embedded, tmp_path):
    env = {
        **os.environ,
        "MIGRAKG_SPARQL_ENDPOINT": f"{oxigraph_server}/query",
        "MIGRAKG_SPARQL_UPDATE_ENDPOINT": f"{oxigraph_server}/update",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "migrakg.cli", "--data", str(tmp_path / "data"), "build", "--push"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "pushed" in proc.stdout
    remote = RemoteBackend(f"{oxigraph_server}/query")
    assert _answers(remote) == _answers(embedded)
    # `migrakg query` goes to the remote endpoint when one is configured
    q = "PREFIX mkg: <https://w3id.org/migrakg/ontology#> SELECT (COUNT(?a) AS ?n) WHERE { ?a a mkg:Action }"
    proc = subprocess.run(
        [sys.executable, "-m", "migrakg.cli", "--data", str(tmp_path / "nothing"), "query", q],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "744" in proc.stdout
