"""Data quality: extracted counts against the counts the reports state, and the SHACL report."""

from __future__ import annotations

import json
from collections import Counter

from flask import Blueprint, jsonify, render_template

from webapp.common import cached_page, catalogue, choice_arg
from webapp.published import get_build

bp = Blueprint("quality", __name__)

STATUSES = ("match", "differs", "not extracted")


def reconcile_rows() -> list[dict]:
    """The reconcile table the build published (``reconcile.json``); empty for older builds."""
    path = get_build().path / "reconcile.json"
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


@bp.get("/quality")
@cached_page
def quality() -> str:
    """Stated vs extracted counts (filter ``?status=``) and the SHACL validation report."""
    build = get_build()
    rows = reconcile_rows()
    status = choice_arg("status", STATUSES)
    counts = Counter(r.get("status", "") for r in rows)
    shown = [r for r in rows if status is None or r.get("status") == status]
    shacl_path = build.path / "shacl-report.txt"
    shacl = shacl_path.read_text(encoding="utf-8") if shacl_path.is_file() else ""
    cat = catalogue()
    return render_template(
        "quality.html",
        rows=shown,
        counts=counts,
        total=len(rows),
        status=status,
        statuses=STATUSES,
        shacl=shacl,
        manifest=build.manifest,
        reports=cat.reports,
    )


@bp.get("/quality.json")
def quality_json():
    """The reconcile table as JSON."""
    return jsonify(reconcile_rows())
