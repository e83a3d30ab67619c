"""Each pass of align() shows in align()'s own output (the unit tests of the passes
call them directly, so these are what fails when align() stops calling one)."""

from __future__ import annotations

import numpy as np
from conftest import planted_counter

from diglot.align import DEFAULT_PARAMS, align
from diglot.align.bead import Bead
from diglot.align.costs import Params, bead_types

from test_align_partial import Table, _unit, corpus


def _vectors(emb: Table, texts) -> np.ndarray:
    return np.stack([emb.vectors[t] for t in texts]).astype(np.float64)


def test_a_sentence_moved_far_away_is_paired_out_of_order():
    emb = corpus(80, 0, 0, seed=11)
    src = [f"p{k}/s" for k in range(80)]
    order = [*range(10), *range(11, 60), 10, *range(60, 80)]  # sentence 10 moved 49 places on
    tgt = [f"p{k}/t" for k in order]
    beads = align(src, tgt, embedder=emb)
    moved = [(b.src, b.tgt) for b in beads if not b.monotonic]
    assert moved == [((10,), (order.index(10),))]
    assert all(b.monotonic for b in align(src, tgt, embedder=emb, moved=False))


def test_scores_are_cosines_of_the_summed_sides():
    emb = corpus(60, 5, 5, seed=12)
    src = [f"p{k}/s" for k in range(60)] + [f"xs{k}" for k in range(5)]
    tgt = [f"xt{k}" for k in range(5)] + [f"p{k}/t" for k in range(60)]
    beads = align(src, tgt, embedder=emb)
    for b in beads:
        if b.src and b.tgt:
            a, c = _vectors(emb, [src[i] for i in b.src]).sum(0), _vectors(emb, [tgt[j] for j in b.tgt]).sum(0)
            want = min(1.0, max(0.0, float(a @ c / np.sqrt((a @ a) * (c @ c)))))
            assert abs(b.score - want) < 1e-5, b
        else:
            assert b.score == 0.0


def test_confidence_is_a_probability_and_higher_for_right_beads():
    emb = corpus(150, 30, 30, seed=13)
    rng = np.random.default_rng(13)
    src = [f"p{k}/s" for k in range(150)]
    tgt = [f"p{k}/t" for k in range(150)]
    src = src[:40] + [f"xs{k}" for k in range(30)] + src[40:]
    tgt = tgt[:100] + [f"xt{k}" for k in range(30)] + tgt[100:]
    beads = align(src, tgt, embedder=emb)
    assert all(0.0 <= b.confidence <= 1.0 for b in beads)
    right = [b.confidence for b in beads if b.src and b.tgt and src[b.src[0]][1:-2] == tgt[b.tgt[0]][1:-2]]
    assert np.mean(right) > 0.8
    del rng


def test_one_to_two_prior_decides_a_close_call():
    """A source sentence whose translation is split in two, the second half weak:
    with the 1-2 prior's price the path takes 1-1 and leaves the half alone;
    without it, 1-2 (the summed window is a little closer)."""
    rng = np.random.default_rng(16)
    dim = 32
    core = rng.standard_normal((30, dim))
    weak = rng.standard_normal(dim)
    vec = {f"s{k}": _unit(core[k] + 0.4 * rng.standard_normal(dim)) for k in range(30)}
    vec |= {f"t{k}": _unit(core[k] + 0.4 * rng.standard_normal(dim)) for k in range(30)}
    vec["s15"] = _unit(_unit(core[15]) + 0.3 * _unit(weak))
    vec["t15b"] = _unit(weak)
    emb = Table(vec)
    src = [f"s{k}" for k in range(30)]
    tgt = [f"t{k}" for k in range(16)] + ["t15b"] + [f"t{k}" for k in range(16, 30)]

    def bead_of_15(params: Params):
        return next(b.tgt for b in align(src, tgt, embedder=emb, params=params, counterpart_pass=False) if 15 in b.src)

    no_prior = Params(**{**DEFAULT_PARAMS.__dict__, "prior": {}})
    assert bead_of_15(DEFAULT_PARAMS) != bead_of_15(no_prior)


