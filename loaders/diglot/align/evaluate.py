"""Strict and lax precision/recall/F1 of predicted beads against gold beads.

Definitions follow Vecalign's score.py (Thompson & Koehn 2019), as the
Text+Berg README states: strict credits a predicted bead only if the identical
bead is gold; lax also credits one whose source overlaps a gold bead whose
target overlaps the predicted target.  Precision runs over every predicted bead
(insertions and deletions included); recall swaps the roles and uses only beads
with sentences on both sides.  Counts are summed over all files, then divided.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]


def _counts(gold: Iterable[BeadPair], test: Iterable[BeadPair]) -> tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of `test` judged by `gold`."""
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if s or t}
    test_set = {(tuple(s), tuple(t)) for s, t in test if s or t}
    linked = defaultdict(set)  # source id -> gold target ids it is aligned with
    for s, t in gold_set:
        for i in s:
            linked[i].update(t)
    strict = strict_miss = lax = lax_miss = 0
    for s, t in test_set:
        if (s, t) in gold_set:
            strict += 1
            lax += 1
            continue
        strict_miss += 1
        reach = set().union(*(linked[i] for i in s)) if s else set()
        if reach.intersection(t):
            lax += 1
        else:
            lax_miss += 1
    return strict, strict_miss, lax, lax_miss


@dataclass(frozen=True)
class Scores:
    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def _ratio(hit: int, miss: int) -> float:
    return hit / (hit + miss) if hit + miss else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(pairs: Sequence[tuple[Sequence[BeadPair], Sequence[BeadPair]]]) -> Scores:
    """Scores over (gold, predicted) bead lists, one pair per document."""
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for gold, pred in pairs:
        for k, v in enumerate(_counts(gold, pred)):
            p[k] += v
        both_gold = [(s, t) for s, t in gold if s and t]
        both_pred = [(s, t) for s, t in pred if s and t]
        for k, v in enumerate(_counts(both_pred, both_gold)):
            r[k] += v
    ps, pl = _ratio(p[0], p[1]), _ratio(p[2], p[3])
    rs, rl = _ratio(r[0], r[1]), _ratio(r[2], r[3])
    return Scores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl))
