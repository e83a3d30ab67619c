"""Seeded synthetic parallel documents with a planted sentence alignment.

Sentences are not text but their embeddings: every bead of the planted
alignment is made of "meaning parts" (random unit vectors in R^d), and each
sentence vector is the L2-normalised sum of the parts it expresses, plus a
shared anisotropy direction (real sentence encoders put every sentence in one
narrow cone) and independent Gaussian noise (translation is lossy).

A k-l bead (k source sentences, l target sentences, k, l >= 1) is built from
k + l - 1 consecutive parts; the k - 1 source boundaries and the l - 1 target
boundaries are placed on disjoint cut positions, so no sentence boundary is
shared inside the bead and it cannot be split into smaller beads.  For a 2-1
merge the two source sentences carry one part each and the target sentence both,
so the normalised sum of the two source vectors is close to the target vector
(and likewise for splits, 2-2 crossings, 1-3, ...).  A 1-0 deletion or 0-1
insertion is a sentence whose part has no counterpart.

Near-duplicate distractors: with probability `dup_rate` a 1-1 bead re-uses the
meaning of a bead among the previous `dup_window` ones (a repeated headline,
boilerplate caption, "Photo: ..."), and with probability `dup_deletion_rate` a
one-sided bead repeats a nearby sentence (the Bengali seed repeats its headline
on one side only).  Both are noisy copies, so they are near-duplicates rather
than exact ones.

Bead-type rates default to those of the Text+Berg de-fr gold alignment
(1338 beads: 69% 1-1, 8.5% 2-1, 8.5% 1-2, 6.5% 0-1, 2.1% 2-2, 1.3% 1-3 ...),
restricted to at most 4 sentences a side and made symmetric (p(k,l) = p(l,k),
so insertions and deletions are 3.75% each) so that both sides have about N
sentences.

Everything is drawn from one ``numpy.random.Generator(PCG64(seed))``, so a
(n, d, seed, parameters) tuple always gives bit-identical arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# (src sentences, tgt sentences) -> probability; Text+Berg de-fr gold frequencies,
# rounded, beads with more than 4 sentences on a side folded into their nearest type.
TEXTBERG_RATES: dict[tuple[int, int], float] = {
    (1, 1): 0.690,
    (2, 1): 0.085,
    (1, 2): 0.085,
    (0, 1): 0.065,
    (1, 0): 0.010,
    (2, 2): 0.021,
    (1, 3): 0.013,
    (3, 1): 0.013,
    (1, 4): 0.007,
    (2, 3): 0.005,
    (3, 2): 0.005,
    (3, 3): 0.001,
}


def symmetrised(rates: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """p(k, l) = p(l, k) = mean of the two: both sides then get N sentences in expectation."""
    keys = set(rates) | {(l, k) for k, l in rates}
    return {key: (rates.get(key, 0.0) + rates.get(key[::-1], 0.0)) / 2 for key in sorted(keys)}


# The default: Text+Berg's mix made symmetric (so "N sentences a side" holds for
# both sides: 69% 1-1, 8.5% 2-1 and 1-2, 3.75% 1-0 and 0-1, 2.1% 2-2, ...).
DEFAULT_RATES = symmetrised(TEXTBERG_RATES)

Bead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass
class Planted:
    """A synthetic document pair and its planted (gold) alignment."""

    src: np.ndarray  # (n_src, d) float32, rows L2-normalised
    tgt: np.ndarray  # (n_tgt, d) float32, rows L2-normalised
    gold: list[Bead]  # in document order; one-sided beads included
    seed: int
    params: dict = field(default_factory=dict)
    src_len: np.ndarray | None = None  # (n_src,) characters a sentence of this meaning would have
    tgt_len: np.ndarray | None = None

    @property
    def n_src(self) -> int:
        return int(self.src.shape[0])

    @property
    def n_tgt(self) -> int:
        return int(self.tgt.shape[0])

    def bead_type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s, t in self.gold:
            key = f"{len(s)}-{len(t)}"
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _unit_rows(rng: np.random.Generator, k: int, d: int) -> np.ndarray:
    v = rng.standard_normal((k, d), dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v


def make_planted(
    n: int,
    *,
    d: int = 384,
    seed: int = 0,
    rates: dict[tuple[int, int], float] | None = None,
    noise: float = 0.55,
    noise_spread: float = 0.25,
    anisotropy: float = 0.5,
    dup_rate: float = 0.02,
    dup_deletion_rate: float = 0.005,
    dup_window: int = 20,
) -> Planted:
    """Plant an alignment with about `n` sentences on each side.

    Beads are drawn until the source side holds `n` sentences (the last bead is
    trimmed to fit), so n_src == n exactly; with the default (symmetric) rates
    n_tgt is n within a fraction of a percent at large n.

    noise: norm of the per-sentence Gaussian noise relative to the unit meaning
        vector; 0.55 puts the cosine of a 1-1 translation pair around 0.8 and of
        an unrelated pair around 0.2 (with the default anisotropy), close to
        what multilingual-e5-small gives after centring.
    noise_spread: each sentence's noise norm is noise * exp(noise_spread * z),
        z standard normal, so some translations are much looser than others.
    anisotropy: weight of one direction shared by every sentence.
    """
    if n < 1:
        raise ValueError("n must be >= 1")
    rates = dict(rates or DEFAULT_RATES)
    rng = np.random.default_rng(np.random.PCG64(seed))
    types = list(rates)
    probs = np.array([rates[t] for t in types], dtype=np.float64)
    probs /= probs.sum()

    # 1. the bead skeleton: types, then duplicate decisions
    skeleton: list[tuple[int, int]] = []
    n_src = 0
    while n_src < n:
        k, l = types[rng.choice(len(types), p=probs)]
        if n_src + k > n:  # trim the last bead so the source side is exactly n
            k = n - n_src  # >= 1
        skeleton.append((k, l))
        n_src += k
    n_beads = len(skeleton)

    # 2. meaning parts for every bead; parts of duplicate beads point at earlier beads
    n_parts = [k + l - 1 if k and l else 1 for k, l in skeleton]
    offsets = np.concatenate([[0], np.cumsum(n_parts)]).astype(np.int64)
    parts = _unit_rows(rng, int(offsets[-1]), d)
    one_sided = sum(p for (k, l), p in zip(types, probs) if k == 0 or l == 0)
    one_sided_dup = dup_deletion_rate / one_sided if one_sided else 0.0
    dup_draw = rng.random(n_beads)
    dup_back = rng.integers(1, dup_window + 1, size=n_beads)
    duplicates = 0
    for b, (k, l) in enumerate(skeleton):
        src_b = b - int(dup_back[b])
        if src_b < 0:
            continue
        ok, ol = skeleton[src_b]
        if (k, l) == (1, 1) and (ok, ol) == (1, 1) and dup_draw[b] < dup_rate:
            parts[offsets[b]] = parts[offsets[src_b]]
            duplicates += 1
        elif (k == 0 or l == 0) and ok and ol and dup_draw[b] < one_sided_dup:
            # a one-sided near-copy of a nearby aligned sentence
            parts[offsets[b]] = parts[offsets[src_b]]
            duplicates += 1

    # 3. sentences: which parts each sentence sums, bead by bead
    src_members: list[list[int]] = []
    tgt_members: list[list[int]] = []
    gold: list[Bead] = []
    cut_draw = rng.random(n_beads)  # one uniform per bead picks the cut assignment
    for b, (k, l) in enumerate(skeleton):
        base = int(offsets[b])
        if k == 0 or l == 0:
            if k:
                gold.append(((len(src_members),), ()))
                src_members.append([base])
            else:
                gold.append(((), (len(tgt_members),)))
                tgt_members.append([base])
            continue
        p = k + l - 1
        cuts = list(range(1, p))  # p - 1 == (k - 1) + (l - 1) cut positions
        n_assign = math.comb(p - 1, k - 1)
        pick = min(int(cut_draw[b] * n_assign), n_assign - 1)
        src_cuts = _nth_combination(cuts, k - 1, pick)
        tgt_cuts = [c for c in cuts if c not in src_cuts]
        s_ids, t_ids = [], []
        for lo, hi in _segments(p, src_cuts):
            s_ids.append(len(src_members))
            src_members.append(list(range(base + lo, base + hi)))
        for lo, hi in _segments(p, tgt_cuts):
            t_ids.append(len(tgt_members))
            tgt_members.append(list(range(base + lo, base + hi)))
        gold.append((tuple(s_ids), tuple(t_ids)))

    common = _unit_rows(rng, 1, d)[0]
    src = _render(rng, parts, src_members, common, noise, noise_spread, anisotropy)
    tgt = _render(rng, parts, tgt_members, common, noise, noise_spread, anisotropy)
    # lengths from a generator of their own, so the vectors stay what they were before lengths existed
    lrng = np.random.default_rng(np.random.PCG64([seed, 1]))
    part_len = lrng.lognormal(np.log(PART_CHARS), 0.5, size=len(parts))
    src_len, tgt_len = _lengths(lrng, part_len, src_members), _lengths(lrng, part_len, tgt_members)
    params = dict(n=n, d=d, seed=seed, noise=noise, noise_spread=noise_spread, anisotropy=anisotropy, dup_rate=dup_rate,
                  dup_deletion_rate=dup_deletion_rate, dup_window=dup_window, duplicates=duplicates)
    return Planted(src=src, tgt=tgt, gold=gold, seed=seed, params=params, src_len=src_len, tgt_len=tgt_len)


PART_CHARS = 100.0  # median characters of one meaning part (Text+Berg sentences: ~120)
LENGTH_NOISE = 0.15  # a translation's length varies by about this factor (log scale)


def _lengths(rng: np.random.Generator, part_len: np.ndarray, members: list[list[int]]) -> np.ndarray:
    """Each sentence's length: the sum of its parts' lengths, times a translation's noise."""
    total = np.fromiter((part_len[m].sum() if len(m) > 1 else part_len[m[0]] for m in members), np.float64, len(members))
    return np.maximum(8.0, total * np.exp(LENGTH_NOISE * rng.standard_normal(len(members))))