def _one_to_five(seed: int = 0, dim: int = 48, noise: float = 0.4):
    """Source sentence 15 says what target sentences 15a-15e say, one part each;
    the rest of the 30 sentences are 1-1."""
    rng = np.random.default_rng(seed)
    core = rng.standard_normal((30, dim))
    parts = rng.standard_normal((5, dim))
    vec = {f"s{k}": _unit(core[k] + noise * rng.standard_normal(dim)) for k in range(30)}
    vec |= {f"t{k}": _unit(core[k] + noise * rng.standard_normal(dim)) for k in range(30)}
    vec["s15"] = _unit(_unit(parts).sum(0))
    vec |= {f"t15{c}": _unit(parts[q] + noise * rng.standard_normal(dim)) for q, c in enumerate("abcde")}
    src = [f"s{k}" for k in range(30)]
    tgt = [f"t{k}" for k in range(15)] + [f"t15{c}" for c in "abcde"] + [f"t{k}" for k in range(16, 30)]
    return src, tgt, Table(vec)


def test_a_sentence_translated_in_five_is_one_bead():
    """max_size=5, the default, reaches a 1-5 bead; with 4 a side the fifth part is cut off."""
    src, tgt, emb = _one_to_five()

    def bead_of_15(**kw):
        return next(b.tgt for b in align(src, tgt, embedder=emb, **kw) if 15 in b.src)

    assert bead_of_15() == bead_of_15(max_size=5) == (15, 16, 17, 18, 19)
    assert bead_of_15(max_size=4) != (15, 16, 17, 18, 19)


def test_beads_of_six_sentences_pay_the_large_prior():
    """Params.large reaches the DP: priced high, the 1-5 bead above is not taken."""
    src, tgt, emb = _one_to_five()
    dear = Params(**{**DEFAULT_PARAMS.__dict__, "large": 3.0})
    beads = align(src, tgt, embedder=emb, params=dear, max_size=5)
    assert next(b.tgt for b in beads if 15 in b.src) != (15, 16, 17, 18, 19)
    _, _, prior = DEFAULT_PARAMS.arrays(bead_types(5))
    by_type = {(int(a), int(b)): p for (a, b), p in zip(bead_types(5), prior)}
    assert by_type[(1, 5)] == by_type[(3, 3)] == by_type[(4, 2)] == DEFAULT_PARAMS.large > 0
    assert by_type[(1, 4)] == by_type[(2, 2)] == 0.0 and by_type[(1, 2)] == 0.1


def _planted_left_one_sided(rate: float):
    """A function counting the planted sentences align() leaves one-sided on planted dev at `rate`."""
    count = planted_counter(("dev", rate))
    return lambda: count().left_alone


def test_a_run_without_counterpart_takes_back_its_glued_edge(monkeypatch):
    """Planted dev at 10% (passages added and taken out on either side):
    trim_runs gives back to those passages sentences the DP glued onto a
    neighbouring bead."""
    import diglot.align as api

    left_alone = _planted_left_one_sided(0.1)
    with_runs = left_alone()
    monkeypatch.setattr(api, "trim_runs", lambda beads, *args, **kwargs: beads)
    assert with_runs >= left_alone() + 5


def anisotropic(pairs: int, extra_src: int, extra_tgt: int, seed: int, dim: int = 64, common: float = 2.0) -> Table:
    """Like test_align_partial.corpus, but every vector shares one common direction, as
    real sentence embeddings do (unrelated sentences score 0.7-0.85, translations 0.95)."""
    rng = np.random.default_rng(seed)
    shared = common * _unit(rng.standard_normal(dim)) * np.sqrt(dim)
    core = rng.standard_normal((pairs, dim))
    vec = {}
    for k in range(pairs):
        vec[f"p{k}/s"] = _unit(shared + core[k] + 0.5 * rng.standard_normal(dim))
        vec[f"p{k}/t"] = _unit(shared + core[k] + 0.5 * rng.standard_normal(dim))
    vec |= {f"xs{k}": _unit(shared + rng.standard_normal(dim)) for k in range(extra_src)}
    vec |= {f"xt{k}": _unit(shared + rng.standard_normal(dim)) for k in range(extra_tgt)}
    return Table(vec)


def _glued(beads, src, tgt) -> int:
    """Sentences without counterpart (named x...) that sit in a two-sided bead."""
    two = [b for b in beads if b.src and b.tgt]
    return sum(src[i].startswith("x") for b in two for i in b.src) + sum(tgt[j].startswith("x") for b in two for j in b.tgt)


