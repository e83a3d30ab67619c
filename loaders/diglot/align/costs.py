"""The cost model of the DP: which bead shapes exist and what each costs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# parameter vector layout shared with the compiled kernels
P_DEL, P_LEN, P_LEN_CAP, P_ANCHOR = range(4)

DEL_S, DEL_T = 0, 1  # every type table starts with the deletion (1-0) and the insertion (0-1)
LARGE_BEAD = 6  # sentences in a bead (both sides) from which Params.large is added
# Most sentences a side in one bead, by default (a + b <= MAX_SIZE + 1).  5 reaches
# the 1-5, 2-4 and 3-3 beads real translations have; strict F1 rises with it on
# Text+Berg dev and on every set planted from it (align_tune.py --max-size 4
# gives the other side of the trade: less time and memory).
MAX_SIZE = 5
# characters added to both lengths of a length ratio, so that short lines (a
# heading, a number) are not judged by a ratio of a few characters
LENGTH_SMOOTHING = 20.0


def log_length_ratio(src_length, tgt_length, ratio: float):
    """log of a bead's target length against its source length times `ratio` (the
    target-to-source ratio of what translates), smoothed: the length term's deviation."""
    return np.log((tgt_length + LENGTH_SMOOTHING) / (ratio * src_length + LENGTH_SMOOTHING))


def bead_types(max_size: int) -> np.ndarray:
    """Deletion, insertion, then every a-b with a, b <= max_size and a + b <= max_size + 1."""
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1, got {max_size}")
    types = [(1, 0), (0, 1)]
    for a in range(1, max_size + 1):
        for b in range(1, max_size + 1):
            if a + b <= max_size + 1:
                types.append((a, b))
    return np.array(types, dtype=np.int64)


@dataclass
class Params:
    """Cost model. Costs add up along the path; the DP minimises the total.

    A bead a-b (a, b >= 1) costs  scale[a,b] * r + prior[a,b] + length + anchors,
    where r is distance.relative_distance of the window cosine (~1 for
    unrelated text, small for translations).  A deletion or
    insertion costs `delete`, or `gap_ext * delete` when it continues a run of
    deletions (insertions) right before it.
    """

    # Defaults tuned on Text+Berg dev only; delete and gap_ext also on dev with
    # planted omissions (benchmarks/textberg_eval.py --gap-grid).
    delete: float = 1.5
    length: float = 0.1  # weight of the squared log length-ratio deviation
    length_cap: float = 8.0
    anchor: float = 0.3  # weight of mismatched shared tokens/numbers (-1..1)
    # per extra sentence in a bead (summed vectors average out noise, so merging
    # two good 1-1 beads into a 2-2 can cost about the same as keeping them)
    merge: float = 0.0
    # A deletion that continues a run of deletions on the same side costs this
    # fraction of `delete` (affine gap): passages one version lacks come whole.
    # Without it the path glues such passages onto neighbouring beads, since an
    # unrelated sentence added to a summed window costs less than `delete`.
    gap_ext: float = 0.7
    scale: dict = field(default_factory=dict)  # (a, b) -> multiplier of r, default a*b as in Vecalign
    # (a, b) -> additive cost: a 1-2 or 2-1 bead must beat a 1-1 plus a deletion clearly
    prior: dict = field(default_factory=lambda: {(1, 2): 0.1, (2, 1): 0.1})
    # additive cost of a bead of LARGE_BEAD sentences or more not named in `prior`
    # (1-5, 3-3, ...): gold has such beads, but a summed window of six sentences
    # matches its other side well even when one of them is a passage the other
    # version lacks, so it must beat the smaller beads it replaces clearly
    # (Text+Berg dev, planted dev: 0.2 keeps the planted one-sided sentences
    # one-sided, 0 glues some onto six-sentence beads)
    large: float = 0.2

    def arrays(self, types: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not 0.0 < self.gap_ext <= 1.0:
            raise ValueError(f"gap_ext must be in (0, 1], got {self.gap_ext}")
        scale = np.empty(len(types))
        prior = np.zeros(len(types))
        for t, (a, b) in enumerate(types):
            key = (int(a), int(b))
            scale[t] = self.scale.get(key, 1.0 if a == 0 or b == 0 else float(a * b))
            default = self.large if a and b and a + b >= LARGE_BEAD else 0.0
            prior[t] = self.prior.get(key, default) + (self.merge * (a + b - 2) if a and b else 0.0)
        vec = np.array([self.delete, self.length, self.length_cap, self.anchor])
        return vec, scale, prior
