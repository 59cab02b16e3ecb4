"""Search latency: whoosh (search/) side by side with SQLite FTS5 on the same documents and queries.

Run: python bench/bench_search.py [--sizes 400 4000] [--queries 200]

Documents are synthesized from real report prose (sentences and headings of the bundled 2024 and
2020 compendiums) with realistic institutions, partners, states, populations and objectives, plus
the 13 hand-written actions of tests/fixtures/search (built through the graph → documents path).
Every query asks for facets (9 facets, counted over the whole result set) and highlighted snippets
of the first page (10 hits); 1 in 3 queries also carries facet filters. FTS5 gets the same work:
MATCH + bm25 ordering + snippet() for the page, COUNT for the total, GROUP BY per facet.
Prints build time and size, then p50/p95 latency per engine and the whoosh/FTS5 ratio.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere, before the editable finder

from search import build_aliases, build_index, documents_from_store, open_index, search  # noqa: E402
from search.documents import SearchDocument  # noqa: E402
from search.index import FACETS, facet_values  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
FIXTURE = REPO / "tests" / "fixtures" / "search" / "actions.ttl"

INSTITUTIONS = ["INM", "SRE", "COMAR", "SEGOB", "SNDIF", "STPS", "SALUD", "IMSS", "SEP", "INEGI", "CONAPO", "FGR",
                "CNDH", "SCJN", "Sin Fronteras IAP", "IMUMI", "CAFAMI"]  # fmt: skip
PARTNERS = ["OIM", "ACNUR", "UNICEF", "OIT", "USAID", "GIZ", "CICR", "OCDE", "UNODC", "AMEXCID"]
STATES = ["Baja California Sur", "Campeche", "Colima", "Chiapas", "Chihuahua", "Ciudad de México", "Guanajuato",
          "Guerrero", "Hidalgo", "Estado de México", "Michoacán", "Morelos", "Oaxaca", "Puebla", "Quintana Roo",
          "Sinaloa", "Sonora", "Tabasco", "Tamaulipas", "Tlaxcala", "Veracruz"]  # fmt: skip
POPULATIONS = ["extranjeros", "mexicanos-exterior", "retornados", "nna", "mujeres", "indigenas", "lgbti",
               "discapacidad", "refugiados-solicitantes", "en-transito", "victimas", "trabajadores",
               "familias"]  # fmt: skip
CATEGORIES = ["falta-recursos", "coordinacion-interinstitucional", "capacitacion-servidores-publicos",
              "difusion-informacion", "falta-documentos", "marcos-normativos", "otros"]  # fmt: skip
ACTOR_TYPES = {"apf": "APF", "ef": "ENTIDAD_FEDERATIVA", "pj": "PODER_JUDICIAL", "oca": "OCA", "osc": "OSC"}

WORDS = ["migrantes", "información", "informacion", "refugio", "niñez", "salud", "trata", "capacitación",
         "derechos", "protección", "consular", "retorno", "albergue", "documentos", "identidad", "empleo",
         "educación", "mujeres", "violencia", "frontera", "asesoría", "OIM", "ACNUR", "UNHCR", "IOM",
         "Cancillería", "mexiquense", "chiapaneco", "regularización", "estadística", "vacunación", "jornaleros",
         "discriminación", "coordinación", "difusión", "repatriación", "asilo", "tránsito", "familias",
         "búsqueda"]  # fmt: skip
PHRASES = ["personas migrantes", "derechos humanos", "niñas, niños y adolescentes", "protección internacional",
           "situación migratoria", "servidores públicos", "condición de refugiado", "atención a migrantes"]  # fmt: skip
PREFIXES = ["migra", "refug", "capacit", "repatri", "document", "informa"]


def _prose(path: Path) -> tuple[list[str], list[str]]:
    """Sentences and upper-case headings of one report (hyphenation joined)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"([a-záéíóúñ])-\s*\n\s*([a-záéíóúñ])", r"\1\2", text)
    headings = []
    for line in text.splitlines():
        s = line.strip().strip(".").strip()
        letters = [c for c in s if c.isalpha()]
        if len(s.split()) >= 3 and letters and sum(c.isupper() for c in letters) / len(letters) > 0.9:
            headings.append(re.sub(r"^\d+\.\s*", "", s))
    flat = re.sub(r"\s+", " ", text)
    sentences = [
        s.strip() + "."
        for s in re.split(r"(?<=[a-záéíóú)])\.\s+(?=[A-ZÁÉÍÓÚ])", flat)
        if 8 <= len(s.split()) <= 45 and sum(c.isupper() for c in s) < len(s) * 0.2
    ]
    return sentences, headings


def fixture_documents() -> list[SearchDocument]:
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    return documents_from_store(store)


