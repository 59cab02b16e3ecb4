"""Linked data: ``GET /id/{kind}/{key}`` with content negotiation (HTML, Turtle, JSON-LD, N-Triples).

Browsers get the resource's page (a 303 redirect to the page of an action, institution, objective
or state; a generic page listing the statements for other kinds); machines get a CONSTRUCT of the
resource's statements (plus those of the challenges and source spans it owns) from the store.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from graph.namespaces import PREFIXES as NS_PREFIXES
from webapp.common import RDF_FORMATS, bad_request, catalogue, page_for, resource_path
from webapp.published import get_build

bp = Blueprint("linked_data", __name__)

_SAFE = re.compile(r"[a-z][a-z-]{0,30}")
_SAFE_KEY = re.compile(r"[\w.-]{1,120}")
_OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}
_BY_MIME = {mime: fmt for fmt, (mime, _label) in RDF_FORMATS.items()}
_OFFERED = ["text/html", "application/xhtml+xml", *_BY_MIME, "application/json"]

_CONSTRUCT = """CONSTRUCT { ?s ?p ?o . ?o ?p2 ?o2 } WHERE {
  BIND (<%(iri)s> AS ?s)
  ?s ?p ?o .
  OPTIONAL { FILTER (STRSTARTS(STR(?o), "%(base)sid/challenge/") || STRSTARTS(STR(?o), "%(base)sid/span/"))
             ?o ?p2 ?o2 }
}"""
_DESCRIBE_HTML = """SELECT ?p ?o ?dir WHERE {
  { <%(iri)s> ?p ?o BIND ("out" AS ?dir) } UNION { ?o ?p <%(iri)s> BIND ("in" AS ?dir) }
} ORDER BY ?dir ?p ?o LIMIT 2000"""


def _negotiate() -> str:
    """``html`` or one of the RDF format keys."""
    fmt = request.args.get("format", "").strip()
    if fmt:
        if fmt in ("html",) or fmt in RDF_FORMATS:
            return fmt
        if fmt == "json":
            return "jsonld"
        raise bad_request(_("Formato desconocido «%(f)s». Formatos: html, ttl, jsonld, nt.", f=fmt[:20]))
    best = request.accept_mimetypes.best_match(_OFFERED, default="text/html")
    if best in _BY_MIME:
        return _BY_MIME[best]
    if best == "application/json":
        return "jsonld"
    return "html"


def _exists(iri: str) -> bool:
    return get_build().backend.ask(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")


def rdf_of(iri: str, fmt: str) -> bytes:
    """The statements about ``iri`` serialised in ``fmt`` (ttl, jsonld, nt)."""
    backend = get_build().backend
    base = catalogue().base_uri
    triples = list(backend.store.query(_CONSTRUCT % {"iri": iri, "base": base}, use_default_graph_as_union=True))
    prefixes = dict(NS_PREFIXES) if fmt == "ttl" else None
    if prefixes is not None:
        prefixes["id"] = base + "id/"
    return ox.serialize(triples, format=_OX_FORMATS[fmt], prefixes=prefixes)


@bp.get("/id/<kind>/<key>")
def resource(kind: str, key: str) -> Any:
    """A resource under ``BASE/id/``: its page for browsers, its statements for machines."""
    if not _SAFE.fullmatch(kind) or not _SAFE_KEY.fullmatch(key):
        abort(404)
    cat = catalogue()
    iri = f"{cat.base_uri}id/{kind}/{key}"
    if not _exists(iri):
        abort(404)
    fmt = _negotiate()
    if fmt != "html":
        resp = Response(rdf_of(iri, fmt), mimetype=RDF_FORMATS[fmt][0])
        resp.headers["Vary"] = "Accept"
        resp.headers["Link"] = f'<{iri}>; rel="describedby"'
        return resp
    page = page_for(kind, key)
    if page is not None:
        resp = redirect(page, code=303)
        resp.headers["Vary"] = "Accept"
        return resp
    rows = get_build().backend.select(_DESCRIBE_HTML % {"iri": iri})
    statements = [
        {
            "p": str(r["p"]),
            "o": r["o"],
            "dir": r["dir"],
            "local": resource_path(str(r["o"])) if isinstance(r["o"], str) else None,
        }
        for r in rows
    ]
    title = next(
        (str(s["o"]) for s in statements if s["dir"] == "out" and str(s["p"]).endswith(("#prefLabel", "/title"))), key
    )
    source_url = None
    if kind == "span":  # a source span: link to the lines it names
        values = {str(st["p"]).rsplit("#", 1)[-1]: st["o"] for st in statements if st["dir"] == "out"}
        if {"sourceFile", "lineStart", "lineEnd"} <= values.keys():
            lines = {"from": values["lineStart"], "to": values["lineEnd"]}
            source_url = url_for("actions.source_file", file=values["sourceFile"], **lines) + f"#L{lines['from']}"
    return render_template(
        "resource.html", kind=kind, key=key, iri=iri, statements=statements, title=title, cat=cat, source_url=source_url
    )


def short(iri: str) -> str:
    """``prefix:local`` for IRIs in the known namespaces."""
    for prefix, ns in NS_PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    if iri == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
        return "rdf:type"
    if iri.startswith("http://www.w3.org/1999/02/22-rdf-syntax-ns#"):
        return "rdf:" + iri.rsplit("#", 1)[1]
    return iri


bp.add_app_template_filter(short, "short_iri")