def test_a_line_one_version_alone_has_at_either_end_stays_one_sided(monkeypatch):
    """A title in one version only, a closing line in the other: the path glues
    them onto the first and last beads; trim_runs gives them back (the ends of
    the documents count as a run without counterpart)."""
    import diglot.align as api

    def glued_total():
        total = 0
        for seed in range(10):
            emb = anisotropic(40, 1, 1, seed + 20, common=3.0)
            src = [f"p{k}/s" for k in range(40)] + ["xs0"]
            tgt = ["xt0"] + [f"p{k}/t" for k in range(40)]
            total += _glued(align(src, tgt, embedder=emb), src, tgt)
        return total

    with_trim = glued_total()
    assert with_trim <= 4
    monkeypatch.setattr(api, "trim_runs", lambda beads, *args, **kwargs: beads)
    assert glued_total() >= with_trim + 8


def test_two_runs_without_counterpart_facing_each_other_are_not_paired(monkeypatch):
    """A passage added to the source right where another was added to the target:
    the path pairs the two (their raw cosines are high, as every cosine is);
    split_unrelated sees that, centred, they are unrelated."""
    import diglot.align as api

    def glued_total():
        total = 0
        for seed in range(4):
            emb = anisotropic(80, 6, 6, seed)
            src = [f"p{k}/s" for k in range(40)] + [f"xs{k}" for k in range(6)] + [f"p{k}/s" for k in range(40, 80)]
            tgt = [f"p{k}/t" for k in range(40)] + [f"xt{k}" for k in range(6)] + [f"p{k}/t" for k in range(40, 80)]
            total += _glued(align(src, tgt, embedder=emb), src, tgt)
        return total

    with_split = glued_total()
    monkeypatch.setattr(api, "split_unrelated", lambda beads, *args, **kwargs: beads)
    assert glued_total() >= with_split + 5


def test_facing_passages_on_the_documents_topic_are_split(monkeypatch):
    """Planted dev at 30% with moves and devsec at 30%: passages added on both
    sides at one place, on the documents' own topic, are each other's best
    cosine nearby, so their odds of a counterpart are only mildly low;
    split_unrelated still splits them when no sentence of the bead is more
    likely than not to have a counterpart.  (Only where the odds separate well:
    with the lexical embedder the loose gate splits true beads,
    test_align_io.test_lexical_on_a_slice_of_dev.)  Since the deletion costs
    follow each pair's counterpart_share the second DP leaves most such
    passages one-sided itself: the gate now keeps a couple more."""
    import diglot.align as api

    count = planted_counter(("dev", 0.3, "moved"), ("devsec", 0.3))

    loose = count().left_alone
    monkeypatch.setattr(api, "UNRELATED_MAX_LOG_ODDS", api.RUN_MAX_LOG_ODDS)
    assert loose >= count().left_alone + 2


def test_glued_stretches_are_judged_on_centred_vectors(monkeypatch):
    """Planted dev at 30%: the second trim_runs (centred vectors) leaves more
    planted sentences one-sided than the raw one alone."""
    import diglot.align as api

    left_alone = _planted_left_one_sided(0.3)
    both = left_alone()
    trim = api.trim_runs
    def raw_only(beads, x, y, means, *args, **kwargs):
        return beads if means is not None else trim(beads, x, y, means, *args, **kwargs)

    monkeypatch.setattr(api, "trim_runs", raw_only)
    assert both >= left_alone() + 3


def test_a_split_off_clause_stays_with_its_bead_by_length(monkeypatch, textberg_dev):
    """Text+Berg dev gold has [285]:[330, 331]: French 330 is the first half of a
    sentence broken by OCR ('A la demande de 1' oiScier de liaison , capt .'),
    with low odds of a counterpart and next to a one-sided line.  Centred, it
    looks as unrelated as a glued stranger; the length ratio keeps it."""
    import diglot.align as api

    def has_gold_bead():
        return ((285,), (330, 331)) in {(b.src, b.tgt) for b in align(textberg_dev.src, textberg_dev.tgt)}

    assert has_gold_bead()
    trim = api.trim_runs

    def without_lengths(beads, *args, lengths=None, **kwargs):
        return trim(beads, *args, **kwargs)

    monkeypatch.setattr(api, "trim_runs", without_lengths)
    assert not has_gold_bead()


