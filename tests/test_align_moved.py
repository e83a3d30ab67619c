"""moved.py: find_moved pairs exactly what the whole distance matrix says; free_moved_edges frees moved sentences in short documents."""

import numpy as np

from diglot.align.bead import Bead
from diglot.align.distance import relative_distance
from diglot.align.moved import find_moved


def _reference(us, ut, x, y, mean_x, mean_y, max_distance=0.45, min_gap=0.15):
    """Mutual nearest leftovers, close enough, with a clear runner-up on both sides."""
    r = relative_distance(x[us] @ y[ut].T, mean_x[us][:, None], mean_y[ut][None, :])
    r[np.isnan(r)] = np.inf
    order_rows, order_cols = np.sort(r, axis=1), np.sort(r, axis=0)
    second_row = order_rows[:, 1] if r.shape[1] > 1 else np.full(len(us), np.inf)
    second_col = order_cols[1] if r.shape[0] > 1 else np.full(len(ut), np.inf)
    best_t, best_s = r.argmin(1), r.argmin(0)
    pairs = {}
    for k, c in enumerate(best_t):
        b = r[k, c]
        if best_s[c] == k and b <= max_distance and second_row[k] - b >= min_gap and second_col[c] - b >= min_gap:
            pairs[int(us[k])] = int(ut[c])
    return pairs


def test_moved_pairs_are_those_of_the_whole_matrix():
    rng = np.random.default_rng(3)
    found = 0
    for trial in range(6):
        n = 1500
        x = rng.normal(size=(n, 16)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        y = x + 0.02 * rng.normal(size=(n, 16)).astype(np.float32)
        y /= np.linalg.norm(y, axis=1, keepdims=True)
        y[rng.integers(0, n, 100)] = y[0]  # repeated rows: ties in both directions
        mean_x, mean_y = x @ y.mean(0), y @ x.mean(0)
        if trial % 2:
            mean_x[5] = np.nan  # its distances rank last
        beads = [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (int(j),), 0.0) for j in rng.permutation(n)]
        out = find_moved(beads, x, y, mean_x, mean_y)
        got = {b.src[0]: b.tgt[0] for b in out if b.src and b.tgt}
        us = np.arange(n)
        ut = np.array([b.tgt[0] for b in beads if not b.src])
        assert got == _reference(us, ut, x, y, mean_x, mean_y)
        assert all(not b.monotonic for b in out if b.src and b.tgt)
        found += len(got)
    assert found > 1000


def test_a_moved_sentence_with_high_odds_is_freed_where_the_odds_search_the_whole_document(monkeypatch):
    """Planted devshort with 5% of the sentences moved: in a pair too short for a
    windowed odds search, counterpart_odds searches the whole other document, so a
    moved sentence glued onto a bead has high odds (its counterpart is there, only
    elsewhere).  free_moved_edges then frees it when its lone match is closer to it
    than its bead's other side is, and find_moved pairs it."""
    import sys
    from pathlib import Path

    import diglot.align as api
    from diglot.align import align

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import planted

    docs = planted.planted_docs("devshort", 0.0, planted.MOVES)

    def found() -> int:
        result = planted.score(docs, [align(d.src, d.tgt) for d in docs])
        return round(result["moved_found"] * result["moved"])

    blind = found()
    free = api.free_moved_edges
    monkeypatch.setattr(api, "free_moved_edges", lambda *args, **kwargs: free(*args, **{**kwargs, "odds_blind": False}))
    assert blind >= found() + 4


def test_searches_whole_is_counterpart_odds_rule():
    from diglot.align.counterpart import WINDOW, searches_whole

    assert searches_whole(2 * (2 * WINDOW + 1) - 1, 500)
    assert not searches_whole(2 * (2 * WINDOW + 1), 2 * (2 * WINDOW + 1))


def test_a_short_pair_judges_moves_on_levels_from_fewer_pairs(monkeypatch):
    """Planted devshort at 30% with 5% of the sentences moved: many short pairs have
    fewer confident 1-1 beads than centred_levels asks for; their moves are judged
    on levels from SHORT_MOVED_PAIRS, not on the raw fallback distance."""
    import sys
    from pathlib import Path

    import diglot.align as api
    from diglot.align import align

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import planted

    docs = planted.planted_docs("devshort", 0.3, planted.MOVES)

    def found() -> int:
        result = planted.score(docs, [align(d.src, d.tgt) for d in docs])
        return round(result["moved_found"] * result["moved"])

    few = found()
    monkeypatch.setattr(api, "SHORT_MOVED_PAIRS", 10**9)
    assert few >= found() + 4