def synthesize(n: int, seed: int = 11) -> list[SearchDocument]:
    """``n`` documents: the fixture's, then synthetic ones made of real report prose."""
    rng = random.Random(seed)
    sentences, headings = [], []
    for name in ("2024-compendio-general.txt", "2020-compendio-general.txt"):
        s, h = _prose(CORPUS / name)
        sentences += s
        headings += h
    docs = fixture_documents()[:n]
    counters: dict[tuple[str, int, int], int] = {}
    while len(docs) < n:
        chapter = rng.choice(list(ACTOR_TYPES))
        edition = rng.choice([2024, 2024, 2024, 2020, 2018])
        objective = rng.randint(1, 23)
        number = counters[(chapter, edition, objective)] = counters.get((chapter, edition, objective), 0) + 1
        key = f"{edition}-{chapter}-o{objective:02d}-{number:02d}"
        state = rng.choice(STATES) if chapter == "ef" else None
        actor = state or rng.choice(INSTITUTIONS)
        partners = rng.sample(PARTNERS, rng.choice([0, 0, 1, 1, 2]))
        docs.append(
            SearchDocument(
                id=f"https://w3id.org/migrakg/id/action/{key}",
                key=key,
                title=rng.choice(headings),
                description=" ".join(rng.sample(sentences, rng.randint(2, 7))),
                results=" ".join(rng.sample(sentences, rng.randint(0, 3))),
                challenges=rng.sample(sentences, rng.randint(0, 3)),
                edition=edition,
                objective=objective,
                objective_title=f"Objetivo {objective}",
                institutions=[actor],
                institution_names=[actor],
                actor_types=[ACTOR_TYPES[chapter]],
                partners=sorted(partners),
                partner_names=list(partners),
                states=[state] if state else [],
                populations=sorted(rng.sample(POPULATIONS, rng.randint(0, 3))),
                challenge_categories=sorted(rng.sample(CATEGORIES, rng.randint(0, 2))),
            )
        )
    return [replace(d) for d in docs]


