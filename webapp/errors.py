"""Error pages: JSON for /api and /sparql clients, HTML elsewhere; never a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.published import NoBuildError

MESSAGES_ES = {
    400: "Solicitud incorrecta",
    404: "No encontrado",
    405: "Método no permitido",
    500: "Error interno",
    503: "Servicio no disponible",
}


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/sparql"))


def _respond(status: int, detail: str) -> Any:
    title = MESSAGES_ES.get(status, "Error")
    if _wants_json():
        return jsonify({"error": title, "detail": detail}), status
    return render_template("error.html", status=status, title=title, detail=detail), status


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        return _respond(exc.code or 500, exc.description or "")

    @app.errorhandler(NoBuildError)
    def no_build(exc: NoBuildError) -> Any:
        return _respond(503, "Todavía no hay una versión publicada de los datos.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        app.logger.exception("unhandled error on %s", request.path)
        return _respond(500, InternalServerError.description)
