"""Reproducible, stratified samples of the parsed records for hand labelling (``python -m ingest.classify.sample``).

Samples are drawn with a fixed seed over the parsed corpus, stratified by (edition, chapter): each stratum gets
a share proportional to its size (at least one item). The test sample is drawn first, the development sample from
what is left, so the two never overlap. Programme-pair candidates are drawn from three pools (see tests/data/README.md).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from ingest.records import Action, ParsedReport
from ingest.text import fold_accents

SEED = 20240607

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = """a al ante con contra de del desde e el en entre la las lo los o para por que se sin sobre su sus
u un una y"""
_STOP = frozenset(_STOP_WORDS.split())


def _strata_sample(items: Sequence[tuple[tuple, object]], n: int, rng: random.Random) -> list[object]:
    """``n`` items, proportional allocation over strata (largest remainder; at least one per stratum)."""
    groups: dict[tuple, list[object]] = defaultdict(list)
    for stratum, item in items:
        groups[stratum].append(item)
    total = len(items)
    quotas = {s: max(1, n * len(g) // total) for s, g in groups.items()}
    rest = sorted(groups, key=lambda s: -(n * len(groups[s]) / total - n * len(groups[s]) // total))
    i = 0
    while sum(quotas.values()) < n and rest:
        s = rest[i % len(rest)]
        if quotas[s] < len(groups[s]):
            quotas[s] += 1
        i += 1
    out: list[object] = []
    for s in sorted(groups):
        out.extend(rng.sample(groups[s], min(quotas[s], len(groups[s]))))
    return out


def title_tokens(text: str) -> frozenset[str]:
    """Accent-folded, lower-cased content words of a title (for the pair pools)."""
    return frozenset(w for w in _WORD.findall(fold_accents(text).lower()) if w not in _STOP and len(w) > 2)


def _test_then_dev(
    items: list[tuple[tuple, dict]], id_field: str, rng: random.Random, n_test: int, n_dev: int, more_dev: Sequence[int]
) -> tuple[list[dict], list[dict]]:
    """The test sample, then the development rounds, each drawn from what the earlier ones left."""
    test = _strata_sample(items, n_test, rng)
    chosen = {r[id_field] for r in test}
    dev = _strata_sample([(s, r) for s, r in items if r[id_field] not in chosen], n_dev, rng)
    for n in more_dev:
        chosen |= {r[id_field] for r in dev}
        dev += _strata_sample([(s, r) for s, r in items if r[id_field] not in chosen], n, rng)
    return test, dev


def sample_challenges(
    actions: Sequence[Action], n_test: int, n_dev: int, *more_dev: int
) -> tuple[list[dict], list[dict]]:
    """Test and development samples of retos: ``{"id", "action", "edition", "chapter", "text"}``.

    Each number of ``more_dev`` draws one more round of development items after the first ``n_dev`` (a later round
    of labelling that leaves the test sample and the earlier development items unchanged)."""
    items = []
    for a in actions:
        for i, ch in enumerate(a.challenges, start=1):
            row = {"id": f"{a.key}#{i}", "action": a.key, "edition": a.edition, "chapter": a.chapter, "text": ch.text}
            items.append(((a.edition, a.chapter), row))
    return _test_then_dev(items, "id", random.Random(SEED), n_test, n_dev, more_dev)


def _action_row(a: Action) -> dict:
    return {
        "key": a.key,
        "edition": a.edition,
        "chapter": a.chapter,
        "title": a.title,
        "description": a.description,
        "results": a.results,
    }


def sample_actions(actions: Sequence[Action], n_test: int, n_dev: int, *more_dev: int) -> tuple[list[dict], list[dict]]:
    """Test and development samples of actions (title, description, results); ``more_dev`` as for retos."""
    items = [((a.edition, a.chapter), _action_row(a)) for a in actions]
    return _test_then_dev(items, "key", random.Random(SEED + 1), n_test, n_dev, more_dev)


#: (test, development, later development rounds…) sizes of the labelled samples.
SIZES = {"challenges": (150, 120, 150, 150, 100, 14), "actions": (100, 60, 80, 80, 80, 80)}

#: Programme names a reader of the reports meets again and again (issue 7, corpus-formats.md); only used
#: to build the pool of candidate pairs, never by the linker.
POOL_NAMES = (
    "paisano",
    "grupos beta",
    "semana binacional de salud",
    "ventanilla",
    "trabajadores agricolas temporales",
    "asesoria especializada",
    "proteccion consular",
    "matricula consular",
    "doble nacionalidad",
    "repatriacion",
    "becas",
    "soy mexico",
    "emif",
    "plazas comunitarias",
    "visitante trabajador fronterizo",
    "tarjeta de visitante",
    "jornaleros",
)


def candidate_pairs(actions: Sequence[Action]) -> dict[str, list[tuple[str, str]]]:
    """Three pools of unordered action pairs: title overlap, a shared programme name, random."""
    toks = {a.key: title_tokens(a.title) for a in actions}
    folded = {a.key: fold_accents(f"{a.title} {a.description}").lower() for a in actions}
    keys = [a.key for a in actions]
    overlap, named = [], []
    for i, x in enumerate(keys):
        for y in keys[i + 1 :]:
            tx, ty = toks[x], toks[y]
            if tx and ty and len(tx & ty) / len(tx | ty) >= 0.3:
                overlap.append((x, y))
            elif any(n in folded[x] and n in folded[y] for n in POOL_NAMES):
                named.append((x, y))
    rng = random.Random(SEED + 2)
    randoms = set()
    while len(randoms) < 200:
        x, y = sorted(rng.sample(keys, 2))
        randoms.add((x, y))
    return {"overlap": overlap, "named": named, "random": sorted(randoms)}


#: How many candidate pairs each sample takes from each pool: the test sample first, then the development sample and
#: its later rounds ("dev2", drawn after the first figures; the earlier samples do not change).
PAIR_QUOTAS = {
    "test": {"overlap": 140, "named": 40, "random": 20},
    "dev": {"overlap": 60, "named": 20, "random": 10},
    "dev2": {"overlap": 80, "named": 20, "random": 10},
}


def sample_pairs(actions: Sequence[Action]) -> tuple[list[dict], list[dict]]:
    """Test and development samples of candidate pairs drawn from the three pools (:data:`PAIR_QUOTAS`); the
    development sample lists its first round, then the second."""
    by_key = {a.key: a for a in actions}
    pools = candidate_pairs(actions)
    rng = random.Random(SEED + 3)
    shuffled = {}
    for pool in ("overlap", "named", "random"):
        pairs = list(pools[pool])
        rng.shuffle(pairs)
        shuffled[pool] = pairs
    samples: dict[str, list[dict]] = {name: [] for name in PAIR_QUOTAS}
    for pool, pairs in shuffled.items():
        start = 0
        for name, quotas in PAIR_QUOTAS.items():
            for x, y in pairs[start : start + quotas[pool]]:
                samples[name].append(
                    {"a": x, "b": y, "pool": pool, "a_title": by_key[x].title, "b_title": by_key[y].title}
                )
            start += quotas[pool]
    return samples["test"], samples["dev"] + samples["dev2"]


def sampled_actions(reports: Sequence[ParsedReport]) -> list[Action]:
    """The actions samples are drawn from: those of complete action lists (not a summary's highlights), by key."""
    return sorted((a for r in reports if r.info.kind == "actions" for a in r.actions), key=lambda a: a.key)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the unlabelled samples (JSONL) to a folder, for labelling by reading."""
    from ingest.corpus import load_corpus

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--out", default="tests/data/unlabelled")
    args = ap.parse_args(argv)
    actions = sampled_actions(load_corpus(Path(args.corpus)).reports)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sets = {
        "challenges": sample_challenges(actions, *SIZES["challenges"]),
        "actions": sample_actions(actions, *SIZES["actions"]),
        "pairs": sample_pairs(actions),
    }
    for name, (test, dev) in sets.items():
        for split, rows in (("test", test), ("dev", dev)):
            path = out / f"{name}_{split}.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            print(f"{path}: {len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
