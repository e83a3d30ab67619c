"""The one distance the aligner compares sentences and windows by.

r = 2 (1 - cos) / ((1 - near_src) + (1 - near_tgt)): the cosine distance of a
pair divided by the mean of its two sides' usual distances to the other
document ("near" is each side's typical cosine there: its nearest neighbour's,
or its mean, depending on the caller).  About 1 for a pair no closer than
usual, small for a translation; a sentence that looks similar to everything
(a hub) gains nothing from it.  Compiled, so the DP kernels inline it; it also
takes numpy arrays.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, inline="always")
def relative_distance(cos, near_src, near_tgt):
    return 2.0 * (1.0 - cos) / np.maximum((1.0 - near_src) + (1.0 - near_tgt), 1e-3)
