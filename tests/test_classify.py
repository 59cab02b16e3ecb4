"""Derived classifications (issue 7): rule files, classifiers, the hand-labelled sets and their evaluation."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ingest.classify import sample
from ingest.classify.action_types import ACTION_TYPE_SLUGS, classify_action_types
from ingest.classify.challenges import CATEGORY_SLUGS, classify_challenge
from ingest.classify.evaluate import (
    DEFAULT_DATA,
    TARGETS,
    LabelFileError,
    Scores,
    evaluate_challenges,
    run_evaluation,
)
from ingest.classify.primary import PRIMARY_SLUGS, primary_population
from ingest.classify.rules import load_rules
from ingest.populations import POPULATION_SLUGS

DATA = DEFAULT_DATA


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# -- rule files and classifiers ----------------------------------------------------------------------------


def test_rule_files_cover_the_vocabularies():
    from ingest.classify import action_types, challenges

    assert {r.slug for r in challenges.rules().rules} == set(CATEGORY_SLUGS)
    assert {r.slug for r in action_types.rules().rules} == set(ACTION_TYPE_SLUGS)
    assert challenges.rules().fallback == "otros"


def test_unknown_slug_in_a_rule_file_is_an_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\n[[label]]\nslug = "no-such-category"\npatterns = ["x"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown slug 'no-such-category'"):
        load_rules(str(bad), CATEGORY_SLUGS)


def test_challenge_categories_multi_label_primary_first_with_evidence():
    cats, method = classify_challenge("Falta de presupuesto y de coordinación con los municipios.")
    assert cats[0] == "falta-recursos"
    assert "coordinacion-interinstitucional" in cats
    assert "«presupuesto»" in method and method.startswith("challenge rules v2")
    cats, _ = classify_challenge("Coordinación con los municipios, aunque falta presupuesto.")
    assert cats[:2] == ("coordinacion-interinstitucional", "falta-recursos")


def test_unmatched_reto_is_otros_and_says_so():
    cats, method = classify_challenge("Lorem ipsum dolor sit amet.")
    assert cats == ("otros",)
    assert "no rule matched" in method


def test_unmatched_reto_with_known_words_goes_to_the_model_and_says_so():
    cats, method = classify_challenge("Las peticiones a las embajadas tardan.")
    assert len(cats) == 1 and cats[0] in CATEGORY_SLUGS
    assert "no rule matched" in method and "challenge model v1" in method and "(p=" in method


def test_stored_model_was_trained_on_the_current_development_retos():
    """Relabelling or extending challenges_dev.csv needs `python -m ingest.classify.model` (the digest tells)."""
    from ingest.classify.model import TRAINED, digest, load_model

    model = load_model("challenges")
    assert model is not None and set(model.labels) == set(CATEGORY_SLUGS)
    assert f"sha256:{digest(DATA / TRAINED['challenges'])}" in model.trained_on
    assert "_test" not in model.trained_on


def test_stored_action_type_model_was_trained_on_the_current_development_actions():
    """Relabelling or extending actions_dev.csv needs `python -m ingest.classify.model` (the digest tells)."""
    from ingest.classify.model import TRAINED, digest, load_model

    model = load_model("action_types")
    assert model is not None and set(model.labels) == set(ACTION_TYPE_SLUGS)
    assert f"sha256:{digest(DATA / TRAINED['action_types'])}" in model.trained_on
    assert "_test" not in model.trained_on


def test_action_type_model_changes_are_in_the_method(monkeypatch):
    import ingest.classify.action_types as at

    _, plain = classify_action_types("TALLER DE CAPACITACIÓN", "Se capacitó al personal en derechos humanos.")
    monkeypatch.setattr(at, "VETO", 1.1)  # every rule's type dropped, each named in the method
    types, method = classify_action_types("TALLER DE CAPACITACIÓN", "Se capacitó al personal en derechos humanos.")
    assert "capacitacion" in plain and "dropped capacitacion" in method and "capacitacion" not in types
    monkeypatch.setattr(at, "VETO", 0.0)
    monkeypatch.setattr(at, "ADD", 0.0)  # every other type added, with its probability
    types, method = classify_action_types("Sin tipo", "Nada que ver.")
    assert set(types) == set(ACTION_TYPE_SLUGS) and "no rule matched" in method and "added" in method


def test_accents_and_case_do_not_matter():
    assert classify_challenge("DIFUSIÓN")[0] == classify_challenge("difusion")[0] == ("difusion-informacion",)


def test_action_types_from_title_and_description():
    types, method = classify_action_types("TALLER DE CAPACITACIÓN", "Se capacitó al personal en derechos humanos.")
    assert types[0] == "capacitacion"
    assert "action-type rules v2" in method
    assert classify_action_types("Sin tipo", "Nada que ver.")[0] == ()
    types, _ = classify_action_types("Estudio sobre migración", "Investigación de la movilidad.")
    assert "productos-investigacion" in types and "generacion-informacion" in types  # implied


@pytest.mark.parametrize(
    ("populations", "title", "actors", "expected"),
    [
        (("mexicanos-exterior",), "Programa", (), "mexicanos-exterior"),
        (("nna", "refugiados-solicitantes"), "Programa", (), "extranjeros"),
        ((), "Programa", (), "no-especificado"),
        ((), "Programa", ("INM",), "extranjeros"),
        ((), "Programa", ("SRE",), "mexicanos-exterior"),
        (("retornados", "mexicanos-exterior"), "Apoyo a connacionales repatriados", (), "retornados"),
        (("extranjeros", "mexicanos-exterior"), "Connacionales y personas extranjeras", (), "mexicanos-exterior"),
        (("extranjeros", "mexicanos-exterior"), "Personas extranjeras y connacionales", (), "extranjeros"),
        ((), "Programa", ("Chiapas",), "extranjeros"),
    ],
)
def test_primary_population(populations, title, actors, expected):
    group, why = primary_population(populations, title, "", actors)
    assert group == expected and why


def _action(title: str, description: str, populations: tuple[str, ...], gender_focus: bool = False):
    from ingest.records import Action, SourceSpan

    span = SourceSpan("2024-test.txt", 1, 5)
    return Action(
        edition=2024, report="2024-test", chapter="apf", objective=1, number=1, title=title, actor_text="SRE",
        description=description, source=span, populations=populations, gender_focus=gender_focus,
    )  # fmt: skip


def test_population_first_named_late_in_the_description_is_dropped_and_noted():
    from ingest.classify.scope import WINDOW, refine_populations

    late = "x" * WINDOW + ". Participan organizaciones que atienden a personas refugiadas."
    action = _action("PROGRAMA", "Atención a personas mexicanas en el exterior. " + late, ("mexicanos-exterior",
                     "refugiados-solicitantes"))  # fmt: skip
    refined = refine_populations(action)
    assert refined.populations == ("mexicanos-exterior",)
    assert "dropped: refugiados-solicitantes" in dict(refined.derivation)["populations"]
    # women stay with a gender focus, persons with disabilities always (the focus flags are those populations)
    kept = refine_populations(_action("PROGRAMA", late + " Mujeres. Discapacidad.", ("mujeres", "discapacidad"), True))
    assert kept.populations == ("mujeres", "discapacidad")


# -- the corpus as enriched ----------------------------------------------------------------------------------


def test_every_reto_is_categorised_with_its_method(corpus):
    retos = [c for a in corpus.actions for c in a.challenges]
    assert len(retos) > 600
    for c in retos:
        assert c.categories and set(c.categories) <= set(CATEGORY_SLUGS)
        assert c.category_method.startswith("challenge rules v2")
        assert len(set(c.categories)) == len(c.categories)


def test_every_action_has_types_and_primary_population_traced(corpus):
    for a in corpus.actions:
        assert set(a.action_types) <= set(ACTION_TYPE_SLUGS)
        assert a.primary_population in PRIMARY_SLUGS
        notes = dict(a.derivation)
        assert notes["action_types"].startswith("action-type rules v2")
        assert notes["primary_population"].startswith("primary population v1")
        assert set(a.populations) <= set(POPULATION_SLUGS)
    typed = sum(1 for a in corpus.actions if a.action_types)
    assert typed / len(corpus.actions) > 0.85


# -- the hand-labelled sets ----------------------------------------------------------------------------------


def test_labelled_sets_have_the_required_sizes():
    assert len(_rows("challenges_test.csv")) >= 150
    assert len(_rows("actions_test.csv")) >= 100
    pairs = _rows("programme_pairs_test.csv")
    assert sum(r["same_programme"] == "yes" for r in pairs) >= 40
    assert sum(r["same_programme"] == "no" for r in pairs) >= 40


def test_labels_use_known_slugs_and_test_dev_do_not_overlap():
    for split in ("test", "dev"):
        for r in _rows(f"challenges_{split}.csv"):
            assert r["categories"] and set(r["categories"].split("|")) <= set(CATEGORY_SLUGS), r["id"]
        for r in _rows(f"actions_{split}.csv"):
            assert set(filter(None, r["action_types"].split("|"))) <= set(ACTION_TYPE_SLUGS), r["key"]
            assert set(filter(None, r["populations"].split("|"))) <= set(POPULATION_SLUGS), r["key"]
            assert r["primary_population"] in PRIMARY_SLUGS, r["key"]
    assert not {r["id"] for r in _rows("challenges_test.csv")} & {r["id"] for r in _rows("challenges_dev.csv")}
    assert not {r["key"] for r in _rows("actions_test.csv")} & {r["key"] for r in _rows("actions_dev.csv")}
    test_pairs = {(r["a"], r["b"]) for r in _rows("programme_pairs_test.csv")}
    assert not test_pairs & {(r["a"], r["b"]) for r in _rows("programme_pairs_dev.csv")}


def test_labelled_sets_are_the_fixed_seed_samples(corpus):
    """The files hold exactly the records the documented sampler draws (tests/data/README.md)."""
    test, dev = sample.sample_challenges(sample.sampled_actions(corpus.reports), *sample.SIZES["challenges"])
    assert [r["id"] for r in test] == [r["id"] for r in _rows("challenges_test.csv")]
    assert [r["id"] for r in dev] == [r["id"] for r in _rows("challenges_dev.csv")]
    test, dev = sample.sample_actions(sample.sampled_actions(corpus.reports), *sample.SIZES["actions"])
    assert [r["key"] for r in test] == [r["key"] for r in _rows("actions_test.csv")]
    assert [r["key"] for r in dev] == [r["key"] for r in _rows("actions_dev.csv")]
    test, dev = sample.sample_pairs(sample.sampled_actions(corpus.reports))
    assert [(r["a"], r["b"]) for r in test] == [(r["a"], r["b"]) for r in _rows("programme_pairs_test.csv")]
    assert [(r["a"], r["b"]) for r in dev] == [(r["a"], r["b"]) for r in _rows("programme_pairs_dev.csv")]


# -- evaluation ----------------------------------------------------------------------------------------------


def test_scores_arithmetic():
    s = Scores()
    s.add(["a", "b"], ["a", "c"])
    s.add(["a"], ["a"])
    assert s.prf("a") == (1.0, 1.0, 1.0)
    assert s.prf("b") == (0.0, 0.0, 0.0)
    p, r, f = s.prf()
    assert (p, r) == (2 / 3, 2 / 3) and f == pytest.approx(2 / 3)


def _recount_challenges(path: Path, corpus) -> float:
    """An independent micro-F1 from the CSV file and the corpus (no evaluate.py code)."""
    actions = {a.key: a for a in corpus.actions}
    tp = fp = fn = 0
    for r in csv.DictReader(path.open(encoding="utf-8", newline="")):
        key, _, i = r["id"].partition("#")
        gold, pred = set(r["categories"].split("|")), set(actions[key].challenges[int(i) - 1].categories)
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    return 2 * tp / (2 * tp + fp + fn)


def test_evaluation_runs_and_figures_come_from_the_files(corpus, tmp_path):
    results = run_evaluation(corpus, DATA, "test")
    assert set(results) == {*TARGETS, "primary_population"}
    assert results["challenge_categories"].records == len(_rows("challenges_test.csv"))
    assert results["programme_links"].records == len(_rows("programme_pairs_test.csv"))
    assert results["challenge_categories"].micro_f1 == pytest.approx(
        _recount_challenges(DATA / "challenges_test.csv", corpus)
    )
    # change one gold label in a copy of the files: the figure changes with it
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    rows = _rows("challenges_test.csv")
    rows[0]["categories"] = (
        "acceso-estaciones-migratorias" if rows[0]["categories"] != "acceso-estaciones-migratorias" else "otros"
    )
    with (copy / "challenges_test.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    changed = run_evaluation(corpus, copy, "test")["challenge_categories"].micro_f1
    assert changed < results["challenge_categories"].micro_f1
    assert changed == pytest.approx(_recount_challenges(copy / "challenges_test.csv", corpus))


def test_bad_label_file_is_a_clear_error(corpus, tmp_path):
    actions = {a.key: a for a in corpus.actions}
    path = tmp_path / "c.csv"
    path.write_text("id,categories,text\n2024-apf-o99-01#1,otros,x\n", encoding="utf-8")
    with pytest.raises(LabelFileError, match="no reto '2024-apf-o99-01#1'"):
        evaluate_challenges(path, actions)
    path.write_text("id,text\n", encoding="utf-8")
    with pytest.raises(LabelFileError, match="missing column"):
        evaluate_challenges(path, actions)
    with pytest.raises(LabelFileError, match="not found"):
        evaluate_challenges(tmp_path / "none.csv", actions)


#: Regression floors on the held-out test sets: the figures measured when the rules were last tuned (bench/RESULTS.md,
#: "Enrichment evaluation"), rounded down. They are NOT the targets of issue 7, none of which is reached on the test
#: sets (the test figures are reported as measured); they only stop a rule change from silently making things worse.
FLOORS = {
    "challenge_categories": 0.70,
    "action_types": 0.66,
    "populations": 0.75,
    "primary_population": 0.70,
    "programme_links": 0.88,
}


def test_held_out_figures_do_not_regress(corpus):
    results = run_evaluation(corpus, DATA, "test")
    for name, floor in FLOORS.items():
        assert results[name].micro_f1 >= floor, (name, results[name].micro_f1)
