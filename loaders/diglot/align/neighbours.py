"""How close each sentence comes to its nearest sentences on the other side.

The DP divides window distances by these (CSLS-style), so a sentence that
looks similar to everything does not win every bead.
"""

from __future__ import annotations

import numpy as np


def neighbourhood(x: np.ndarray, y: np.ndarray, k: int, max_cells: int = 50_000_000):
    """Each sentence's mean cosine to its k nearest sentences on the other side.

    Dividing distances by this (as CSLS and margin scoring do) discounts
    "hub" sentences that look similar to everything.  Needs the full similarity
    matrix, computed in blocks; above max_cells pairs, returns None and the DP
    falls back to the document-mean normalisation.
    """
    if k <= 0 or len(x) * len(y) > max_cells:
        return None, None
    kx, ky = min(k, len(y)), min(k, len(x))
    near_x = np.empty(len(x))
    top_y = np.full((ky, len(y)), -np.inf)
    for start in range(0, len(x), 2048):
        sim = x[start : start + 2048] @ y.T
        near_x[start : start + len(sim)] = -np.sort(-np.partition(sim, len(y) - kx, axis=1)[:, -kx:], axis=1).mean(1)
        top_y = -np.sort(-np.concatenate([top_y, sim]), axis=0)[:ky]
    return near_x, top_y.mean(axis=0)