def test_a_translation_unit_cut_in_two_is_joined(monkeypatch, textberg_dev):
    """Text+Berg dev gold has [8, 9]:[10, 11, 12], [225, 226]:[267, 268, 269] and
    [253, 254]:[296, 297]; the DP cuts each in two pieces whose length ratios err
    in opposite directions, and join_complementary puts them together again."""
    import diglot.align as api

    units = [((8, 9), (10, 11, 12)), ((225, 226), (267, 268, 269)), ((253, 254), (296, 297))]

    def found() -> list[bool]:
        beads = {(b.src, b.tgt) for b in align(textberg_dev.src, textberg_dev.tgt)}
        return [u in beads for u in units]

    assert found() == [True, True, True]
    monkeypatch.setattr(api, "join_complementary", lambda beads, *args, **kwargs: beads)
    assert found() == [False, False, False]


def test_two_translation_units_in_one_bead_are_cut(monkeypatch, textberg_dev):
    """Text+Berg dev gold has [215]:[255] and [216, 217]:[256]; the DP makes one
    3-2 bead of them, and cut_unrelated_halves cuts it where gold does."""
    import diglot.align as api

    def found() -> list[bool]:
        beads = {(b.src, b.tgt) for b in align(textberg_dev.src, textberg_dev.tgt)}
        return [((215,), (255,)) in beads, ((216, 217), (256,)) in beads]

    assert found() == [True, True]
    monkeypatch.setattr(api, "cut_unrelated_halves", lambda beads, *args, **kwargs: beads)
    assert found() == [False, False]


def test_lengths_are_judged_against_the_ratio_of_what_translates(monkeypatch):
    """Planted dev at 10%: passages added on one side skew the documents' length
    ratio, so true beads look too short on the other side and glued strangers
    seem to fix them.  The second pass and trim_runs use the ratio of the
    confident 1-1 beads instead; strict F1 is higher for it."""
    import sys
    from pathlib import Path

    import diglot.align as api

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import planted

    docs = planted.planted_docs("dev", 0.1)

    def f1():
        return planted.score(docs, [align(d.src, d.tgt) for d in docs])["f1_strict"]

    matched = f1()
    monkeypatch.setattr(api, "matched_length_ratio", lambda *args: args[-1])
    assert matched >= f1() + 0.005


def test_moved_pairs_are_judged_against_the_documents_centred_levels(monkeypatch):
    """Planted dev at 30% with 5% of the sentences moved (benchmarks/planted.py):
    judged by their centred cosine against this document pair's own levels,
    find_moved pairs more of the moved translations and fewer of the passages
    one version alone has than with a fixed bound on the relative distance."""
    import diglot.align as api

    count = planted_counter(("dev", 0.3, "moved"))
    centred = count()
    monkeypatch.setattr(api, "centred_levels", lambda *args, **kwargs: None)
    fixed = count()
    assert centred.moved_found >= fixed.moved_found + 2 and centred.left_alone >= fixed.left_alone + 1


def _moved_pairs_found_on_planted_dev():
    """A call counting the moved gold pairs align() finds exactly on planted dev with 5% moved."""
    count = planted_counter(("dev", 0.0, "moved"))
    return lambda: count().moved_found


def test_a_moved_passage_is_recovered_as_a_whole(monkeypatch):
    """Planted dev with 5% of the sentences moved in passages of 1-3: a moved
    sentence next to a moved pair, on both sides and in the same order, joins
    it although it alone would not pass find_moved's bound (nor the lower bound
    for pairs whose lengths fit, which the growth overlaps: set aside here)."""
    import diglot.align as api

    found = _moved_pairs_found_on_planted_dev()
    monkeypatch.setattr(api, "MOVED_FIT_SHARE", np.inf)
    grown = found()
    monkeypatch.setattr(api, "MOVED_NEXT_SHARE", np.inf)  # no neighbour ever passes
    assert grown >= found() + 4


def test_a_moved_sentence_glued_onto_a_bead_is_taken_out_and_paired(monkeypatch):
    """Planted dev with 5% of the sentences moved: the path glues a lone moved
    sentence onto a neighbouring bead; free_moved_edges takes it out for
    find_moved to pair."""
    import diglot.align as api

    found = _moved_pairs_found_on_planted_dev()
    freed = found()
    monkeypatch.setattr(api, "free_moved_edges", lambda beads, *args, **kwargs: (beads, {}))
    assert freed >= found() + 2


