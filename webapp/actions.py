"""The action page, its source view, citations (BibTeX, RIS, CSL-JSON) and its JSON twin."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask_babel import gettext as _

from search.index import SearchIndexError
from search.query import SearchQueryError, similar
from webapp.api_search import get_index
from webapp.catalogue import Action, Catalogue
from webapp.common import BoundedCache, bad_request, cached_page, catalogue, guard_key, int_arg
from webapp.published import get_build

bp = Blueprint("actions", __name__)

PUBLISHER = "Unidad de Política Migratoria, Registro e Identidad de Personas (UPMRIP), Secretaría de Gobernación"
SOURCE_CONTEXT = 3  # lines shown before and after a source span
MAX_SOURCE_LINES = 400


def _action(key: str) -> tuple[Catalogue, Action]:
    cat = catalogue()
    action = cat.actions.get(guard_key(key))
    if action is None:
        abort(404)
    return cat, action


def action_dict(cat: Catalogue, a: Action) -> dict[str, Any]:
    """The action as JSON (the fields of the export, with labels)."""
    return {
        "id": a.iri,
        "key": a.key,
        "edition": a.edition,
        "report": a.report,
        "actor_type": a.actor_type,
        "objective": a.objective,
        "number": a.number,
        "title": a.title,
        "actors": [cat.institutions[s].display if s in cat.institutions else s for s in a.reporters],
        "partners": [cat.institutions[s].display if s in cat.institutions else s for s in a.partners],
        "states": [cat.concept_label("state", s) for s in a.states],
        "populations": list(a.populations),
        "action_types": list(a.action_types),
        "gender_focus": a.gender_focus,
        "disability_focus": a.disability_focus,
        "description": a.description,
        "has_results": a.has_results,
        "results": a.results,
        "challenges": [
            {"text": c.text, "category": list(c.categories), "category_method": c.category_method} for c in a.challenges
        ],
        "derivation": list(a.derivation),
        "source": (
            {
                "file": a.source.file,
                "line_start": a.source.line_start,
                "line_end": a.source.line_end,
                "quote": a.source.quote,
            }
            if a.source
            else None
        ),  # fmt: skip
    }


_similar = BoundedCache(5000)


def similar_to(key: str, n: int = 5) -> list[dict[str, Any]]:
    """Acciones similares from the search index, computed once per build and action."""
    cache_key = (str(get_build().path), key, n)
    found = _similar.get(cache_key)
    if found is None:
        try:
            found = similar(get_index(), key, n)
        except (SearchQueryError, SearchIndexError):  # no index in this build: no similar actions
            found = []
        _similar.put(cache_key, found)
    return found


@bp.get("/actions/<key>")
@cached_page
def action(key: str) -> str:
    """Every field of one action, its source, citations, similar actions and the same programme elsewhere."""
    cat, a = _action(key)
    return render_template(
        "action.html",
        a=a,
        cat=cat,
        report=cat.reports.get(a.report),
        similar=similar_to(a.key),
        same=cat.same_programme(a),
        institutions=cat.institutions,
    )


@bp.get("/actions/<key>.json")
def action_json(key: str) -> Response:
    """The JSON twin of the action page."""
    cat, a = _action(key)
    return jsonify(action_dict(cat, a))


_lines = BoundedCache(16)


def source_lines(file: str) -> list[str]:
    """The lines of a corpus text copied into the build (cached per build)."""
    build = get_build()
    path = build.path / "corpus" / file
    lines = _lines.get(str(path))
    if lines is None:
        if not re.fullmatch(r"[\w.-]+\.txt", file) or not path.is_file():
            abort(404)
        lines = path.read_text(encoding="utf-8").splitlines()
        _lines.put(str(path), lines)
    return lines


@bp.get("/actions/<key>/source")
def source(key: str) -> str:
    """The report lines the action was read from, with a few lines around them."""
    cat, a = _action(key)
    if a.source is None:
        abort(404)
    lines = source_lines(a.source.file)
    start = max(1, a.source.line_start - SOURCE_CONTEXT)
    end = min(len(lines), a.source.line_end + SOURCE_CONTEXT, start + MAX_SOURCE_LINES)
    shown = [(n, lines[n - 1], a.source.line_start <= n <= a.source.line_end) for n in range(start, end + 1)]
    return render_template(
        "source.html",
        a=a,
        file=a.source.file,
        span=(a.source.line_start, a.source.line_end),
        report=cat.reports.get(a.report),
        shown=shown,
    )


@bp.get("/sources/<file>")
def source_file(file: str) -> str:
    """Lines of a source report around ``?line=N`` (or ``?from=&to=``), as the build copied it."""
    cat = catalogue()
    report = next((r for r in cat.reports.values() if f"{r.slug}.txt" == file), None)
    if report is None:
        abort(404)
    lines = source_lines(file)
    line = int_arg("line", low=1, high=len(lines))
    first = int_arg("from", low=1, high=len(lines)) or line or 1
    last = int_arg("to", low=1, high=len(lines)) or first
    if last < first or last - first > MAX_SOURCE_LINES:
        raise bad_request(_("Rango de líneas no válido."))
    start, end = max(1, first - 8), min(len(lines), last + 8)
    shown = [(n, lines[n - 1], first <= n <= last) for n in range(start, end + 1)]
    return render_template("source.html", a=None, file=file, span=(first, last), report=report, shown=shown)


def _authors(cat: Catalogue, a: Action) -> list[str]:
    return [cat.institutions[s].name if s in cat.institutions else s for s in a.reporters] or [PUBLISHER]


def _bibtex_escape(text: str) -> str:
    out = text
    for ch in "\\{}%&$#_^~":
        out = out.replace(
            ch, "\\" + ch if ch not in "\\^~" else {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}[ch]
        )
    return out


def bibtex(cat: Catalogue, a: Action) -> str:
    """A BibTeX ``@misc`` entry for the action."""
    report = cat.reports.get(a.report)
    fields = {
        "title": a.title,
        "author": " and ".join("{" + _bibtex_escape(n) + "}" for n in _authors(cat, a)),
        "year": str(a.edition),
        "howpublished": report.title if report else a.report,
        "publisher": PUBLISHER,
        "note": (f"Objetivo {a.objective}" + (f", líneas {a.source.line_start}–{a.source.line_end} de {a.source.file}"
                 if a.source else "")),
        "url": a.iri,
    }  # fmt: skip
    body = ",\n".join(f"  {k} = {{{v if k == 'author' else _bibtex_escape(v)}}}" for k, v in fields.items())
    return f"@misc{{migrakg-{a.key},\n{body}\n}}\n"


def ris(cat: Catalogue, a: Action) -> str:
    """A RIS record for the action."""
    report = cat.reports.get(a.report)
    lines = ["TY  - GEN", f"TI  - {a.title}"]
    lines += [f"AU  - {n}" for n in _authors(cat, a)]
    lines += [f"PY  - {a.edition}", f"T2  - {report.title if report else a.report}", f"PB  - {PUBLISHER}"]
    if a.source:
        lines.append(f"N1  - {a.source.file}, líneas {a.source.line_start}-{a.source.line_end}")
    lines += [f"UR  - {a.iri}", "LA  - es", "ER  - "]
    return "\r\n".join(line.replace("\n", " ") for line in lines) + "\r\n"


def csl_json(cat: Catalogue, a: Action) -> list[dict[str, Any]]:
    """A CSL-JSON item for the action."""
    report = cat.reports.get(a.report)
    return [
        {
            "id": f"migrakg-{a.key}",
            "type": "report",
            "title": a.title,
            "author": [{"literal": n} for n in _authors(cat, a)],
            "issued": {"date-parts": [[a.edition]]},
            "container-title": report.title if report else a.report,
            "publisher": PUBLISHER,
            "URL": a.iri,
            "language": "es",
        }
    ]


CITE_FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", "BibTeX"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "RIS"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "CSL-JSON"),
}


@bp.get("/actions/<key>/cite.<fmt>")
def cite(key: str, fmt: str) -> Response:
    """The citation of an action as a download: ``cite.bib``, ``cite.ris`` or ``cite.json`` (CSL-JSON)."""
    if fmt not in CITE_FORMATS:
        abort(404)
    cat, a = _action(key)
    if fmt == "bib":
        body = bibtex(cat, a)
    elif fmt == "ris":
        body = ris(cat, a)
    else:
        body = json.dumps(csl_json(cat, a), ensure_ascii=False, indent=1)
    resp = Response(body, mimetype=CITE_FORMATS[fmt][0])
    resp.headers["Content-Disposition"] = f'attachment; filename="migrakg-{a.key}.{fmt}"'
    return resp


@bp.app_template_global()
def cite_links(key: str) -> list[tuple[str, str]]:
    """(label, url) of the citation downloads of an action."""
    return [(label, url_for("actions.cite", key=key, fmt=fmt)) for fmt, (_m, label) in CITE_FORMATS.items()]
