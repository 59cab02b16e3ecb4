"""Small hand-made and synthetic records for tests and benchmarks (no corpus needed)."""

from __future__ import annotations

import random

from graph.build_rdf import InstitutionInfo
from ingest.records import (
    Action,
    CategoryDefinition,
    Challenge,
    ParsedReport,
    ReportInfo,
    SourceSpan,
    StatedGoal,
    StatedStatistic,
)

REPORT_2024 = ReportInfo(
    slug="2024-compendio-general",
    file="2024-compendio-general.txt",
    year=2024,
    title="Compendio General 2024. Pacto Mundial para una Migración Segura, Ordenada y Regular en México",
    issued="2024-11-21",
    period_start="2023-06-01",
    period_end="2024-06-30",
    layout="compendio_2024",
    kind="actions",
)
REPORT_2020 = ReportInfo(
    slug="2020-compendio-general",
    file="2020-compendio-general.txt",
    year=2020,
    title="Compendio General 2020. Pacto Mundial para una Migración Segura, Ordenada y Regular",
    issued="2020-09-18",
    period_start="2019-06-01",
    period_end="2020-06-30",
    layout="compendio_2020",
    kind="actions",
)
REPORT_INFORME = ReportInfo(
    slug="2024-informe-ejecutivo",
    file="2024-informe-ejecutivo.txt",
    year=2024,
    title="Informe Ejecutivo 2024",
    issued="2024-12-31",
    period_start="2023-06-01",
    period_end="2024-06-30",
    layout="informe_ejecutivo_2024",
    kind="summary",
)

INSTITUTIONS: tuple[InstitutionInfo, ...] = (
    InstitutionInfo("SEGOB", "segob", "Secretaría de Gobernación", actor_type="APF"),
    InstitutionInfo(
        "INM", "inm", "Instituto Nacional de Migración", ("Instituto Nacional de Migración (INM)",), "APF", "SEGOB"
    ),
    InstitutionInfo("SRE", "sre", "Secretaría de Relaciones Exteriores", actor_type="APF"),
    InstitutionInfo("COMAR", "comar", "Comisión Mexicana de Ayuda a Refugiados", actor_type="APF", parent="SEGOB"),
    InstitutionInfo("CNDH", "cndh", "Comisión Nacional de los Derechos Humanos", actor_type="OCA"),
    InstitutionInfo("SCJN", "scjn", "Suprema Corte de Justicia de la Nación", actor_type="PODER_JUDICIAL"),
    InstitutionInfo(
        "OIM", "oim", "Organización Internacional para las Migraciones", actor_type="organismo-internacional"
    ),
    InstitutionInfo(
        "ACNUR",
        "acnur",
        "Alto Comisionado de las Naciones Unidas para los Refugiados",
        actor_type="ORGANISMO_INTERNACIONAL",
        wikidata="Q132551",
    ),
    InstitutionInfo(
        "UNICEF",
        "unicef",
        "Fondo de las Naciones Unidas para la Infancia",
        actor_type="organismo-internacional",
        wikidata="Q740308",
    ),
    InstitutionInfo("CAFAMI", "cafami", "Centro de Atención a la Familia Migrante Indígena", actor_type="OSC"),
    InstitutionInfo(
        "Campeche",
        "estado-04",
        "Gobierno del estado de Campeche",
        actor_type="ENTIDAD_FEDERATIVA",
        state_inegi="04",
    ),
    InstitutionInfo(
        "Chiapas", "estado-07", "Gobierno del estado de Chiapas", actor_type="ENTIDAD_FEDERATIVA", state_inegi="07"
    ),
)


def span(file: str, start: int, end: int | None = None, quote: str = "") -> SourceSpan:
    """A source span (end defaults to start)."""
    return SourceSpan(file, start, end if end is not None else start, quote)


