"""Error pages: JSON for /api and /sparql clients, HTML elsewhere; never a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from webapp.published import NoBuildError


def _title(status: int) -> str:
    titles = {
        400: _("Solicitud incorrecta"),
        404: _("Página no encontrada"),
        405: _("Método no permitido"),
        406: _("Formato no disponible"),
        500: _("Error interno"),
        503: _("Servicio no disponible"),
    }
    return titles.get(status, _("Error"))


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/sparql"))


def _respond(status: int, detail: str) -> Any:
    title = _title(status)
    if _wants_json():
        return jsonify({"error": title, "detail": detail}), status
    try:
        return render_template("error.html", status=status, title=title, detail=detail), status
    except Exception:  # the error page itself failed: a plain answer, still no stack trace
        return f"{status} {title}", status, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        if code == 404 and not _wants_json():
            detail = _("No existe lo que busca en esta versión de los datos.")
        elif code >= 500 and code != 503:
            detail = _("Algo falló de nuestro lado. Inténtelo de nuevo más tarde.")
        else:
            detail = exc.description or ""
        return _respond(code, detail)

    @app.errorhandler(NoBuildError)
    def no_build(exc: NoBuildError) -> Any:
        return _respond(503, _("Todavía no hay una versión publicada de los datos."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        app.logger.exception("unhandled error on %s", request.path)
        return _respond(500, _("Algo falló de nuestro lado. Inténtelo de nuevo más tarde."))
