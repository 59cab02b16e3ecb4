"""SHACL validation of the graph (pySHACL on a plain rdflib Graph, inference 'none').

Each call parses its own shapes graph: pySHACL writes into the shapes graph, so one must never be
shared between concurrent validations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from graph.build_rdf import union_graph
from graph.concepts import SHAPES_PATH
from graph.namespaces import MKG, PROV


@dataclass(frozen=True, slots=True)
class Violation:
    """One readable SHACL result, with the corpus line it traces back to when there is one."""

    focus: str
    path: str
    message: str
    severity: str
    value: str = ""
    source_file: str = ""
    line: int | None = None

    @property
    def where(self) -> str:
        """``file:line`` of the offending record, or ``""``."""
        return f"{self.source_file}:{self.line}" if self.source_file and self.line else ""

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{where}{self.severity} {self.focus} {self.path}: {self.message}{value}"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    conforms: bool
    report_graph: Graph
    text: str
    violations: tuple[Violation, ...]

    def __iter__(self):  # allows ``conforms, report_graph, text = validate_graph(g)``
        return iter((self.conforms, self.report_graph, self.text))


def load_shapes(path: Path = SHAPES_PATH) -> Graph:
    """A fresh shapes graph (never share one between validations)."""
    return Graph().parse(path, format="turtle")


def validate_graph(data: Graph | Dataset, shapes: Graph | None = None) -> ValidationResult:
    """Validate ``data`` (a plain Graph, or a Dataset whose graphs are merged first) against the shapes."""
    graph = union_graph(data) if isinstance(data, Dataset) else data
    shapes = shapes if shapes is not None else load_shapes()
    conforms, report_graph, text = shacl_validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=True,
    )
    assert isinstance(report_graph, Graph)
    violations = tuple(sorted(_violations(graph, report_graph), key=lambda v: (v.source_file, v.line or 0, v.focus)))
    return ValidationResult(bool(conforms), report_graph, str(text), violations)


def _short(node: Node | None, g: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return g.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - any unprintable IRI is shown whole
            return str(node)
    if isinstance(node, BNode):
        inverse = g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^{_short(inverse, g)}"
        return "(complex path)"
    return str(node)


def _details(report: Graph, result: Node) -> list[str]:
    """Messages of the nested results (sh:detail) under one result, depth first."""
    out = []
    for detail in report.objects(result, SH.detail):
        message = report.value(detail, SH.resultMessage)
        if message:
            out.append(str(message))
        out += _details(report, detail)
    return out


def _violations(data: Graph, report: Graph):
    for result in report.objects(None, SH.result):  # top-level results; nested ones become details
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = str(report.value(result, SH.resultMessage) or "")
        details = _details(report, result)
        if details:
            message = f"{message} [{'; '.join(dict.fromkeys(details))}]"
        value = report.value(result, SH.value)
        severity = report.value(result, SH.resultSeverity)
        file, line = locate(data, focus)
        yield Violation(
            focus=str(focus),
            path=_short(path, report if isinstance(path, BNode) else data),
            message=message,
            severity=_short(severity, data).removeprefix("sh:"),
            value=str(value) if isinstance(value, Literal | URIRef) else "",
            source_file=file,
            line=line,
        )


def locate(data: Graph, node: Node | None) -> tuple[str, int | None]:
    """The corpus file and first line behind ``node``: its own span, or that of the action owning it."""
    if node is None:
        return "", None
    candidates = [node]
    candidates += list(data.subjects(MKG.challenge, node))  # a challenge → its action
    for c in candidates:
        if (c, MKG.sourceFile, None) in data:  # a source span itself
            span: Node | None = c
        else:
            span = data.value(c, PROV.wasDerivedFrom)
        if span is None:
            continue
        file = data.value(span, MKG.sourceFile)
        start = data.value(span, MKG.lineStart)
        if file is not None:
            try:
                return str(file), int(start) if start is not None else None
            except (TypeError, ValueError):
                return str(file), None
    return "", None
