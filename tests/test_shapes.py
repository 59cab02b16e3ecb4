"""SHACL shapes: the valid fixture conforms; each invalid fixture fails at the expected focus and path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from graph.build_rdf import build_dataset, union_graph
from graph.concepts import ontology_graph
from graph.synthetic import INSTITUTIONS, sample_reports
from graph.uris import Minter
from graph.validate import load_shapes, locate, validate_graph

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
INVALID = sorted(FIXTURES.glob("invalid-*.ttl"))


def _with_ontology(path: Path) -> Graph:
    g = ontology_graph()
    g.parse(path, format="turtle")
    return g


def _expectations(path: Path) -> tuple[str, str]:
    head = path.read_text(encoding="utf-8").splitlines()[:3]
    focus = re.match(r"# expect-focus: <(.+)>$", head[1])
    expected_path = head[2].removeprefix("# expect-path:").strip()
    assert focus, f"{path.name}: header lacks '# expect-focus: <uri>'"
    return focus.group(1), expected_path


def test_valid_fixture_conforms():
    result = validate_graph(_with_ontology(FIXTURES / "valid.ttl"))
    assert result.conforms, result.text
    assert result.violations == ()


def test_there_are_enough_invalid_fixtures():
    assert len(INVALID) >= 15


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_at_expected_path(path: Path):
    focus, expected_path = _expectations(path)
    result = validate_graph(_with_ontology(path))
    conforms, report_graph, text = result
    assert not conforms
    assert len(report_graph) > 0 and "Conforms: False" in text
    hits = [v for v in result.violations if v.focus == focus and v.path == expected_path]
    assert hits, f"no violation at {focus} {expected_path!r}; got:\n" + "\n".join(map(str, result.violations))
    assert all(v.severity == "Violation" for v in hits)


def test_violations_point_back_to_corpus_lines():
    result = validate_graph(_with_ontology(FIXTURES / "invalid-challenge-category-unknown.ttl"))
    (hit,) = [v for v in result.violations if v.path == "mkg:challengeCategory"]
    # the challenge's own span
    assert (hit.source_file, hit.line) == ("2024-compendio-general.txt", 6040)
    assert str(hit).startswith("2024-compendio-general.txt:6040: Violation")
    result = validate_graph(_with_ontology(FIXTURES / "invalid-missing-title.ttl"))
    (hit,) = [v for v in result.violations if v.path == "dcterms:title"]
    assert hit.where == "2024-compendio-general.txt:6011"


def test_nested_results_become_details_of_the_top_level_violation():
    result = validate_graph(_with_ontology(FIXTURES / "invalid-objective-outside-scheme.ttl"))
    (hit,) = [v for v in result.violations if v.path == "mkg:objective"]
    assert "not a concept of mkg:GCMObjectives" in hit.message
    assert hit.value == "https://w3id.org/migrakg/id/objective/24"
    assert all(v.focus.startswith("https://w3id.org/migrakg/id/action/") for v in result.violations)


def test_locate_follows_challenge_to_action_when_challenge_has_no_span():
    g = _with_ontology(FIXTURES / "valid.ttl")
    challenge = "https://w3id.org/migrakg/id/challenge/2024-ef-o01-02-r01"
    from rdflib import URIRef

    from graph.namespaces import PROV

    g.remove((URIRef(challenge), PROV.wasDerivedFrom, None))
    assert locate(g, URIRef(challenge)) == ("2024-compendio-general.txt", 6011)


def test_built_sample_dataset_conforms():
    ds = build_dataset(sample_reports(), INSTITUTIONS, Minter(), "2026-01-01T00:00:00Z")
    result = validate_graph(ds)
    assert result.conforms, "\n".join(map(str, result.violations))


def test_built_dataset_with_other_base_conforms():
    ds = build_dataset(sample_reports(), INSTITUTIONS, Minter("http://localhost:8080/kg/"), "2026-01-01T00:00:00Z")
    g = union_graph(ds)
    assert not any(str(s).startswith("https://w3id.org/migrakg/id/") for s in g.subjects())
    result = validate_graph(g)
    assert result.conforms, "\n".join(map(str, result.violations))


def test_built_dataset_faults_are_caught():
    """Records with an unknown population and a stray challenge category fail, traced to their lines."""
    from dataclasses import replace

    from ingest.records import Challenge, SourceSpan

    r24, r20, rie = sample_reports()
    bad = replace(
        r24.actions[0],
        populations=("marcianos",),
        challenges=(Challenge("Inseguridad.", SourceSpan("2024-compendio-general.txt", 6044, 6045), ("inseguridad",)),),
    )
    reports = (replace(r24, actions=(bad, *r24.actions[1:])), r20, rie)
    result = validate_graph(build_dataset(reports, INSTITUTIONS, Minter(), "2026-01-01T00:00:00Z"))
    assert not result.conforms
    found = {(v.path, v.where) for v in result.violations}
    assert ("mkg:population", "2024-compendio-general.txt:6011") in found
    assert ("mkg:challengeCategory", "2024-compendio-general.txt:6044") in found


def test_shapes_graph_is_fresh_each_time():
    assert load_shapes() is not load_shapes()
