"""Placing actions whose report prints no objective (ingest.classify.objectives)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.classify.objectives import leave_one_out_accuracy, objective_titles, place_actions
from ingest.layouts import infografia_2023
from tests.golden import parse_layout

REPO = Path(__file__).resolve().parent.parent


def test_titles_are_the_ontologys_definitions():
    ttl = (REPO / "ontology" / "migrakg.ttl").read_text(encoding="utf-8")
    for n, title in objective_titles().items():
        block = re.search(rf"<https://w3id.org/migrakg/id/objective/{n}> a skos:Concept ;(.*?)\s\.\n", ttl, re.S)
        assert block and f'skos:definition "{title}"@es' in block.group(1), n


@pytest.fixture(scope="module")
def printed(corpus):
    return [a for a in corpus.actions if a.objective and a.report != "2023-infografia"]


@pytest.fixture(scope="module")
def boxes():
    info, lines, _ = parse_layout("infografia_2023")
    return infografia_2023.highlights(lines, info)


def test_method_finds_most_printed_objectives_when_left_out(printed):
    sample = printed[::4]  # a quarter of the actions, every edition, in key order
    accuracy = leave_one_out_accuracy(sample)
    # 23 objectives: the most frequent one (7) alone is right for about 1 action in 8
    largest = max(sum(a.objective == n for a in sample) for n in range(1, 24)) / len(sample)
    assert accuracy >= 0.4 > largest, (accuracy, largest)


def test_infographic_boxes_are_placed_with_their_evidence(boxes, printed):
    placed = place_actions(boxes, printed)
    assert [a.number for a in placed] == [a.number for a in boxes]
    by_title = {a.title: a for a in placed}
    # a reader places remittances under objective 20 and health fairs under 15 (basic services)
    assert by_title["2x1 para Migrantes"].objective == 20
    assert by_title["Ferias de Promoción de la Salud para Población Migrante"].objective == 15
    for a in placed:
        assert 1 <= a.objective <= 23 and a.key.startswith(f"2023-{a.chapter}-o{a.objective:02d}-")
        field, note = a.derivation[-1]
        assert field == "objective" and note.startswith("inferred, not printed") and "nearest 20" in note


def test_nothing_to_infer_from_is_an_error_with_the_place(boxes):
    with pytest.raises(ValueError, match=r"2023-infografia.txt:\d+: no objective printed"):
        place_actions(boxes, [])
