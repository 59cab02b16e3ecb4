"""The second annotator's labels (tests/data/second_annotator) and the agreement figures built on them."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from annotator_agreement import SUBSET_SIZES, agreement, kappa, subset  # noqa: E402

DATA = REPO / "tests" / "data"
SECOND = DATA / "second_annotator"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _slugs(kind: str) -> set[str]:
    ttl = (REPO / "ontology" / "migrakg.ttl").read_text(encoding="utf-8")
    return set(re.findall(rf"<https://w3id.org/migrakg/id/{kind}/([a-z0-9-]+)>", ttl))


@pytest.mark.parametrize(
    ("name", "test_file", "key"),
    [("challenges", "challenges_test.csv", "id"), ("actions", "actions_test.csv", "key"), ("pairs", None, None)],
)
def test_second_annotator_labelled_exactly_the_fixed_subset(name, test_file, key):
    second = _read(SECOND / f"{name}.csv")
    if name == "pairs":
        ids = [f"{r['a']}|{r['b']}" for r in _read(DATA / "programme_pairs_test.csv")]
        labelled = [f"{r['a']}|{r['b']}" for r in second]
    else:
        ids = [r[key] for r in _read(DATA / test_file)]
        labelled = [r[key] for r in second]
    assert sorted(labelled) == sorted(subset(ids, SUBSET_SIZES[name]))


def test_second_annotator_uses_only_known_slugs():
    categories, types, populations = _slugs("challenge-category"), _slugs("action-type"), _slugs("population")
    for row in _read(SECOND / "challenges.csv"):
        assert row["categories"] and set(row["categories"].split("|")) <= categories, row
    primary = {"extranjeros", "mexicanos-exterior", "retornados", "no-especificado"}
    for row in _read(SECOND / "actions.csv"):
        assert set(filter(None, row["action_types"].split("|"))) <= types, row
        assert set(filter(None, row["populations"].split("|"))) <= populations, row
        assert row["primary_population"] in primary, row
    assert {r["same_programme"] for r in _read(SECOND / "pairs.csv")} <= {"yes", "no"}


def test_kappa():
    assert kappa([("a", "a"), ("b", "b")]) == 1.0
    assert kappa([("a", "b"), ("b", "a")]) == -1.0
    assert kappa([("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")]) == pytest.approx(0.0)


def test_agreement_figures_are_computed_on_every_classification():
    rows = agreement()
    assert [r[0] for r in rows] == [
        "challenge categories", "action types", "populations", "primary population", "programme links"
    ]  # fmt: skip
    for _name, n, *f1s, k in rows:
        assert n >= 50 and all(0.0 <= f <= 1.0 for f in f1s)
        assert k is None or -1.0 <= k <= 1.0
