"""Action export rows (contract §3) as JSON Lines or CSV, written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.uris import Minter
from ingest.records import Action, Challenge

CSV_COLUMNS = [
    "id", "edition", "actor_type", "objective", "number", "title", "actors", "state", "partners",
    "populations", "action_types", "gender_focus", "disability_focus", "description", "has_results",
    "results", "challenges", "challenge_categories", "source_file", "line_start", "line_end",
]  # fmt: skip


def _category(challenge: Challenge) -> str | list[str] | None:
    cats = list(challenge.categories)
    if not cats:
        return None
    return cats[0] if len(cats) == 1 else cats


def action_row(action: Action, minter: Minter) -> dict[str, Any]:
    """One action as the export object of contract §3 (keys in contract order)."""
    return {
        "id": str(minter.action(action.key)),
        "edition": action.edition,
        "actor_type": action.actor_type,
        "objective": action.objective,
        "number": action.number,
        "title": action.title,
        "actors": list(action.actors),
        "state": action.state,
        "partners": list(action.partners),
        "populations": list(action.populations),
        "action_types": list(action.action_types),
        "gender_focus": action.gender_focus,
        "disability_focus": action.disability_focus,
        "description": action.description,
        "has_results": action.has_results,
        "results": action.results,
        "challenges": [{"text": c.text, "category": _category(c)} for c in action.challenges],
        "source": {
            "file": action.source.file,
            "line_start": action.source.line_start,
            "line_end": action.source.line_end,
        },
    }


def export_rows(actions: Iterable[Action], minter: Minter) -> list[dict[str, Any]]:
    """Export rows for every action, sorted by ``id``."""
    return sorted((action_row(a, minter) for a in actions), key=lambda r: r["id"])


def render_jsonl(rows: list[dict[str, Any]]) -> str:
    """JSON Lines, one object per action, UTF-8 characters kept."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def render_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with one row per action; lists joined with ``; ``, challenges with `` | ``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        cats = []
        for c in r["challenges"]:
            cat = c["category"]
            cats.append("+".join(cat) if isinstance(cat, list) else (cat or ""))
        writer.writerow(
            {
                **{k: r[k] for k in ("id", "edition", "actor_type", "objective", "number", "title", "state")},
                "actors": "; ".join(r["actors"]),
                "partners": "; ".join(r["partners"]),
                "populations": "; ".join(r["populations"]),
                "action_types": "; ".join(r["action_types"]),
                "gender_focus": str(r["gender_focus"]).lower(),
                "disability_focus": str(r["disability_focus"]).lower(),
                "description": r["description"],
                "has_results": str(r["has_results"]).lower(),
                "results": r["results"],
                "challenges": " | ".join(c["text"] for c in r["challenges"]),
                "challenge_categories": " | ".join(cats),
                "source_file": r["source"]["file"],
                "line_start": r["source"]["line_start"],
                "line_end": r["source"]["line_end"],
            }
        )
    return buf.getvalue()


RENDERERS = {"jsonl": render_jsonl, "csv": render_csv}


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