def test_a_sentence_taken_out_for_find_moved_but_not_paired_goes_back(monkeypatch, textberg_dev):
    """Text+Berg dev: edge sentences free_moved_edges takes out that find_moved
    does not pair belong to their bead (reglue puts them back)."""
    import diglot.align as api
    from diglot.align.evaluate import score

    def f1():
        beads = align(textberg_dev.src, textberg_dev.tgt)
        return score([(textberg_dev.gold, [(b.src, b.tgt) for b in beads])]).f1_strict

    back = f1()
    monkeypatch.setattr(api, "reglue", lambda beads, freed: beads)
    assert back >= f1() + 0.002


def test_deletions_cost_less_where_the_pair_itself_lacks_more(monkeypatch):
    """Planted devsec at 30% (short sections of dev planted into each other,
    benchmarks/planted.py): the deletion costs' bias follows each document
    pair's own counterpart_share, so a pair with many passages one side lacks
    leaves more of them one-sided than the bias for near-parallel text does."""
    import sys
    from pathlib import Path

    import diglot.align as api

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import planted

    docs = planted.planted_docs("devsec", 0.3)

    def one_sided():
        return planted.score(docs, [align(d.src, d.tgt) for d in docs])["planted_one_sided"]

    adaptive = one_sided()
    monkeypatch.setattr(api, "SHARE_SLOPE", 0.0)
    assert adaptive >= one_sided() + 0.03


def test_counterpart_share_falls_as_sentences_without_counterpart_grow():
    from diglot.align.counterpart import Odds, counterpart_share

    rng = np.random.default_rng(5)

    def share(lacking: int) -> float:
        matched, alone = rng.normal(4.0, 2.0, 200 - lacking), rng.normal(-5.0, 2.0, lacking)
        odds = np.concatenate([matched, alone])
        return counterpart_share(Odds(odds[:100], odds[100:], 0.8, 0.5, 0.05, "levels"))

    shares = [share(k) for k in (0, 20, 60, 120)]
    assert all(a > b for a, b in zip(shares, shares[1:])), shares
    assert abs(shares[2] - 0.7) < 0.05, shares
    assert counterpart_share(Odds(np.zeros(3), np.zeros(3), 1.0, 0.0, 1.0, "too short")) == 1.0


def test_odds_bias_follows_the_share_within_bounds(monkeypatch):
    """ODDS_BIAS for pairs as parallel as Text+Berg dev or more, for untrusted odds and
    below SHARE_MIN (no evidence); lower as the share falls, never below MIN_ODDS_BIAS."""
    import diglot.align as api
    from diglot.align.counterpart import Odds

    def bias(share: float, match: float = 0.9) -> float:
        monkeypatch.setattr(api, "counterpart_share", lambda odds: share)
        return api._odds_bias(Odds(np.zeros(2), np.zeros(2), match, 0.5, 0.05, "levels"))

    assert bias(0.95) == bias(api.SHARE_REF) == api.ODDS_BIAS
    assert bias(0.6, match=0.55) == api.ODDS_BIAS  # separation 1 spread: not trusted
    assert bias(api.SHARE_MIN / 2) == api.ODDS_BIAS
    falling = [bias(s) for s in (0.75, 0.65, 0.55, 0.45)]
    assert all(a > b for a, b in zip(falling, falling[1:])) and falling[0] < api.ODDS_BIAS, falling
    assert bias(api.SHARE_MIN + 0.01) == api.MIN_ODDS_BIAS


def test_a_short_run_glued_on_whole_is_taken_out_by_length(monkeypatch):
    """Planted devsec at 30%: a run of one or two sentences the path glued onto a
    bead whole has no one-sided neighbour for trim_runs to start from; the
    centred trim_runs still gives it up when the bead's length ratio fits much
    better without it."""
    import diglot.align as api

    count = planted_counter(("devsec", 0.3))

    whole = count().left_alone
    monkeypatch.setattr(api, "WHOLE_RUN_MISFIT", None)
    assert whole >= count().left_alone + 4


