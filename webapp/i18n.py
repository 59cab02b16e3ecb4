"""Languages: Spanish first, English through Flask-Babel.

The language comes from ``?lang=es|en`` (remembered in a cookie), else the cookie, else the
browser's ``Accept-Language``, else Spanish. Catalogues live in ``webapp/translations`` (the
compiled ``.mo`` is committed beside its ``.po``; ``python -m webapp.i18n`` recompiles it).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, g, request
from flask_babel import Babel

LANGUAGES = ("es", "en")
COOKIE = "lang"
TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    """The language of this request."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES, default="es") or "es"


def current_lang() -> str:
    """The language code of the current request (cached on ``g``)."""
    if "lang" not in g:
        g.lang = select_locale()
    return g.lang


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and remember an explicit ``?lang=`` in a cookie."""
    Babel(app, default_locale="es", locale_selector=current_lang, default_translation_directories=str(TRANSLATIONS))

    @app.after_request
    def remember_language(resp: Response) -> Response:
        asked = request.args.get("lang", "")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            resp.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if request.path.startswith(("/api/", "/static/", "/downloads/")):
            return resp
        resp.vary.add("Accept-Language")
        resp.vary.add("Cookie")
        return resp

    @app.context_processor
    def language() -> dict:
        return {"lang": current_lang(), "languages": LANGUAGES}


def compile_catalogues() -> list[Path]:
    """Compile every ``messages.po`` under ``translations`` into its ``.mo``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with open(po, "rb") as fh:
            catalog = read_po(fh)
        mo = po.with_suffix(".mo")
        with open(mo, "wb") as fh:
            write_mo(fh, catalog)
        out.append(mo)
    return out


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path}")
