"""moved.py: find_moved pairs exactly what the whole distance matrix says; free_moved_edges frees moved sentences in short documents."""

import numpy as np
from conftest import planted_counter

from diglot.align.bead import Bead
from diglot.align.distance import relative_distance
from diglot.align.moved import find_moved, reglue


def _reference(us, ut, x, y, mean_x, mean_y, max_distance=0.45, min_gap=0.15, outside=None):
    """Mutual nearest leftovers, close enough, with a clear runner-up on both sides
    (outside: cells that count as infinitely far)."""
    r = relative_distance(x[us] @ y[ut].T, mean_x[us][:, None], mean_y[ut][None, :])
    r[np.isnan(r)] = np.inf
    if outside is not None:
        r[outside] = np.inf
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


def test_moved_pairs_are_those_of_the_matrix_within_their_reach():
    """With a reach, a pair is judged among the leftovers within the band |j - c(i)| <= reach
    only, as if every cell outside it were infinitely far: a moved sentence is found
    in its chapter, by the same rule in a long book as in a short one."""
    rng = np.random.default_rng(8)
    n, m, reach = 1500, 1200, 60
    x = rng.normal(size=(n, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = x[rng.permutation(n)[:m]] + 0.02 * rng.normal(size=(m, 16)).astype(np.float32)  # moved anywhere
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    mean_x, mean_y = x @ y.mean(0), y @ x.mean(0)
    beads = [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
    out = find_moved(beads, x, y, mean_x, mean_y, reach=reach)
    got = {b.src[0]: b.tgt[0] for b in out if b.src and b.tgt}
    centre = np.floor((np.arange(n) + 0.5) * (m / n))
    far = np.abs(np.arange(m)[None, :] - centre[:, None]) > reach
    reference = _reference(np.arange(n), np.arange(m), x, y, mean_x, mean_y, outside=far)
    assert got == reference and 50 < len(got) < 0.5 * n  # some moved within reach, most beyond it
    assert len(_reference(np.arange(n), np.arange(m), x, y, mean_x, mean_y)) > 2 * len(got)  # anywhere: many more


def test_a_moved_sentence_with_high_odds_is_freed_where_the_odds_search_the_whole_document(monkeypatch):
    """Planted devshort with 5% of the sentences moved: in a pair too short for a
    windowed odds search, counterpart_odds searches the whole other document, so a
    moved sentence glued onto a bead has high odds (its counterpart is there, only
    elsewhere).  free_moved_edges then frees it when its lone match is closer to it
    than its bead's other side is, and find_moved pairs it."""
    import diglot.align as api

    count = planted_counter(("devshort", 0.0, "moved"))
    monkeypatch.setattr(api, "MOVED_MIN_GAIN", None)  # its own route frees some of the same sentences

    blind = count().moved_found
    free = api.free_moved_edges
    monkeypatch.setattr(api, "free_moved_edges", lambda *args, **kwargs: free(*args, **{**kwargs, "odds_blind": False}))
    assert blind >= count().moved_found + 4


def test_searches_whole_is_counterpart_odds_rule():
    from diglot.align.counterpart import WINDOW, searches_whole

    assert searches_whole(2 * (2 * WINDOW + 1) - 1, 500)
    assert not searches_whole(2 * (2 * WINDOW + 1), 2 * (2 * WINDOW + 1))


def test_a_short_pair_judges_moves_on_levels_from_fewer_pairs(monkeypatch):
    """Planted devshort at 30% with 5% of the sentences moved: many short pairs have
    fewer confident 1-1 beads than centred_levels asks for; their moves are judged
    on levels from SHORT_MOVED_PAIRS, not on the raw fallback distance."""
    import diglot.align as api

    count = planted_counter(("devshort", 0.3, "moved"))

    few = count().moved_found
    monkeypatch.setattr(api, "SHORT_MOVED_PAIRS", 10**9)
    assert few >= count().moved_found + 4


def test_a_moved_pair_whose_lengths_fit_passes_on_a_lower_share(monkeypatch):
    """Planted devsec with 5% of the sentences moved: a loose moved translation
    below MOVED_SHARE is paired from MOVED_FIT_SHARE on when its length ratio
    fits what translates (MOVED_MAX_MISFIT)."""
    import diglot.align as api

    count = planted_counter(("devsec", 0.0, "moved"))

    fitting = count().moved_found
    monkeypatch.setattr(api, "MOVED_FIT_SHARE", np.inf)
    assert fitting >= count().moved_found + 5


def test_find_moved_pairs_below_min_share_only_where_lengths_fit():
    """Two leftovers facing each other at 0.75 of the way to the match level: paired
    when their lengths fit, left alone when one is three times too long."""
    rng = np.random.default_rng(3)
    d = 64
    base = rng.normal(size=(12, d))
    x = base + 0.05 * rng.normal(size=base.shape)
    y = base + 0.05 * rng.normal(size=base.shape)
    # sentence 11 and target 0 are a loose pair: between unrelated and translated
    x[11] = rng.normal(size=d)
    y[0] = 0.8 * x[11] + 0.7 * rng.normal(size=d)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    beads = [Bead((), (0,), 0.0)] + [Bead((k,), (k,), 1.0) for k in range(1, 11)] + [Bead((11,), (), 0.0)]
    means = (x.mean(0), y.mean(0))
    from diglot.align.unmatched import centred_row_cos

    match = float(np.median(centred_row_cos(x, y, means, np.arange(1, 11), np.arange(1, 11))))
    background = float(np.median(centred_row_cos(x, y, means, np.arange(1, 10), np.arange(2, 11))))
    share = (centred_row_cos(x, y, means, np.array([11]), np.array([0]))[0] - background) / (match - background)
    lo, hi = share - 0.05, share + 0.05  # the pair sits between the fit share and min_share
    mx, my = x @ y.mean(0), y @ x.mean(0)

    def moved(lengths):
        out = find_moved(beads, x, y, mx, my, centred=(means, (match, background)), min_share=hi,
                         next_share=np.inf, lengths=lengths, fit_share=lo, max_misfit=0.4)
        return [b for b in out if not b.monotonic]

    even = np.full(12, 50.0)
    assert not moved(None)
    assert [(b.src, b.tgt) for b in moved((even, even, 1.0))] == [((11,), (0,))]
    long_tgt = even.copy()
    long_tgt[0] = 150.0
    assert not moved((even, long_tgt, 1.0))


def test_a_moved_sentence_whose_bead_matches_nearby_is_freed_by_its_lone_match(monkeypatch):
    """Planted devshort with 5% of the sentences moved: a moved sentence glued onto a
    bead whose other sentence has its counterpart nearby does not have low odds,
    yet its translation, left one-sided elsewhere, is far closer to it than its
    bead is (MOVED_MIN_GAIN): free_moved_edges frees it and find_moved pairs it."""
    import diglot.align as api

    count = planted_counter(("devshort", 0.0, "moved"))

    gained = count().moved_found
    monkeypatch.setattr(api, "MOVED_MIN_GAIN", None)
    assert gained >= count().moved_found + 4


def test_the_lone_match_of_a_high_odds_sentence_is_searched_within_its_reach():
    """_best_lone_within: each row's best one-sided sentence of the other side among
    those within the band around the diagonal, whatever the 1024-row blocks; rows
    with none in reach get no entry; reach None searches them all."""
    from diglot.align.moved import _best_lone_within
    from diglot.align.unmatched import centred_unit

    rng = np.random.default_rng(7)
    n, m = 3000, 3300
    x, y = rng.normal(size=(n, 16)).astype(np.float32), rng.normal(size=(m, 16)).astype(np.float32)
    means = (x.mean(0).astype(np.float64), y.mean(0).astype(np.float64))
    rows = np.sort(rng.choice(n, 1500, replace=False))
    lone = np.sort(rng.choice(m, 150, replace=False))
    for reach in (None, 3, 40):
        got = _best_lone_within(rows, 0, (x, y), means, lone, reach)
        width = m if reach is None else int(np.ceil(reach * m / n))
        want = {}
        for i in rows.tolist():
            cand = lone[np.abs(lone - int((i + 0.5) * m / n)) <= width]
            if len(cand):
                cos = centred_unit(y, cand, means[1]) @ centred_unit(x, [i], means[0])[0]
                want[(0, i)] = int(cand[cos.argmax()])
        assert {k: p for k, (_, p) in got.items()} == want
        assert reach != 3 or len(want) < len(rows)  # a narrow reach leaves some rows without a match


def _sentences(beads):
    return sorted(i for b in beads for i in b.src), sorted(j for b in beads for j in b.tgt)


def test_reglue_puts_back_what_was_freed_from_both_sides_of_one_bead():
    """free_moved_edges freed source 2 and target 2 of the bead (0 1 2 | 0 1 2);
    find_moved left both alone, so both go back, and no sentence is lost."""
    beads = [Bead((0, 1), (0, 1), 0.9), Bead((2,), (), 0.0), Bead((), (2,), 0.0), Bead((3,), (3,), 0.9)]
    freed = {(0, 2): (0, 0), (1, 2): (1, 0)}
    out = reglue(beads, freed)
    assert [(b.src, b.tgt) for b in out] == [((0, 1, 2), (0, 1, 2)), ((3,), (3,))]


def test_reglue_leaves_a_freed_sentence_alone_when_its_bead_is_gone_or_it_was_paired():
    beads = [Bead((0,), (), 0.0), Bead((), (0,), 0.0), Bead((1,), (), 0.0), Bead((2,), (1,), 0.8, False)]
    freed = {(0, 1): (0, 0), (0, 2): (0, 0)}  # 0, their anchor, is one-sided now; 2 was paired
    out = reglue(beads, freed)
    assert [(b.src, b.tgt) for b in out] == [(b.src, b.tgt) for b in beads]
    assert _sentences(out) == ([0, 1, 2], [0, 1])