_FILLER = " ".join(["ab", "cde", "fghij", "klmn", "opq", "rstuvw", "xyz"] * 400)


def _code(k: int) -> str:
    out = []
    while True:
        k, r = divmod(k, 26)
        out.append(chr(97 + r))
        if not k:
            return "".join(out)


def texts(data: Planted) -> tuple[list[str], list[str]]:
    """Stand-in sentence texts with the planted lengths, looked up by an embedder that
    serves the planted vectors (benchmarks.peers.StoredVectors).  Unique, letters only;
    each starts with a capitalised word of its own, so the lexical step has a candidate
    name per sentence to weigh but no anchor shared by both sides."""

    def side(prefix: str, lens: np.ndarray) -> list[str]:
        out = []
        for k, n in enumerate(np.rint(lens).astype(np.int64).tolist()):
            head = f"{prefix}{_code(k)} "
            out.append(head + _FILLER[: max(1, n - len(head))].rstrip())
        return out

    return side("Src", data.src_len), side("Tgt", data.tgt_len)


def _render(rng, parts, members, common, noise, noise_spread, anisotropy) -> np.ndarray:
    n, d = len(members), parts.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    # bulk path for single-part sentences (the vast majority)
    single = np.fromiter((len(m) == 1 for m in members), dtype=bool, count=n)
    first = np.fromiter((m[0] for m in members), dtype=np.int64, count=n)
    out[single] = parts[first[single]]
    for i in np.flatnonzero(~single):
        v = parts[members[i]].sum(axis=0)
        out[i] = v / np.linalg.norm(v)
    out += anisotropy * common
    scale = (noise / math.sqrt(d)) * np.exp(noise_spread * rng.standard_normal(n)).astype(np.float32)
    out += rng.standard_normal((n, d), dtype=np.float32) * scale[:, None]
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def _segments(p: int, cuts: list[int]) -> list[tuple[int, int]]:
    bounds = [0, *sorted(cuts), p]
    return list(zip(bounds[:-1], bounds[1:]))


def _nth_combination(pool: list[int], r: int, index: int) -> list[int]:
    """The index-th r-combination of pool in lexicographic order."""
    out: list[int] = []
    n = len(pool)
    start = 0
    while r:
        for i in range(start, n):
            c = math.comb(n - i - 1, r - 1)
            if index < c:
                out.append(pool[i])
                start = i + 1
                r -= 1
                break
            index -= c
    return out
