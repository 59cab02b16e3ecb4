"""Tests for the institution registry (ingest/registry.py) and the states (ingest/places.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.places import load_states, state_by_inegi, state_by_name
from ingest.records import GlossaryTerm, SourceSpan
from ingest.registry import ACTOR_TYPES, CATCH_ALL, build_registry, load_curated

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def registry():
    return load_curated()


# Every actor form listed in design/corpus-formats.md ("Actor separator", "Actors with more than one
# institution", "Actor only in parentheses", "Actor typos and variants"), as the heading prints it after
# the dash (line numbers of 2024-compendio-general.txt), plus the 2020 parenthesised forms.
# Expected: (actors, partners named in the actor text).
ACTOR_FORMS = [
    ("SEGOB (UPMRIP)", ("UPMRIP",), ()),  # 382
    ("SEGOB (UPMRIP).", ("UPMRIP",), ()),
    ("UPMRIP", ("UPMRIP",), ()),  # 3115: bare UPMRIP is the same node
    ("SEGOB (CONAPO)", ("CONAPO",), ()),  # 710
    ("SEGOB (RENAPO)", ("RENAPO",), ()),  # 1661, no final period
    ("SRE (AMEXCID)", ("AMEXCID",), ()),  # 1054
    ("SEMARNAT (INECC)", ("INECC",), ()),
    ("STPS (SNE)", ("SNE",), ()),
    ("STPS Y SRE", ("STPS", "SRE"), ()),  # 1926
    ("INM (EN COORDINACIÓN CON ANAM, SEDATU, SE)", ("INM",), ("ANAM", "SEDATU", "SE")),  # 1253-1254
    ("AMEXCID -SRE (ENCOORDINACIÓN CON LA UPMRIP)", ("AMEXCID",), ("UPMRIP",)),  # 4629-4631
    ("AMEXCID – SRE", ("AMEXCID",), ()),  # 3783
    ("UPMRIP – SRE (IMME)", ("UPMRIP", "IME"), ()),  # 5693
    ("SEGOB (UPMRIP) - SRE", ("UPMRIP", "SRE"), ()),  # 5934
    ("SESNSP -CNI", ("CNI",), ()),  # 3364
    ("SEMARNAT- IMTA", ("IMTA",), ()),  # 4501
    ("IMPI (EN COLABORACIÓN CON EL IMME)", ("IMPI",), ("IME",)),  # 5602-5603
    ("-SCJN – UGCCDH", ("UGCCDH",), ()),  # 9607
    ("- SCJN – UGCCDH", ("UGCCDH",), ()),  # 9630
    ("PA", ("PA",), ()),  # 3730, actor only in parentheses
    ("INM", ("INM",), ()),  # 323 " - INM."
    ("GUERRERO", ("Guerrero",), ()),  # 6176 "”- GUERRERO."
    ("TLAXCALA", ("Tlaxcala",), ()),  # 6245 "” –TLAXCALA."
    ("SRE", ("SRE",), ()),
    ("SHCP", ("SHCP",), ()),
    ("BIENESTAR", ("BIENESTAR",), ()),
    ("IDC", ("IDC",), ()),
    ("SIN FRONTERAS IAP", ("Sin Fronteras IAP",), ()),
    ("SIN  FRONTERAS IAP", ("Sin Fronteras IAP",), ()),  # 10614, double space
    ("SIN FONTERAS IAP", ("Sin Fronteras IAP",), ()),  # 10237, typo
    ("UNO DE SIETE MIGRANDO AC", ("Uno de Siete Migrando A.C.",), ()),
    ("UNO DE SIETE MIGRANDO A.C.", ("Uno de Siete Migrando A.C.",), ()),
    ("ESTADO DE MÉXICO", ("Estado de México",), ()),  # 6513
    ("CIUDAD DE MÉXICO", ("Ciudad de México",), ()),  # 7495
    ("BAJA CALIFORNIA SUR", ("Baja California Sur",), ()),
    ("QUINTANA ROO", ("Quintana Roo",), ()),
    ("MICHOACÁN", ("Michoacán",), ()),
    ("CHIHUAHUA", ("Chihuahua",), ()),  # 9058
    ("CONAPRED", ("CONAPRED",), ()),  # 4878, no final period
    # 2020 forms (the last parentheses of the heading)
    ("SHCP/SAT", ("SAT",), ()),
    ("SEMARNAT/CONAGUA", ("CONAGUA",), ()),
    ("CONACyT", ("CONAHCYT",), ()),
    ("CONACYT", ("CONAHCYT",), ()),
    ("SSA", ("SALUD",), ()),
    ("CIJ", ("CIJ",), ()),
    ("IMJUVE", ("IMJUVE",), ()),
    ("TELECOM", ("TELECOM",), ()),
]


@pytest.mark.parametrize(("printed", "actors", "partners"), ACTOR_FORMS, ids=[f[0] for f in ACTOR_FORMS])
def test_actor_forms(registry, printed, actors, partners):
    parsed = registry.parse_actor_text(printed, "apf")
    assert parsed.actors == actors
    assert parsed.partners == partners
    assert parsed.unknown == ()
    assert registry.split_actor_text(printed, "apf") == actors


def test_unknown_actor_is_kept_and_recorded():
    reg = load_curated()
    parsed = reg.parse_actor_text("SEGOB (XYZUNIT)", "apf")
    assert parsed.actors == ("SEGOB", "XYZUNIT")
    assert parsed.unknown == ("XYZUNIT",)
    assert reg.unknown_actors["XYZUNIT"] == 1
    assert reg.split_actor_text("", "apf") == ()


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        ("Secretaría de Relaciones Exteriores", "SRE"),
        ("secretaria de relaciones exteriores", "SRE"),
        ("la Secretaría de Gobernación", "SEGOB"),
        ("Instituto Nacional de Migración", "INM"),
        ("CONAHCYT", "CONAHCYT"),
        ("Consejo Nacional de Ciencia y Tecnología", "CONAHCYT"),
        ("PROC. AGRARIA", "PA"),
        ("Procuraduría Agraria", "PA"),
        ("IOM", "OIM"),
        ("UNHCR", "ACNUR"),
        ("Agencia de la ONU para los Refugiados", "ACNUR"),
        ("Organización Mundial del Trabajo", "OIT"),
        ("UNDOC", "UNODC"),
        ("ONUDD", "UNODC"),
        ("AMECID", "AMEXCID"),
        ("Centros de Integración Juvenil", "CIJ"),
        ("B.C.S.", "Baja California Sur"),
        ("CDMX", "Ciudad de México"),
        ("Gobierno del Estado de Tlaxcala", "Tlaxcala"),
    ],
)
def test_lookup_is_accent_and_case_insensitive(registry, text, acronym):
    found = registry.lookup(text)
    assert found is not None and found.acronym == acronym


def test_plain_mexico_is_not_a_state(registry):
    assert state_by_name("México") is None
    assert state_by_name("MEXICO") is None
    assert registry.lookup("México") is None
    assert state_by_name("Estado de México").inegi == "15"


@pytest.mark.parametrize(
    ("acronym", "parent"),
    [
        ("INM", "SEGOB"),
        ("UPMRIP", "SEGOB"),
        ("AMEXCID", "SRE"),
        ("CONAPO", "SEGOB"),
        ("RENAPO", "SEGOB"),
        ("INECC", "SEMARNAT"),
        ("SNE", "STPS"),
        ("IME", "SRE"),
        ("CNI", "SESNSP"),
        ("UGCCDH", "SCJN"),
        ("SAT", "SHCP"),
    ],
)
def test_parents(registry, acronym, parent):
    assert registry.get(acronym).parent == parent
    assert parent in registry.ancestors(acronym)


@pytest.mark.parametrize(
    ("acronym", "slug"),
    [
        ("INM", "inm"),
        ("OIM", "oim"),
        ("ACNUR", "acnur"),
        ("UPMRIP", "segob-upmrip"),
        ("UGCCDH", "scjn-ugccdh"),
        ("AMEXCID", "amexcid"),
        ("Chiapas", "estado-07"),
        ("Estado de México", "estado-15"),
        ("Sin Fronteras IAP", "sin-fronteras-iap"),
        ("ONU Mujeres", "onu-mujeres"),
        (CATCH_ALL, "gobierno-mx"),
    ],
)
def test_slugs(registry, acronym, slug):
    assert registry.slug(acronym) == slug


def test_slugs_are_unique_and_types_known(registry):
    slugs = [i.slug for i in registry]
    assert len(slugs) == len(set(slugs))
    assert {i.actor_type for i in registry} <= set(ACTOR_TYPES)


def test_cij_is_a_mexican_body_not_an_international_court(registry):
    cij = registry.get("CIJ")
    assert cij.actor_type == "APF"
    assert not cij.partner
    assert cij.wikidata is None


# Copied from design/reference/wikidata-ids.md: the only QIDs the registry may carry.
CHECKED_QIDS = {
    "ONU": "Q1065",
    "ACNUR": "Q132551",
    "UNICEF": "Q740308",
    "OIT": "Q54129",
    "OMS": "Q7817",
    "PNUD": "Q161718",
    "ONU Mujeres": "Q641576",
    "CEPAL": "Q32874",
    "FAO": "Q82151",
    "OCDE": "Q41550",
    "BID": "Q1153087",
    "BM": "Q320863",
    "OEA": "Q123759",
    "UE": "Q458",
}


def test_wikidata_only_from_the_checked_list(registry):
    carried = {i.acronym: i.wikidata for i in registry if i.wikidata}
    assert carried == CHECKED_QIDS
    for unconfirmed in ("OIM", "USAID", "CICR", "GIZ", "AMEXCID"):
        assert registry.get(unconfirmed).wikidata is None


def test_states():
    states = load_states()
    assert len(states) == 32
    assert [s.inegi for s in states] == [f"{i:02d}" for i in range(1, 33)]
    annex = [s.name for s in states if s.annex_2024]
    assert len(annex) == 22
    assert "Nuevo León" not in annex and "Baja California" not in annex
    assert state_by_inegi(7).name == "Chiapas"
    assert state_by_name("BAJA CALIFORNIA SUR").inegi == "03"
    assert state_by_name("Baja California").inegi == "02"


def test_states_are_institutions(registry):
    governments = registry.states()
    assert len(governments) == 32
    assert all(g.actor_type == "ENTIDAD_FEDERATIVA" and g.slug == f"estado-{g.inegi}" for g in governments)


def test_mentions_prefer_names_and_mask_them(registry):
    text = "con la Agencia de la ONU para los Refugiados y ONU-Mujeres, además de la OIM"
    assert [m.acronym for m in registry.mentions(text)] == ["ACNUR", "ONU Mujeres", "OIM"]


def test_glossary_terms_merge_as_alt_labels():
    span = SourceSpan("2024-compendio-general.txt", 10765, 10765)
    terms = [
        GlossaryTerm("INM", "Instituto Nacional de Migración", span, "apf"),
        GlossaryTerm("ACNUR", "Agencia de la ONU para los Refugiados", span, "otras"),
        GlossaryTerm("CURP", "Clave Única de Registro de Población", span, "otras"),
        GlossaryTerm("NUEVOX", "Nueva Comisión Federal de Prueba", span, "apf"),
        GlossaryTerm("", "Chiapas", span, "entidades"),
    ]
    reg = build_registry(terms)
    assert "glossary 2024-compendio-general.txt:10765" in reg.get("INM").sources
    assert [t.acronym for t in reg.glossary_other] == ["CURP"]
    assert reg.get("NUEVOX").actor_type == "APF"
    assert reg.lookup("Nueva Comisión Federal de Prueba").acronym == "NUEVOX"
    assert any(s.startswith("glossary") for s in reg.get("Chiapas").sources)
    assert reg.glossary_unmatched == []


def test_real_glossary_is_fully_accounted_for():
    """Every 2024 annex term is an institution of the registry, a state, or a declared non-institution."""
    layout = pytest.importorskip("ingest.layouts.compendio_2024", reason="2024 parser not written yet")
    from ingest.catalog import load_catalog
    from ingest.text import read_lines

    info = next(i for i in load_catalog(CORPUS) if i.slug == "2024-compendio-general")
    parsed = layout.parse(read_lines(CORPUS / info.file), info)
    assert len(parsed.glossary) > 150
    reg = build_registry(parsed.glossary)
    assert reg.glossary_unmatched == []
    added = [i.acronym for i in reg if all(s.startswith("glossary") for s in i.sources)]
    assert added == []  # every APF-section term is already curated
    assert reg.lookup("CONAHCYT").acronym == "CONAHCYT"
    assert reg.get("UPMRIP").alt_labels == ("Unidad de Política Migratoria",)
