"""Static checks on a user's SPARQL query before it runs: read-only, closed, bounded in size.

A conservative tokenizer walks the query text, skipping what SPARQL itself skips as data (IRIs, string
literals, comments, prefixed names, variables), so a keyword is only seen where the SPARQL grammar would see
a keyword. It finds the query form (SELECT/ASK/CONSTRUCT/DESCRIBE), and rejects updates and ``LOAD``,
``SERVICE`` (federated queries reach other servers) and ``FROM``/``FROM NAMED`` with an IRI outside the
dataset. Whatever is ambiguous is read as code, so the doubt goes to rejecting. Syntax itself is left to
Oxigraph's parser, which runs next (in a worker process) and reports the message with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
#: Keywords of SPARQL 1.1 Update; none of them is a keyword of the query language.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<bnode>_:[\w.\-]*)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w:%.\-]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[^\W\d][\w]*)
  | (?P<number>\d[\w.]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryRejected(ValueError):
    """The query is refused before it runs. ``status`` is the HTTP status to answer with."""

    def __init__(self, error: str, detail: str, status: int = 400) -> None:
        super().__init__(f"{error}: {detail}")
        self.error, self.detail, self.status = error, detail, status


@dataclass
class QueryInfo:
    """What the static check learnt about a query."""

    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    prefixes: dict[str, str] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)  # IRIs named by FROM / FROM NAMED


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(query: str) -> list[Token]:
    """The significant tokens of ``query`` (no whitespace or comments)."""
    out: list[Token] = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        out.append(Token(kind, m.group(), m.start()))
    return out


def _where(query: str, pos: int) -> str:
    line = query.count("\n", 0, pos) + 1
    column = pos - (query.rfind("\n", 0, pos) + 1) + 1
    return f"línea {line}, columna {column}"


def _resolve(token: Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def check_query(query: str, max_bytes: int, dataset_base: str) -> QueryInfo:
    """Check ``query`` statically; raise :class:`QueryRejected` with a Spanish message and its position.

    ``dataset_base`` is the start of every graph name of the dataset: ``FROM``/``FROM NAMED`` may only
    name IRIs under it (any other IRI could make an engine fetch remote data).
    """
    size = len(query.encode("utf-8"))
    if size > max_bytes:
        raise QueryRejected(
            "Consulta demasiado grande", f"la consulta ocupa {size} bytes; el máximo es {max_bytes}", 413
        )
    if not query.strip():
        raise QueryRejected("Consulta vacía", "falta el parámetro 'query' con el texto de la consulta SPARQL")
    tokens = tokenize(query)
    form = ""
    prefixes: dict[str, str] = {}
    datasets: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        if word in UPDATE_KEYWORDS:
            what = "LOAD" if word == "LOAD" else "SPARQL Update"
            raise QueryRejected(
                "Operación no permitida",
                f"{what} ({tok.text} en {_where(query, tok.pos)}): este punto de acceso es de solo lectura",
            )
        if word == "SERVICE":
            raise QueryRejected(
                "Operación no permitida",
                f"SERVICE ({_where(query, tok.pos)}): las consultas federadas a otros servidores no se permiten",
            )
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname" and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = tokens[i + 2].text[1:-1]
        if word == "FROM":
            j = i + 1
            if j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "NAMED":
                j += 1
            target = _resolve(tokens[j], prefixes) if j < len(tokens) else None
            if target is None or not target.startswith(dataset_base):
                shown = tokens[j].text if j < len(tokens) else ""
                raise QueryRejected(
                    "Operación no permitida",
                    f"FROM {shown} ({_where(query, tok.pos)}): solo se admiten grafos de este conjunto de datos "
                    f"(IRI que empiezan por {dataset_base})",
                )
            datasets.append(target)
        if not form and word in QUERY_FORMS:
            form = word
    if not form:
        raise QueryRejected(
            "Consulta no válida", "no es una consulta SELECT, ASK, CONSTRUCT ni DESCRIBE (error at 1:1)"
        )
    return QueryInfo(form, prefixes, datasets)
