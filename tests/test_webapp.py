"""The web app on a real published build (Flask test client): every page, both languages, 404/400/500,
escaping, content negotiation, citations and the figures the pages show against the build's export."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from markupsafe import escape

from webapp import create_app

BASE = "https://w3id.org/migrakg/"
ACTION = "2024-ef-o01-02"  # Campeche with OIM as partner (contract §3 example)


@pytest.fixture(scope="module")
def app(published):
    data_dir, _result = published
    return create_app({"DATA_DIR": str(data_dir), "TESTING": False})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def export_rows(published) -> list[dict]:
    _data_dir, result = published
    path = Path(result.path) / "actions.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


PAGES = [
    "/",
    "/?edition=2024",
    "/?edition=2018",
    "/search",
    "/search?q=salud",
    "/search?q=salud&objective=15&actor_type=APF",
    "/search?q=salud&page=2",
    "/search?q=slaud",
    "/search?population=nna&sort=edition",
    "/about",
    f"/actions/{ACTION}",
    f"/actions/{ACTION}/source",
    "/institutions",
    "/institutions?actor_type=APF",
    "/institutions/inm",
    "/institutions/oim",
    "/institutions/estado-07",
    "/objectives",
    "/objectives/1",
    "/objectives/7",
    "/objectives/7?edition=2020",
    "/objectives/23",
    "/coverage",
    "/coverage?actor_type=ENTIDAD_FEDERATIVA&edition=2024",
    "/states",
    "/states/07",
    "/states/01",
    "/network",
    "/network?objective=7&edition=2024",
    "/network?focus=oim",
    "/quality",
    "/quality?status=differs",
    "/id/report/2024-compendio-general",
    "/id/population/nna",
    "/sources/2024-informe-ejecutivo.txt?line=103",
]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_both_languages(client, url, lang):
    sep = "&" if "?" in url else "?"
    resp = client.get(f"{url}{sep}lang={lang}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    body = resp.get_data(as_text=True)
    assert resp.mimetype == "text/html"
    assert f'<html lang="{lang}">' in body
    assert "<main" in body and "Traceback" not in body
    nav = "Búsqueda" if lang == "es" else "Search"
    assert f">{nav}<" in body


def test_language_from_accept_language_and_cookie(client):
    assert "Buscar acciones" in client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert "Search actions" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    resp = client.get("/about?lang=en", headers={"Accept-Language": "es"})
    assert "lang=en" in resp.headers["Set-Cookie"]
    # the cookie now wins over the browser's language
    assert "Search actions" in client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Buscar acciones" in client.get("/?lang=es").get_data(as_text=True)


def test_english_catalogue_covers_every_message():
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    po = root / "webapp/translations/en/LC_MESSAGES/messages.po"
    with open(po, "rb") as fh:
        catalog = read_po(fh)
    method_map = [("webapp/**.py", "python"), ("webapp/templates/**.html", "jinja2")]
    found = {
        msg if isinstance(msg, str) else msg[0]
        for _f, _l, msg, _c, _x in extract_from_dir(str(root), method_map, keywords={"_": None, "gettext": None})
        if not _f.startswith(("webapp/sparql", "webapp/api_network", "webapp/templates/sparql"))
    }
    missing = sorted(m for m in found if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, missing
    from babel.messages.mofile import read_mo

    with open(po.with_suffix(".mo"), "rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == {m.id: m.string for m in catalog if m.id}, "recompile: python -m webapp.i18n"


@pytest.mark.parametrize(
    "url",
    [
        "/actions/2099-apf-o01-01",
        "/actions/nope/source",
        "/actions/nope.json",
        f"/actions/{ACTION}/cite.doc",
        "/institutions/no-such-body",
        "/institutions/nope.json",
        "/objectives/0",
        "/objectives/24",
        "/objectives/99",
        "/states/99",
        "/states/abc",
        "/id/action/2099-apf-o01-01",
        "/id/institution/nope?format=ttl",
        "/id/unknown-kind/x",
        "/downloads/secret.txt",
        "/downloads/..%2Fmanifest.json",
        "/no/such/page",
        "/api/objectives/99/institutions",
        "/sources/nope.txt?line=1",
        "/sources/..%2Fmanifest.json",
    ],
)
def test_unknown_ids_answer_404(client, url):
    resp = client.get(url)
    assert resp.status_code == 404
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body
    if not url.startswith("/api/"):
        assert "Página no encontrada" in body and 'href="/"' in body


@pytest.mark.parametrize(
    "url",
    [
        "/?edition=abc",
        "/?edition=1999",
        "/objectives/7?edition=-1",
        "/coverage?actor_type=NOPE",
        "/coverage?edition=2024x",
        "/network?objective=99",
        "/network?edition=1",
        "/institutions?actor_type=%3Cscript%3E",
        "/quality?status=bogus",
        "/search?q=salud&page=0",
        "/search?q=salud&page=abc",
        "/search?sort=sideways",
        "/search?q=objetivo:abc",
        f"/id/action/{ACTION}?format=xml",
        "/sources/2024-informe-ejecutivo.txt?line=99999999",
        "/sources/2024-informe-ejecutivo.txt?from=50&to=10",
    ],
)
def test_bad_parameters_answer_400_with_a_page(client, url):
    resp = client.get(url)
    assert resp.status_code == 400, resp.status_code
    body = resp.get_data(as_text=True)
    assert "<h1>" in body and "Traceback" not in body


def test_unexpected_errors_give_a_friendly_500(published):
    data_dir, _ = published
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    resp = app.test_client().get("/boom")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body and "Error interno" in body


def test_nothing_published_is_a_503_page(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": False})
    resp = app.test_client().get("/")
    assert resp.status_code == 503
    assert "Todavía no hay una versión publicada" in resp.get_data(as_text=True)


HOSTILE = '<script>alert("x")</script>"\'><img src=x onerror=alert(1)>'


@pytest.mark.parametrize(
    "url",
    [
        "/search?q={h}",
        "/search?q=salud&state={h}",
        "/search?q=salud&institution={h}&partner={h}",
        "/search?q={h}&lang=en",
        "/network?focus={h}",
        "/?lang={h}",
        "/objectives/7?foo={h}",
        "/about?{h}={h}",
    ],
)
def test_html_in_parameters_comes_back_escaped(client, url):
    from urllib.parse import quote

    resp = client.get(url.replace("{h}", quote(HOSTILE)))
    body = resp.get_data(as_text=True)
    assert resp.status_code in (200, 400)
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "onerror=alert(1)>" not in body or "&lt;img" in body


def test_search_query_is_shown_escaped(client):
    body = client.get("/search", query_string={"q": HOSTILE}).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in body


def test_action_page_shows_every_field(client, export_rows):
    row = next(r for r in export_rows if r["id"].endswith(ACTION))
    body = client.get(f"/actions/{ACTION}").get_data(as_text=True)
    assert row["title"] in body
    assert "Campeche" in body and 'href="/institutions/oim"' in body
    assert f'href="/objectives/{row["objective"]}"' in body
    for challenge in row["challenges"]:
        assert challenge["text"][:60].replace("“", "“") in body
    assert row["results"][:60] in body
    assert f"líneas {row['source']['line_start']}–{row['source']['line_end']}" in body
    assert f'href="/actions/{ACTION}/source"' in body
    for fmt in ("bib", "ris", "json"):
        assert f'href="/actions/{ACTION}/cite.{fmt}"' in body
    # the machine-readable twins
    assert f'href="/id/action/{ACTION}?format=ttl"' in body
    assert f'href="/actions/{ACTION}.json"' in body
    assert 'rel="alternate" type="text/turtle"' in body
    # similar actions from the search index
    assert body.count('href="/actions/') > 2


def test_action_page_says_how_derived_values_were_obtained(client, published):
    import pyoxigraph as ox

    from graph.namespaces import MKG_IRI

    data_dir, _ = published
    store = ox.Store.read_only(str(data_dir / "current" / "store"))
    for key in (ACTION, "2018-apf-o01-01"):
        subject = ox.NamedNode(BASE + "id/action/" + key)
        notes = sorted(
            q.object.value for q in store.quads_for_pattern(subject, ox.NamedNode(MKG_IRI + "derivation"), None)
        )
        assert notes, key
        body = client.get(f"/actions/{key}").get_data(as_text=True)
        assert 'id="derivation"' in body
        for note in notes:
            assert escape(note) in body
        assert sorted(client.get(f"/actions/{key}.json").get_json()["derivation"]) == notes
    methods = [c["category_method"] for c in client.get(f"/actions/{ACTION}.json").get_json()["challenges"]]
    assert methods and all(methods)
    assert "How the derived values were obtained" in client.get(f"/actions/{ACTION}?lang=en").get_data(as_text=True)


def test_action_json_twin_matches_the_export(client, export_rows):
    rows = {r["id"]: r for r in export_rows}
    for key in (ACTION, "2018-apf-o01-01", "2020-apf-o15-04"):
        data = client.get(f"/actions/{key}.json").get_json()
        row = rows[BASE + "id/action/" + key]
        assert data["title"] == row["title"]
        assert (data["edition"], data["objective"], data["actor_type"]) == (
            row["edition"],
            row["objective"],
            row["actor_type"],
        )
        assert sorted(data["partners"]) == sorted(row["partners"])
        assert sorted(data["populations"]) == sorted(row["populations"])
        assert data["source"]["line_start"] == row["source"]["line_start"]


def test_source_view_shows_the_corpus_lines(client, export_rows, corpus_dir):
    row = next(r for r in export_rows if r["id"].endswith(ACTION))
    src = row["source"]
    lines = (corpus_dir / src["file"]).read_text(encoding="utf-8").splitlines()
    body = client.get(f"/actions/{ACTION}/source").get_data(as_text=True)
    assert f'id="L{src["line_start"]}"' in body and f'id="L{src["line_end"]}"' in body
    import html

    assert html.escape(lines[src["line_start"] - 1].strip(), quote=False) in body
    assert body.count('class="line hl"') == src["line_end"] - src["line_start"] + 1


def test_citations(client, export_rows):
    row = next(r for r in export_rows if r["id"].endswith(ACTION))
    bib = client.get(f"/actions/{ACTION}/cite.bib")
    assert bib.mimetype == "application/x-bibtex" and "attachment" in bib.headers["Content-Disposition"]
    text = bib.get_data(as_text=True)
    assert text.startswith(f"@misc{{migrakg-{ACTION},") and "year = {2024}" in text and row["id"] in text
    assert text.count("{") == text.count("}")
    ris = client.get(f"/actions/{ACTION}/cite.ris").get_data(as_text=True)
    assert ris.startswith("TY  - GEN\r\n") and "PY  - 2024" in ris and ris.rstrip().endswith("ER  -")
    csl = json.loads(client.get(f"/actions/{ACTION}/cite.json").get_data(as_text=True))
    assert csl[0]["title"] == row["title"] and csl[0]["issued"] == {"date-parts": [[2024]]}
    assert csl[0]["author"] == [{"literal": "Gobierno del Estado de Campeche"}]


@pytest.mark.parametrize(
    ("accept", "fmt", "parse_as"),
    [
        ("text/turtle", None, "turtle"),
        ("application/ld+json", None, "json-ld"),
        ("application/n-triples", None, "nt"),
        ("text/html;q=0.5, text/turtle", None, "turtle"),
        ("text/html", "ttl", "turtle"),
        (None, "jsonld", "json-ld"),
        (None, "nt", "nt"),
    ],
)
def test_linked_data_content_negotiation(client, accept, fmt, parse_as):
    headers = {"Accept": accept} if accept else {}
    resp = client.get(f"/id/action/{ACTION}", headers=headers, query_string={"format": fmt} if fmt else None)
    assert resp.status_code == 200
    g = rdflib.Graph().parse(data=resp.get_data(), format=parse_as)
    s = rdflib.URIRef(BASE + "id/action/" + ACTION)
    mkg = rdflib.Namespace("https://w3id.org/migrakg/ontology#")
    assert (s, rdflib.RDF.type, mkg.Action) in g
    assert (s, mkg.partner, rdflib.URIRef(BASE + "id/institution/oim")) in g
    # the challenges and the source span come along
    assert len(list(g.objects(s, mkg.challenge))) == 2
    span = next(g.objects(s, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert (span, mkg.lineStart, rdflib.Literal(6011)) in g


def test_linked_data_html_redirects_to_the_page(client):
    for path, page in [
        (f"/id/action/{ACTION}", f"/actions/{ACTION}"),
        ("/id/institution/inm", "/institutions/inm"),
        ("/id/objective/7", "/objectives/7"),
        ("/id/state/07", "/states/07"),
    ]:
        resp = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert resp.status_code == 303 and resp.headers["Location"].endswith(page)
    body = client.get("/id/span/2024-compendio-general-l6011-6046").get_data(as_text=True)
    assert 'href="/sources/2024-compendio-general.txt?from=6011&amp;to=6046#L6011"' in body
    resp = client.get("/id/report/2024-compendio-general")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Compendio General 2024" in body and "?format=ttl" in body


def test_objective_page_counts_and_gaps_match_the_export(client, export_rows):
    rows = [r for r in export_rows if r["objective"] == 7]
    per_edition = Counter(r["edition"] for r in rows)
    body = client.get("/objectives/7").get_data(as_text=True)
    assert f"{len(rows)} acciones" in body
    for edition, n in per_edition.items():
        assert f"{edition}: {n}" in body
    types = {r["actor_type"] for r in rows}
    for t, label in [("PODER_LEGISLATIVO", "Poder Legislativo"), ("OSC", "Organización de la sociedad civil")]:
        if t not in types:
            gaps = body.split("Tipos de actor sin acciones", 1)[1].split("</ul>", 1)[0]
            assert label.split()[0] in gaps
    states = {r["state"] for r in rows if r["state"]}
    gaps = body.split("Estados sin acciones", 1)[1].split("</ul>", 1)[0]
    for state in states:
        assert f">{state}<" not in gaps


def test_api_objective_institutions(client, export_rows):
    data = client.get("/api/objectives/7/institutions?edition=2024").get_json()
    counts = Counter(a for r in export_rows if r["objective"] == 7 and r["edition"] == 2024 for a in r["actors"])
    by_acronym = {i["acronym"]: i["actions"] for i in data["institutions"]}
    assert by_acronym == dict(counts)


def test_dashboard_chart_matches_the_export(client, export_rows):
    body = client.get("/?edition=2024").get_data(as_text=True)
    rows = [r for r in export_rows if r["edition"] == 2024]
    assert f"{len(rows)} acciones" in body
    assert "<svg" in body and body.count('<a href="/objectives/') >= 23
    n7 = sum(1 for r in rows if r["objective"] == 7)
    assert f">{n7}</text>" in body


def test_search_page_facets_and_paging(client):
    body = client.get("/search?q=salud").get_data(as_text=True)
    assert "<mark>" in body
    assert 'href="/search?q=salud&amp;objective=15"' in body  # a facet link
    assert 'rel="next"' in body
    body = client.get("/search?q=salud&objective=15&edition=2024").get_data(as_text=True)
    assert "☑" in body and "Quitar filtro" in body
    resp = client.get("/search?q=slaud")
    assert "¿Quiso decir" in resp.get_data(as_text=True)


def test_coverage_heatmap_counts(client, export_rows):
    body = client.get("/coverage?actor_type=APF&edition=2024").get_data(as_text=True)
    inm = sum(1 for r in export_rows if r["edition"] == 2024 and "INM" in r["actors"])
    assert 'href="/institutions/inm"' in body
    row = body.split('href="/institutions/inm"', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="n">{inm}</td>' in row
    assert 'href="/institutions/estado-07"' not in body  # filtered out by actor type


def test_network_page_links_every_node(client):
    body = client.get("/network?objective=7").get_data(as_text=True)
    assert "<svg" in body and "<line" in body
    nodes = body.count('class="node"')
    assert nodes > 3
    figure = body.split('<figure class="network">', 1)[1].split("</figure>", 1)[0]
    assert figure.count("<circle") == nodes
    # the same drawing twice (fixed seed)
    assert client.get("/network?objective=7").get_data(as_text=True) == body


def test_institution_neighbours_via_sparql(client, export_rows):
    body = client.get("/institutions/oim").get_data(as_text=True)
    together = {a for r in export_rows if "OIM" in r["actors"] + r["partners"] for a in r["actors"] + r["partners"]}
    together.discard("OIM")
    section = body.split("Vecinos en la red de colaboración", 1)[1].split("</section>", 1)[0]
    assert section.count("<li>") == min(30, len(together))


def test_quality_page_lists_the_reconcile_rows(client, published):
    _data_dir, result = published
    rows = json.loads((Path(result.path) / "reconcile.json").read_text(encoding="utf-8"))
    body = client.get("/quality").get_data(as_text=True)
    assert rows and body.count('<tr class="st-') == len(rows)
    assert "SHACL" in body
    assert client.get("/quality.json").get_json() == rows
    # each stated figure links to its line in the source text
    row = rows[0]
    assert f'href="/sources/{row["file"]}?line={row["line"]}#L{row["line"]}"' in body
    src = client.get(f"/sources/{row['file']}?line={row['line']}").get_data(as_text=True)
    assert f'<span class="line hl" id="L{row["line"]}">' in src


def test_downloads_and_static_assets(client):
    for name, mime in [
        ("migrakg.ttl", "text/turtle"),
        ("actions.csv", "text/csv"),
        ("actions.jsonl", "application/x-ndjson"),
    ]:
        resp = client.get(f"/downloads/{name}")
        assert resp.status_code == 200 and resp.mimetype == mime
        resp.close()
    assert client.get("/static/style.css").status_code == 200
    body = client.get("/").get_data(as_text=True)
    assert "http://" not in body.split("<body", 1)[0].replace("http://www.w3.org", "")  # no CDN in <head>


def test_every_institution_state_and_objective_page_and_a_sample_of_actions_render(client, export_rows):
    with client.application.test_request_context():
        from webapp.common import catalogue

        c = catalogue()
        slugs, states = list(c.institutions), [s.key for s in c.states()]
    for slug in slugs:
        assert client.get(f"/institutions/{slug}").status_code == 200, slug
    for inegi in states:
        assert client.get(f"/states/{inegi}").status_code == 200, inegi
    for n in range(1, 24):
        assert client.get(f"/objectives/{n}?edition=2018").status_code == 200, n
    for row in export_rows[::25]:
        key = row["id"].rsplit("/", 1)[-1]
        resp = client.get(f"/actions/{key}")
        assert resp.status_code == 200, key
        assert str(row["objective"]) in resp.get_data(as_text=True)


def test_a_new_publication_is_served_without_restart(published, tmp_path):
    """The pages follow the ``current`` link: a newly published build replaces the cached one."""
    data_dir, result = published
    mine = tmp_path / "data"
    (mine / "builds").mkdir(parents=True)
    first = mine / "builds" / "b1"
    shutil.copytree(result.path, first)
    (mine / "current").symlink_to(first)
    app = create_app({"DATA_DIR": str(mine), "TESTING": False})
    client = app.test_client()
    assert result.build_id in client.get("/about").get_data(as_text=True)
    before = client.get(f"/actions/{ACTION}").get_data(as_text=True)
    second = mine / "builds" / "b2"
    shutil.copytree(result.path, second)
    manifest = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    manifest["build_id"] = "second-build"
    (second / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (mine / "next").symlink_to(second)
    os.replace(mine / "next", mine / "current")
    assert "second-build" in client.get("/about").get_data(as_text=True)
    assert client.get(f"/actions/{ACTION}").get_data(as_text=True) == before


@pytest.mark.parametrize(
    "url",
    [
        f"/actions/{ACTION}?key=zzz",
        "/?_external=1&_scheme=javascript&_anchor=x",
        "/objectives/7?n=3",
        "/states/07?inegi=08",
        "/search?q=salud&_method=POST&page=2",
        "/institutions/inm?slug=oim",
    ],
)
def test_parameters_named_like_internals_are_harmless(client, url):
    resp = client.get(url)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "javascript:" not in body and "http://localhost" not in body


ROUTES = ["/", "/search", "/objectives/7", "/coverage", "/network", "/states/07", "/institutions", "/quality",
          f"/actions/{ACTION}", f"/id/action/{ACTION}", "/sources/2024-informe-ejecutivo.txt"]  # fmt: skip


def test_random_parameters_never_cause_a_server_error(app):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = app.test_client()
    names = st.sampled_from(["q", "edition", "objective", "actor_type", "page", "sort", "lang", "format", "status",
                             "focus", "line", "from", "to", "state", "population", "partner", "x"])  # fmt: skip
    values = st.one_of(st.text(max_size=30), st.integers(-5, 3000).map(str), st.sampled_from(["2024", "7", "APF"]))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(route=st.sampled_from(ROUTES), params=st.lists(st.tuples(names, values), max_size=4))
    def check(route, params):
        resp = client.get(route, query_string=params)
        assert resp.status_code in (200, 303, 400, 404), (route, params, resp.status_code)
        assert "Traceback" not in resp.get_data(as_text=True)

    check()


def test_coverage_cells_link_to_the_matching_search(client):
    import html
    import re

    body = client.get("/coverage?edition=2024").get_data(as_text=True)
    cells = re.findall(r'<a href="(/search\?[^"]+)" style="color: inherit" title="[^"]*">(\d+)</a>', body)
    assert len(cells) > 50
    for link, value in cells[::10]:
        page = client.get(html.unescape(link)).get_data(as_text=True)
        assert re.search(r'id="results-title">(\d+)', page).group(1) == value, link


def test_page_cache_is_bounded_and_skips_unknown_parameters(client, monkeypatch):
    from webapp import common

    monkeypatch.setattr(common, "PAGE_CACHE_DEFAULT_BYTES", 60_000)
    for n in range(1, 24):
        assert client.get(f"/objectives/{n}?edition=2024").status_code == 200
    kept = common._pages["objectives.objective"]
    assert 0 < sum(len(p) for p in kept.values()) <= 60_000
    assert common._page_bytes["objectives.objective"] == sum(len(p) for p in kept.values())
    before = len(common._pages.get("coverage.coverage", {}))
    client.get("/coverage?utm=1")
    assert len(common._pages.get("coverage.coverage", {})) == before


def test_a_build_without_search_index_still_serves_pages(published, tmp_path):
    data_dir, result = published
    build = tmp_path / "data" / "builds" / "b1"
    shutil.copytree(result.path, build, ignore=shutil.ignore_patterns("search"))
    (tmp_path / "data" / "current").symlink_to(build)
    client = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": False}).test_client()
    resp = client.get("/search?q=salud")
    assert resp.status_code == 503 and "El índice de búsqueda no está disponible." in resp.get_data(as_text=True)
    assert client.get("/objectives/7").status_code == 200
    assert client.get(f"/actions/{ACTION}").status_code == 200  # without its similar actions


def test_infographic_highlights_are_flagged_as_such(client, export_rows):
    highlights = [r for r in export_rows if r["edition"] == 2023]
    assert {r["title"] for r in highlights} >= {"2x1 para Migrantes"}
    home = client.get("/?edition=2023").get_data(as_text=True)
    assert "prácticas destacadas" in home and "2023 (6 destacadas)" in home
    key = next(r["id"].rsplit("/", 1)[-1] for r in highlights if r["title"] == "2x1 para Migrantes")
    page = client.get(f"/actions/{key}").get_data(as_text=True)
    assert "objective: inferred, not printed" in page and "2023-infografia.txt" in page
    assert "inferido: el informe no lo imprime" in page
    assert "inferido" not in client.get(f"/actions/{ACTION}").get_data(as_text=True)


def test_indexes_of_superseded_builds_are_closed(published, tmp_path):
    from webapp import api_search

    data_dir, _ = published
    source = data_dir / "current" / "search"
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    opened = []
    for i in range(api_search.KEEP_OPEN + 1):  # three publications in a row
        copy = tmp_path / f"build-{i}" / "search"
        shutil.copytree(source, copy)
        app.config["SEARCH_INDEX_DIR"] = str(copy)
        with app.app_context():
            opened.append(api_search.get_index())
    assert str((tmp_path / "build-0" / "search").resolve()) not in api_search._opened
    assert opened[0].searcher.is_closed and not opened[-1].searcher.is_closed
    with app.app_context():  # the newest is reused, not reopened
        assert api_search.get_index() is opened[-1]


def test_bounded_cache_drops_the_least_recently_used():
    from webapp.common import BoundedCache

    cache = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
