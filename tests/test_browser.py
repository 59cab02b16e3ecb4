"""The web app in a real headless Chromium (Debian's /usr/bin/chromium through Playwright), served by
waitress on 127.0.0.1: the reader's path from a search to an action, its source and citation, English,
the objective 7 and network pages; hostile parameters never run script. Screenshots go to
tests/artifacts/ (not tracked). Without Chromium the tests skip, except under CI where they fail."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("MIGRAKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def live_server(published):
    """The app on a real waitress server in a thread; yields its base URL."""
    from waitress.server import create_server

    from webapp import create_app

    data_dir, _ = published
    app = create_app({"DATA_DIR": str(data_dir)})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A Spanish-speaking visitor; every dialog (alert, confirm) is recorded and dismissed."""
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog) -> None:
        pg.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))  # type: ignore[attr-defined]
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_reader_path_search_facets_action_source_cite_english_objective_network(page, live_server):
    pg = page
    pg.goto(live_server + "/")
    assert pg.locator("html").get_attribute("lang") == "es"
    shot(pg, "01-inicio")
    # search "salud" from the home page
    pg.fill("#q", "salud")
    pg.press("#q", "Enter")
    pg.wait_for_url("**/search?q=salud**")
    total = pg.locator("#results-title").inner_text()
    assert int(total.split()[0]) > 10
    assert pg.locator(".hits mark").count() > 0
    shot(pg, "02-busqueda")
    # two facets: an objective, then an edition
    pg.locator(".facet", has=pg.locator("h2", has_text="Objetivo")).locator("li a").first.click()
    pg.wait_for_url("**objective=**")
    pg.locator(".facet", has=pg.locator("h2", has_text="Edición")).locator("li a").first.click()
    pg.wait_for_url("**edition=**")
    assert "objective=" in pg.url and "edition=" in pg.url
    assert pg.locator(".chosen .chip").count() == 2
    narrowed = int(pg.locator("#results-title").inner_text().split()[0])
    assert 0 < narrowed < int(total.split()[0])
    shot(pg, "03-busqueda-facetas")
    # open the first action
    first = pg.locator(".hits li h3 a").first
    title = first.inner_text()
    first.click()
    pg.wait_for_url("**/actions/**")
    assert pg.locator("h1").inner_text().endswith(title)
    shot(pg, "04-accion")
    action_url = pg.url
    # follow its source
    pg.get_by_role("link", name="Ver el texto fuente").click()
    pg.wait_for_url("**/source")
    assert pg.locator("pre.source .hl").count() >= 1
    shot(pg, "05-fuente")
    pg.goto(action_url)
    # the cite links download BibTeX, RIS and CSL-JSON
    for label, start in (("BibTeX", "@misc{migrakg-"), ("RIS", "TY  - GEN"), ("CSL-JSON", "[")):
        with pg.expect_download() as info:
            pg.locator("#cite ~ p a", has_text=label).click()
        path = info.value.path()
        assert Path(path).read_text(encoding="utf-8").startswith(start)
    # switch to English
    pg.get_by_role("link", name="English").click()
    pg.wait_for_load_state()
    assert pg.locator("html").get_attribute("lang") == "en"
    assert pg.get_by_role("link", name="Search", exact=True).count() == 1
    shot(pg, "06-action-en")
    # objective 7 (the language is remembered)
    pg.goto(live_server + "/objectives/7")
    assert pg.locator("h1").inner_text().startswith("Objective 7")
    assert pg.get_by_role("heading", name="Gaps").count() == 1
    shot(pg, "07-objective-7-en")
    # the network: every node is a link to a profile
    pg.goto(live_server + "/network")
    nodes = pg.locator("figure.network a.node")
    assert nodes.count() > 10
    hrefs = {nodes.nth(i).get_attribute("href") for i in range(min(nodes.count(), 20))}
    assert all(h and h.startswith("/institutions/") for h in hrefs)
    shot(pg, "08-network-en")
    href = nodes.last.get_attribute("href")
    nodes.last.click()
    pg.wait_for_url("**" + href)
    assert pg.locator("h1").count() == 1
    assert not pg.dialogs and not pg.errors


HOSTILE = [
    '<script>window.__xss = 1; alert("q")</script>',
    '"><img src=x onerror="window.__xss=2;alert(2)">',
    "<svg onload=alert(3)>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_parameters_are_shown_as_text_and_never_run(page, live_server, payload):
    pg = page
    q = quote(payload)
    urls = [
        f"/search?q={q}",
        f"/search?q=salud&state={q}&partner={q}",
        f"/network?focus={q}",
        f"/objectives/7?edition={q}",
        f"/?lang={q}&{q}={q}",
        f"/id/action/2024-ef-o01-02?format={q}",
    ]
    for i, url in enumerate(urls):
        pg.goto(live_server + url)
        pg.wait_for_load_state("load")
        assert pg.evaluate("window.__xss") is None, url
        assert pg.locator("main img, main svg[onload]").count() == 0, url
        if i == 0:
            assert pg.input_value("#q") == payload  # the literal text, in the search box
            assert payload in pg.title()
        if i == 1:
            assert payload in pg.locator(".warning").first.inner_text()  # the unknown facet value, as text
    assert not pg.dialogs, pg.dialogs
    shot(pg, "09-hostile")


def test_keyboard_and_narrow_screen(browser, live_server):
    context = browser.new_context(locale="es-MX", viewport={"width": 375, "height": 800})
    pg = context.new_page()
    try:
        pg.goto(live_server + "/actions/2024-ef-o01-02")
        pg.keyboard.press("Tab")
        assert pg.evaluate("document.activeElement.className") == "skip"
        pg.keyboard.press("Enter")
        assert pg.evaluate("location.hash") == "#main"
        for url in ("/actions/2024-ef-o01-02", "/search?q=salud", "/objectives/7", "/", "/states/07"):
            pg.goto(live_server + url)
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (url, overflow)
        pg.goto(live_server + "/search?q=salud")
        shot(pg, "10-narrow-search")
        pg.goto(live_server + "/coverage")
        shot(pg, "11-coverage-narrow")
        pg.goto(live_server + "/no/such/page")
        assert "Página no encontrada" in pg.locator("h1").inner_text()
    finally:
        context.close()