def test_trim_runs_cuts_a_lengthy_edge_without_one_sided_neighbour():
    from diglot.align.unmatched import side_means, trim_runs

    rng = np.random.default_rng(8)
    x = _unit_rows(rng.standard_normal((3, 16)))
    y = np.stack([x[0], x[1], _unit_rows(rng.standard_normal((1, 16)))[0], x[2]])  # tgt 2 translates nothing
    beads = [Bead((0,), (0,), 1.0), Bead((1,), (1, 2), 1.0), Bead((2,), (3,), 1.0)]
    odds_x, odds_y = np.full(3, 5.0), np.array([5.0, 5.0, -6.0, 5.0])
    lengths = (np.full(3, 40.0), np.array([40.0, 40.0, 60.0, 40.0]), 1.0)
    args = (x, y, side_means(x, y), odds_x, odds_y)
    kept = trim_runs(beads, *args, max_log_odds=-2.0, lengths=lengths)
    assert [(b.src, b.tgt) for b in kept] == [(b.src, b.tgt) for b in beads]  # no one-sided neighbour
    cut = trim_runs(beads, *args, max_log_odds=-2.0, lengths=lengths, whole_misfit=0.4)
    assert [(b.src, b.tgt) for b in cut] == [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), (3,))]
    # a small length gain is not enough
    assert trim_runs(beads, *args, max_log_odds=-2.0, lengths=lengths, whole_misfit=2.0) == beads


def _unit_rows(a: np.ndarray) -> np.ndarray:
    return (a / np.linalg.norm(a, axis=1, keepdims=True)).astype(np.float32)


def test_a_pair_without_centred_levels_splits_beads_on_the_odds_alone():
    """Fewer than unmatched.MIN_PAIRS confident 1-1 beads: no centred levels, so no
    cosine to judge a bead by.  Given bare_max_log_odds, a bead whose sentences are
    all below it is split all the same; one sentence at or above it keeps its bead."""
    from diglot.align.unmatched import centred_levels, side_means, split_unrelated

    rng = np.random.default_rng(5)
    x, y = _unit(rng.standard_normal((5, 16))), _unit(rng.standard_normal((4, 16)))
    beads = [Bead((0,), (0,), 0.0), Bead((1, 2), (1,), 0.0), Bead((3, 4), (2, 3), 0.0)]
    odds_x, odds_y = np.array([-3.0, -4.0, -2.5, -3.0, -1.0]), np.array([-3.0, -5.0, -3.0, -3.0])
    means = side_means(x, y)
    levels = centred_levels(beads, x, y, means, odds_x, odds_y)
    assert levels is None
    kw = dict(share=0.2, max_log_odds=0.0)
    assert split_unrelated(beads, x, y, means, levels, odds_x, odds_y, **kw) == beads
    out = split_unrelated(beads, x, y, means, levels, odds_x, odds_y, bare_max_log_odds=-2.0, **kw)
    assert [(b.src, b.tgt) for b in out if b.src and b.tgt] == [((3, 4), (2, 3))]
    assert sorted(i for b in out if not b.tgt for i in b.src) == [0, 1, 2]
    assert sorted(j for b in out if not b.src for j in b.tgt) == [0, 1]


def test_short_pairs_without_centred_levels_split_beads_of_strangers(monkeypatch):
    """Planted devshort at 30% (news-item-sized sections planted into each other): in
    pairs too short for centred levels the DP pairs planted sentences with each other
    or glues them onto one true sentence; split_unrelated's odds-only gate there
    leaves them one-sided."""
    import diglot.align as api

    count = planted_counter(("devshort", 0.3))

    with_gate = count().left_alone
    monkeypatch.setattr(api, "_bare_gate", lambda odds: None)
    assert with_gate >= count().left_alone + 4


def test_a_stranger_that_evens_out_a_beads_lengths_is_still_trimmed(monkeypatch):
    """Planted dev and devsec at 10%: the path glues planted sentences onto beads
    whose length ratio they happen to even out, so leaving them makes the length
    fit worse; the centred cosine rising by FREE_GAIN without them lets
    trim_runs cut them all the same."""
    import diglot.align as api

    count = planted_counter(("dev", 0.1), ("devsec", 0.1))

    with_gain = count().left_alone
    monkeypatch.setattr(api, "FREE_GAIN", None)
    assert with_gain >= count().left_alone + 3