def sample_reports() -> tuple[ParsedReport, ...]:
    """Three small reports: 2024 compendium (5 actions), 2020 compendium (2), Informe Ejecutivo (figures)."""
    f24, f20, fie = REPORT_2024.file, REPORT_2020.file, REPORT_INFORME.file
    a1 = Action(
        edition=2024,
        report=REPORT_2024.slug,
        chapter="ef",
        objective=1,
        number=2,
        title="COLABORACIÓN CON LA VENTANILLA DE ATENCIÓN A PERSONAS MIGRANTES DE LA OIM",
        actor_text="CAMPECHE",
        description="Atención a personas migrantes en coordinación con la OIM.",
        source=span(f24, 6011, 6046, "2. COLABORACIÓN CON LA VENTANILLA"),
        results="Se atendieron 120 personas.",
        challenges=(
            Challenge("Falta de recursos humanos.", span(f24, 6040, 6041), ("falta-recursos",), "keywords"),
            Challenge("Coordinación con municipios.", span(f24, 6042, 6043), ("coordinacion-interinstitucional",)),
        ),
        actors=("Campeche",),
        state="Campeche",
        partners=("OIM",),
        populations=("extranjeros", "mujeres"),
        action_types=("colaboracion-coordinacion",),
        gender_focus=True,
        disability_focus=True,
        derivation=(("populations", "keywords"),),
    )
    a2 = Action(
        edition=2024,
        report=REPORT_2024.slug,
        chapter="ef",
        objective=1,
        number=3,
        title="ALBERGUE ESTATAL PARA NIÑAS, NIÑOS Y ADOLESCENTES",
        actor_text="CHIAPAS",
        description="Albergue con apoyo de UNICEF y ACNUR.",
        source=span(f24, 6050, 6080),
        has_results=False,
        no_challenges_reported=True,
        actors=("Chiapas",),
        state="Chiapas",
        partners=("UNICEF", "ACNUR"),
        populations=("nna",),
    )
    a3 = Action(
        edition=2024,
        report=REPORT_2024.slug,
        chapter="apf",
        objective=1,
        number=1,
        title="DERECHO Y ACCESO A LA SALUD DE LOS MIGRANTES",
        actor_text="INM",
        description="Programa del INM con OIM y ACNUR.",
        source=span(f24, 165, 190),
        results="Mil consultas.",
        actors=("INM",),
        partners=("OIM", "ACNUR"),
        populations=("extranjeros",),
        action_types=("servicios-salud",),
    )
    a4 = Action(
        edition=2024,
        report=REPORT_2024.slug,
        chapter="apf",
        objective=4,
        number=1,
        title="EXPEDICIÓN DE DOCUMENTOS MIGRATORIOS",
        actor_text="INM, COMAR",
        description="Tarjetas de visitante.",
        source=span(f24, 1580, 1600),
        actors=("INM", "COMAR"),
        partners=("ACNUR",),
        action_types=("documentos-identidad",),
    )
    a5 = Action(
        edition=2024,
        report=REPORT_2024.slug,
        chapter="osc",
        objective=4,
        number=1,
        title="ACOMPAÑAMIENTO A FAMILIAS",
        actor_text="CAFAMI",
        description="Acompañamiento.",
        source=span(f24, 10296, 10310),
        actors=("CAFAMI",),
        partners=("OIM", "ACNUR"),
        populations=("familias",),
    )
    b1 = Action(
        edition=2020,
        report=REPORT_2020.slug,
        chapter="apf",
        objective=1,
        number=1,
        title="Encuesta sobre Migración",
        actor_text="SRE",
        description="Encuesta anual.",
        source=span(f20, 100, 120),
        actors=("SRE",),
        partners=("OIM",),
    )
    b2 = Action(
        edition=2020,
        report=REPORT_2020.slug,
        chapter="oca",
        objective=7,
        number=1,
        title="Quejas por violaciones a derechos humanos",
        actor_text="CNDH",
        description="Atención de quejas.",
        source=span(f20, 200, 230),
        actors=("CNDH",),
        partners=("GIZ",),
    )
    stats = (
        StatedStatistic(
            REPORT_INFORME.slug, "challenge_category_count", 58.0, span(fie, 541), (("category", "falta-recursos"),)
        ),
        StatedStatistic(
            REPORT_INFORME.slug, "actions", 12.0, span(fie, 133), (("actor_type", "APF"), ("objective", "1"))
        ),
        StatedStatistic(
            REPORT_INFORME.slug,
            "population_share",
            54.0,
            span(fie, 506),
            (("population", "extranjeros"),),
            unit="percent",
        ),
    )
    cats = (
        CategoryDefinition(
            "falta-recursos",
            "Falta de recursos financieros, materiales, humanos y tecnológicos",
            "Se refiere a la obtención…",
            span(fie, 639, 641),
        ),
    )
    goal = StatedGoal(2020, REPORT_2020.slug, 1, 1, "Fortalecer la encuesta.", span(f20, 130, 131))
    return (
        ParsedReport(REPORT_2024, actions=(a1, a2, a3, a4, a5)),
        ParsedReport(REPORT_2020, actions=(b1, b2), goals=(goal,)),
        ParsedReport(REPORT_INFORME, statistics=stats, categories=cats),
    )


