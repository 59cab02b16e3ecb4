"""The migrakg web app: a Flask app factory that only reads a published build.

Run it with ``migrakg serve`` (waitress). Each concern is one blueprint, registered below; the
configuration lives in :func:`create_app` (defaults from :mod:`migrakg.settings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from migrakg import settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app. ``DATA_DIR`` is the data folder whose ``current`` build is served."""
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=str(Path(settings.get("data_dir")).resolve()),
        JSON_AS_ASCII=False,
        MAX_QUERY_LENGTH=500,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    if test_config:
        app.config.update(test_config)
    app.config["SEARCH_INDEX_DIR"] = str(Path(app.config["DATA_DIR"]) / "current" / "search")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from webapp import common, errors, i18n, published

    published.init_app(app)
    i18n.init_app(app)
    common.init_app(app)
    errors.init_app(app)

    # one blueprint per concern
    from webapp import (
        actions,
        api_search,
        coverage,
        institutions,
        linked_data,
        network_page,
        objectives,
        pages,
        quality,
        states,
    )

    app.register_blueprint(pages.bp)
    app.register_blueprint(actions.bp)
    app.register_blueprint(institutions.bp)
    app.register_blueprint(objectives.bp)
    app.register_blueprint(coverage.bp)
    app.register_blueprint(states.bp)
    app.register_blueprint(network_page.bp)
    app.register_blueprint(quality.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(api_search.bp)

    from webapp import api_network, sparql

    sparql.init_app(app)  # /sparql; its limits come from the settings table (migrakg settings)
    app.register_blueprint(api_network.bp)
    return app