def test_a_split_off_piece_left_out_rejoins_its_bead():
    """rejoin_fragments: a one-sided target sentence next to a 1-1 bead that holds the
    rest of the source's translation joins it (the length ratio fits and the cosine
    rises); a stranger of the same length next to it does not (the cosine drops)."""
    from diglot.align.unmatched import rejoin_fragments

    rng = np.random.default_rng(3)
    a, b, c, d = _unit(rng.standard_normal((4, 32)))
    x = np.stack([_unit(a + b), d]).astype(np.float32)
    y = np.stack([a, b, c, d]).astype(np.float32)  # target 1 is the rest of source 0's translation, 2 a stranger
    lengths = (np.array([100.0, 50.0]), np.array([50.0, 50.0, 50.0, 50.0]), 1.0)
    zero = (np.zeros(32), np.zeros(32))
    beads = [Bead((0,), (0,), 0.0), Bead((), (1,), 0.0), Bead((), (2,), 0.0), Bead((1,), (3,), 0.0)]
    out = rejoin_fragments(beads, x, y, zero, lengths, max_size=4, min_fit_gain=0.2)
    assert [(b.src, b.tgt) for b in out] == [((0,), (0, 1)), ((), (2,)), ((1,), (3,))]
    y[1] = c  # now a stranger: the bead's cosine would drop
    assert rejoin_fragments(beads, x, y, zero, lengths, max_size=4, min_fit_gain=0.2) == beads
    # beads keep to max_size + 1 sentences in all
    assert rejoin_fragments(beads, x, np.stack([a, b, c, d]).astype(np.float32), zero, lengths, max_size=1,
                            min_fit_gain=0.2) == beads


def test_pieces_the_second_dp_left_out_rejoin_their_beads(monkeypatch):
    """Planted dev at 30% (also with moves), devsec at 10% and devshort at 30%: the
    second DP leaves out clauses split off a bead's sentences for their low odds; rejoin_fragments gives them back, and more
    gold beads come out exactly right."""
    import sys
    from pathlib import Path

    import diglot.align as api

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks import planted

    docs = [*planted.planted_docs("dev", 0.3), *planted.planted_docs("dev", 0.3, planted.MOVES),
            *planted.planted_docs("devsec", 0.1), *planted.planted_docs("devshort", 0.3)]

    def exact() -> int:
        return sum(len({(b.src, b.tgt) for b in align(d.src, d.tgt)} & {(tuple(s), tuple(t)) for s, t in d.gold})
                   for d in docs)

    with_rejoin = exact()
    monkeypatch.setattr(api, "rejoin_fragments", lambda beads, *args, **kwargs: beads)
    without = exact()
    assert with_rejoin >= without + 4


def test_centred_levels_from_a_memo_are_those_computed_afresh_bit_for_bit():
    """centred_levels(memo=...) takes the cosines of pairs it saw in an earlier call and
    computes the rest: the same bits as a call without the memo, after beads changed."""
    from conftest import random_unit
    from diglot.align.unmatched import _match_and_next, _match_and_next_again, side_means

    rng = np.random.default_rng(3)
    x, y = random_unit(rng, 60, 16).astype(np.float32), random_unit(rng, 60, 16).astype(np.float32)
    means = side_means(x, y)
    first = np.array([(k, k) for k in range(50)], np.int64)
    memo = {}
    memo["match"], memo["background"] = _match_and_next(x, y, means, first)
    memo["pairs"] = first
    # some pairs gone, one changed target, some new: reused, recomputed and mixed neighbours
    later = np.array([(k, k) for k in range(55) if k % 7], np.int64)
    later[10, 1] = 59
    match, background = _match_and_next_again(x, y, means, later, memo)
    fresh_match, fresh_background = _match_and_next(x, y, means, later)
    assert match.tobytes() == fresh_match.tobytes() and background.tobytes() == fresh_background.tobytes()


def test_trim_runs_lets_a_likely_edge_go_when_lengths_and_cosine_say_so():
    """A stretch facing a one-sided run whose odds are not low (above max_log_odds)
    stays without fit_gain; with it, it goes once the bead's length ratio fits
    better by more than fit_gain without it and the centred cosine does not drop."""
    from diglot.align.unmatched import side_means, trim_runs

    rng = np.random.default_rng(11)
    x = _unit_rows(rng.standard_normal((4, 16)))
    y = np.stack([x[0], x[3], _unit_rows(rng.standard_normal((1, 16)))[0]])  # src 1 translates nothing
    beads = [Bead((0, 1), (0,), 1.0), Bead((2,), (), 0.0), Bead((3,), (1,), 1.0), Bead((), (2,), 0.0)]
    odds_x, odds_y = np.array([5.0, 1.0, -6.0, 5.0]), np.array([5.0, 5.0, -6.0])  # src 1: an on-topic neighbour's odds
    lengths = (np.full(4, 40.0), np.full(3, 40.0), 1.0)
    args = (x, y, side_means(x, y), odds_x, odds_y)
    pairs = lambda bs: [(b.src, b.tgt) for b in bs]  # noqa: E731
    assert trim_runs(beads, *args, max_log_odds=-2.0, lengths=lengths) == beads  # its odds keep it
    cut = trim_runs(beads, *args, max_log_odds=-2.0, lengths=lengths, fit_gain=0.15)
    assert pairs(cut) == [((0,), (0,)), ((1,), ()), ((2,), ()), ((3,), (1,)), ((), (2,))]
    # a length gain below fit_gain is not enough
    assert trim_runs(beads, *args, max_log_odds=-2.0, lengths=lengths, fit_gain=5.0) == beads
    # nor is the length gain where the cosine drops without the stretch (a split-off clause)
    y_clause = np.stack([_unit_rows((x[0] + x[1])[None])[0], x[3], y[2]])
    clause = (x, y_clause, side_means(x, y_clause), odds_x, odds_y)
    assert trim_runs(beads, *clause, max_log_odds=-2.0, lengths=lengths, fit_gain=0.15) == beads