def make_queries(n: int, seed: int = 5) -> list[tuple[str, dict[str, list[str]]]]:
    """``n`` fixed (query, filters) pairs: words, pairs, phrases, prefixes, OR, aliases, with filters."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 6
        if kind == 0:
            q = rng.choice(WORDS)
        elif kind == 1:
            q = " ".join(rng.sample(WORDS, 2))
        elif kind == 2:
            q = f'"{rng.choice(PHRASES)}"'
        elif kind == 3:
            q = rng.choice(PREFIXES) + "*"
        elif kind == 4:
            q = " OR ".join(rng.sample(WORDS, 2))
        else:
            q = f"{rng.choice(WORDS)} {rng.choice(PHRASES).split()[-1]}"
        filters: dict[str, list[str]] = {}
        if i % 3 == 0:
            filters = {"edition": ["2024"], "actor_type": [rng.choice(list(ACTOR_TYPES.values()))]}
            if i % 2 == 0:
                filters["objective"] = [str(rng.randint(1, 23))]
        out.append((q, filters))
    return out


# --- SQLite FTS5 -----------------------------------------------------------------------------


def build_fts(docs: list[SearchDocument], path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(key UNINDEXED, title, description, results, challenges, actors, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE TABLE facet (docid INTEGER, facet TEXT, value TEXT)")
    for i, d in enumerate(docs, start=1):
        actors = " ".join(d.institutions + d.institution_names + d.partners + d.partner_names + d.states)
        db.execute(
            "INSERT INTO docs(rowid, key, title, description, results, challenges, actors) VALUES (?,?,?,?,?,?,?)",
            (i, d.key, d.title, d.description, d.results, "\n".join(d.challenges), actors),
        )
        for facet, values in facet_values(d).items():
            db.executemany("INSERT INTO facet VALUES (?,?,?)", [(i, facet, v) for v in values])
    db.execute("CREATE INDEX facet_fv ON facet(facet, value, docid)")
    db.execute("CREATE INDEX facet_doc ON facet(docid, facet, value)")
    db.execute("CREATE TEMP TABLE matched (docid INTEGER PRIMARY KEY)")
    db.commit()
    return db


def fts_match(q: str) -> str:
    """Our query syntax → FTS5 MATCH (words quoted, prefixes kept, OR kept, phrases kept)."""
    if q.startswith('"'):
        return '"' + q.strip('"').replace(",", "") + '"'
    parts = []
    for tok in q.split():
        if tok == "OR":
            parts.append("OR")
        elif tok.endswith("*"):
            parts.append(f'"{tok[:-1]}"*')
        else:
            parts.append(f'"{tok}"')
    return " ".join(parts)


def fts_search(db: sqlite3.Connection, q: str, filters: dict[str, list[str]], per_page: int = 10) -> dict:
    match = fts_match(q)
    # the matching rowids once (text match, then each facet filter), then hits, total and facet counts
    db.execute("DELETE FROM matched")
    db.execute("INSERT INTO matched SELECT rowid FROM docs WHERE docs MATCH ?", (match,))
    for facet, values in filters.items():
        marks = ",".join("?" * len(values))
        db.execute(
            f"DELETE FROM matched WHERE docid NOT IN (SELECT docid FROM facet WHERE facet = ? AND value IN ({marks}))",
            (facet, *values),
        )
    snippet = "key, title, snippet(docs, 2, '<mark>', '</mark>', ' … ', 24), bm25(docs, 0, 3, 1, 0.8, 0.7, 2)"
    if not filters:
        hits = db.execute(
            f"SELECT {snippet} FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 3, 1, 0.8, 0.7, 2) LIMIT ?",
            (match, per_page),
        ).fetchall()
    else:
        # "rowid IN (matched)" next to MATCH makes SQLite slow (0.6 s): rank in Python, then fetch the page
        allowed = {r[0] for r in db.execute("SELECT docid FROM matched")}
        ranked = db.execute("SELECT rowid, bm25(docs, 0, 3, 1, 0.8, 0.7, 2) FROM docs WHERE docs MATCH ?", (match,))
        page = sorted((score, rowid) for rowid, score in ranked if rowid in allowed)[:per_page]
        hits = [
            db.execute(f"SELECT {snippet} FROM docs WHERE docs MATCH ? AND rowid = ?", (match, rowid)).fetchone()
            for _, rowid in page
        ]
    total = db.execute("SELECT COUNT(*) FROM matched").fetchone()[0]
    facets: dict[str, dict[str, int]] = {}
    rows = db.execute(
        "SELECT f.facet, f.value, COUNT(*) FROM matched m JOIN facet f ON f.docid = m.docid GROUP BY f.facet, f.value"
    ).fetchall()
    for facet, value, count in rows:
        facets.setdefault(facet, {})[value] = count
    return {"total": total, "hits": hits, "facets": facets}


# --- driver ----------------------------------------------------------------------------------


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def bench(n: int, queries: list[tuple[str, dict[str, list[str]]]], workdir: Path) -> dict[str, float]:
    docs = synthesize(n)
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    aliases = build_aliases(store)
    ix_dir = workdir / f"whoosh-{n}"
    t0 = time.perf_counter()
    build_index(docs, ix_dir, aliases)
    build_w = time.perf_counter() - t0
    t0 = time.perf_counter()
    sx = open_index(ix_dir)
    open_w = time.perf_counter() - t0
    t0 = time.perf_counter()
    db = build_fts(docs, workdir / f"fts-{n}.sqlite")
    build_f = time.perf_counter() - t0

    for q, f in queries[:10]:  # warm caches for both
        search(sx, q, f)
        fts_search(db, q, f)
    lat_w, lat_f, totals_w, totals_f = [], [], [], []
    for q, f in queries:
        t0 = time.perf_counter()
        r = search(sx, q, f, per_page=10)
        lat_w.append((time.perf_counter() - t0) * 1000)
        totals_w.append(r["total"])
        t0 = time.perf_counter()
        rf = fts_search(db, q, f)
        lat_f.append((time.perf_counter() - t0) * 1000)
        totals_f.append(rf["total"])
    sx.close()
    db.close()
    return {
        "docs": n,
        "build_w": build_w,
        "open_w": open_w,
        "size_w": _dir_size(ix_dir) / 1e6,
        "build_f": build_f,
        "size_f": (workdir / f"fts-{n}.sqlite").stat().st_size / 1e6,
        "p50_w": statistics.median(lat_w),
        "p95_w": _pct(lat_w, 95),
        "p50_f": statistics.median(lat_f),
        "p95_f": _pct(lat_f, 95),
        "hits_w": statistics.mean(totals_w),
        "hits_f": statistics.mean(totals_f),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[400, 4000])
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    queries = make_queries(args.queries)
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        rows = [bench(n, queries, workdir) for n in args.sizes]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{len(queries)} queries, facets ({len(FACETS)}) and highlighted first page (10 hits) each")
    print(
        f"{'docs':>6} | {'whoosh build s':>14} {'open s':>6} {'MB':>5} | {'FTS5 build s':>12} {'MB':>5} | "
        f"{'whoosh p50/p95 ms':>18} | {'FTS5 p50/p95 ms':>16} | {'ratio p50/p95':>13} | {'mean hits w/f':>13}"
    )
    for r in rows:
        print(
            f"{r['docs']:>6} | {r['build_w']:>14.2f} {r['open_w']:>6.2f} {r['size_w']:>5.1f} | "
            f"{r['build_f']:>12.2f} {r['size_f']:>5.1f} | "
            f"{r['p50_w']:>8.1f} / {r['p95_w']:>7.1f} | {r['p50_f']:>7.1f} / {r['p95_f']:>6.1f} | "
            f"{r['p50_w'] / r['p50_f']:>6.1f} / {r['p95_w'] / r['p95_f']:>4.1f} | "
            f"{r['hits_w']:>6.0f} / {r['hits_f']:>4.0f}"
        )


if __name__ == "__main__":
    main()