def synthetic_reports(n_actions: int, seed: int = 7) -> tuple[ParsedReport, ...]:
    """One synthetic 2024 compendium with ``n_actions`` valid, varied actions (for timing)."""
    rng = random.Random(seed)
    populations = ["extranjeros", "mexicanos-exterior", "nna", "mujeres", "retornados", "familias"]
    categories = ["falta-recursos", "coordinacion-interinstitucional", "difusion-informacion", "otros"]
    partners = [i.acronym for i in INSTITUTIONS if i.actor_type.lower().startswith("organismo")]
    by_chapter = {
        "apf": ["INM", "SRE", "COMAR", "SEGOB"],
        "ef": ["Campeche", "Chiapas"],
        "pj": ["SCJN"],
        "oca": ["CNDH"],
        "osc": ["CAFAMI"],
    }
    counters: dict[tuple[str, int], int] = {}
    actions = []
    line = 100
    for _ in range(n_actions):
        chapter = rng.choice(list(by_chapter))
        objective = rng.randint(1, 23)
        number = counters[(chapter, objective)] = counters.get((chapter, objective), 0) + 1
        actor = rng.choice(by_chapter[chapter])
        start = line
        line += rng.randint(15, 40)
        challenges = tuple(
            Challenge(f"Reto {k} de la acción.", span(REPORT_2024.file, start + 10 + k), (rng.choice(categories),))
            for k in range(rng.randint(0, 3))
        )
        actions.append(
            Action(
                edition=2024,
                report=REPORT_2024.slug,
                chapter=chapter,
                objective=objective,
                number=number,
                title=f"PROGRAMA {number} DEL OBJETIVO {objective} – {actor.upper()}",
                actor_text=actor.upper(),
                description="Descripción de la acción " * rng.randint(3, 30),
                source=span(REPORT_2024.file, start, line - 1),
                results="Resultados " * rng.randint(0, 20),
                challenges=challenges,
                no_challenges_reported=not challenges,
                actors=(actor,),
                state=actor if chapter == "ef" else None,
                partners=tuple(rng.sample(partners, rng.randint(0, 2))),
                populations=tuple(rng.sample(populations, rng.randint(0, 3))),
                gender_focus=rng.random() < 0.25,
                disability_focus=rng.random() < 0.3,
            )
        )
    return (ParsedReport(REPORT_2024, actions=tuple(actions)),)


def main(argv: list[str] | None = None) -> None:
    """Time build, SHACL validation, store load and a query on ``N`` synthetic actions.

    ``python -m graph.synthetic 400``
    """
    import sys
    import time

    from graph.build_rdf import build_dataset, to_nquads, union_graph
    from graph.queries import actions_per_objective_and_actor_type
    from graph.store import EmbeddedBackend, memory_store
    from graph.uris import Minter
    from graph.validate import validate_graph

    n = int((argv if argv is not None else sys.argv[1:] or ["400"])[0])
    reports = synthetic_reports(n)
    t0 = time.perf_counter()
    ds = build_dataset(reports, INSTITUTIONS, Minter(), "2026-01-01T00:00:00Z")
    t1 = time.perf_counter()
    graph = union_graph(ds)
    t2 = time.perf_counter()
    result = validate_graph(graph)
    t3 = time.perf_counter()
    backend = EmbeddedBackend(memory_store(to_nquads(ds)))
    t4 = time.perf_counter()
    rows = actions_per_objective_and_actor_type(backend, 2024)
    t5 = time.perf_counter()
    assert sum(int(r["actions"] or 0) for r in rows) == n
    print(
        f"{n} actions, {len(graph)} triples: build {t1 - t0:.2f} s, SHACL {t3 - t2:.2f} s "
        f"(conforms={result.conforms}), N-Quads + store load {t4 - t3:.2f} s, query {1000 * (t5 - t4):.1f} ms"
    )


if __name__ == "__main__":
    main()