def test_a_glued_on_topic_neighbour_leaves_its_bead_by_length(monkeypatch):
    """Planted dev at 30%: what a passage dropped from one side leaves behind has
    its neighbours' odds, rarely low, and the DP glues it onto the next bead; the
    centred trim_runs gives it up where the bead's lengths fit clearly better and
    its cosine does not drop without it (fit_gain; 536 -> 542 of 552)."""
    import diglot.align as api

    count = planted_counter(("dev", 0.3))
    with_fit = count().left_alone
    trim = api.trim_runs
    monkeypatch.setattr(api, "trim_runs", lambda *a, **k: trim(*a, **{**k, "fit_gain": None}))
    assert with_fit >= count().left_alone + 5


def test_trim_runs_lets_a_likely_stretch_without_one_sided_neighbour_go_by_length():
    """With fit_gain, the stretch with no one-sided neighbour that whole_misfit lets go
    need not have low odds either: its length misfit and cosine vouch for it."""
    from diglot.align.unmatched import side_means, trim_runs

    rng = np.random.default_rng(9)
    x = _unit_rows(rng.standard_normal((4, 16)))
    y = np.stack([x[0], x[1], x[3]])  # src 2 translates nothing
    beads = [Bead((0,), (0,), 1.0), Bead((1, 2), (1,), 1.0), Bead((3,), (2,), 1.0)]
    odds_x, odds_y = np.array([5.0, 5.0, 1.0, 5.0]), np.full(3, 5.0)
    lengths = (np.full(4, 40.0), np.full(3, 40.0), 1.0)
    args = (x, y, side_means(x, y), odds_x, odds_y)
    kw = dict(max_log_odds=-2.0, lengths=lengths, whole_misfit=0.4)
    assert trim_runs(beads, *args, **kw) == beads  # its odds keep it
    cut = trim_runs(beads, *args, **kw, fit_gain=0.15)
    assert [(b.src, b.tgt) for b in cut] == [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    assert trim_runs(beads, *args, **{**kw, "whole_misfit": 2.0}, fit_gain=0.15) == beads  # too small a gain


def test_trim_runs_fit_filter_gives_each_bead_its_best_stretch_misfit_drop():
    """trim_runs only searches a bead likely on every edge when some edge stretch could
    fit its lengths better by fit_gain: _fit_gains must give, for each bead, the
    largest drop of _length_misfit over its edge stretches, as the search computes it."""
    from diglot.align.unmatched import _fit_gains, _length_misfit

    rng = np.random.default_rng(5)
    lx, ly = rng.uniform(1, 200, 300), rng.uniform(1, 200, 300)
    lengths = (lx, ly, 1.3)
    beads, i, j = [], 0, 0
    for _ in range(60):
        a, b = int(rng.integers(0, 6)), int(rng.integers(0, 6))
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), 0.5))
        i, j = i + a, j + b
    gains = _fit_gains(beads, lengths)
    for bead, gain in zip(beads, gains):
        sides = [list(bead.src), list(bead.tgt)]
        drops = [
            _length_misfit(lengths, *sides) - _length_misfit(lengths, *([rest, sides[1]] if s == 0 else [sides[0], rest]))
            for s in (0, 1) for k in range(1, len(sides[s]))
            for rest in (sides[s][k:], sides[s][:-k])
        ] if bead.src and bead.tgt and len(bead.src) + len(bead.tgt) > 2 else []
        assert gain == -np.inf if not drops else abs(gain - max(drops)) < 1e-9
