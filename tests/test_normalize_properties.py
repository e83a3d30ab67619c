"""Property tests for every normaliser: idempotent, NFC, offset maps valid and
monotone, no letter or digit lost outside recorded removals, no crash."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diglot.normalize import (
    SPAN_STEPS,
    apply_edits,
    chain,
    clean_document,
    collapse_spaces,
    compose_nfc,
    join_lines,
    normalize_span,
    remove_invisible,
    unify_line_breaks,
    unify_quotes,
)
from diglot.segment import sentence_spans

STEPS = [remove_invisible, unify_line_breaks, compose_nfc, unify_quotes, join_lines, collapse_spaces]

# Plain st.text() explores all of Unicode; the "tricky" alphabet makes the
# interesting characters (joiners, marks, CR, BOM, quotes, Bengali) common.
TRICKY = st.sampled_from(
    list("ab eé\u0301\u0300 \t\n\r\u00a0\u2028\u200b\u200c\u200d\ufeff\u00ad'`´’“”‘.?!।")
    + list("আকক্ষিেো\u09bc\u09cd\u09be\u09c7য")
    + ["\r\n", "  ", "\n\n", "1", "9"]
)
texts = st.one_of(st.text(), st.lists(TRICKY, max_size=60).map("".join))


def _letters_digits(text: str) -> np.ndarray:
    return np.array([i for i, ch in enumerate(text) if unicodedata.category(ch)[0] in "LN"], dtype=np.int64)


def _assert_map_valid(offsets, source_len: int, out_len: int) -> None:
    assert len(offsets) == out_len
    assert offsets.source_len == source_len
    if out_len:
        assert (offsets.starts >= 0).all() and (offsets.ends <= source_len).all()
        assert (offsets.starts <= offsets.ends).all()
        assert (np.diff(offsets.starts) >= 0).all(), "starts must be monotone"
        assert (np.diff(offsets.ends) >= 0).all(), "ends must be monotone"


def _covered(offsets, source_len: int, removals) -> np.ndarray:
    mask = np.zeros(source_len + 1, dtype=bool)
    for s, e in zip(offsets.starts.tolist(), offsets.ends.tolist()):
        mask[s:e] = True
    for s, e in removals:
        mask[s:e] = True
    return mask


@pytest.mark.parametrize("step", STEPS, ids=lambda f: f.__name__)
@given(text=texts)
@settings(max_examples=150, deadline=None)
def test_each_step(step, text):
    fixed = apply_edits(text, step(text))
    _assert_map_valid(fixed.offsets, len(text), len(fixed.text))
    # idempotent: a second pass finds nothing more to do
    assert step(fixed.text) == [] or apply_edits(fixed.text, step(fixed.text)).text == fixed.text
    # every letter or digit is kept, or lies inside an edit the step recorded
    removals = [(e.start, e.end) for e in fixed.edits if e.is_removal or e.replacement.strip() == ""]
    keep = _letters_digits(text)
    assert _covered(fixed.offsets, len(text), removals)[keep].all() if keep.size else True
    # and no step touches letters or digits except NFC composing them
    if step is not compose_nfc:
        for e in fixed.edits:
            assert not any(unicodedata.category(ch)[0] in "LN" for ch in text[e.start : e.end])
    if step is compose_nfc:
        assert unicodedata.is_normalized("NFC", fixed.text)


@given(text=texts)
@settings(max_examples=300, deadline=None)
def test_span_normalizer(text):
    fixed, explanation = chain(text, SPAN_STEPS)
    out = fixed.text
    assert unicodedata.is_normalized("NFC", out)
    assert normalize_span(out) == out, "idempotent"
    assert out == out.strip() and "  " not in out and "\n" not in out
    _assert_map_valid(fixed.offsets, len(text), len(out))
    # letters and digits survive (NFC may merge a letter with its marks)
    kept = sum(1 for ch in unicodedata.normalize("NFD", out) if unicodedata.category(ch)[0] in "LN")
    want = sum(1 for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch)[0] in "LN")
    assert kept == want
    assert all(step for step, _ in explanation)


@given(text=texts)
@example(text="\u0300\u09cd\u200c\u0985")  # NFC moves the virama before the grave: the joiner's neighbour must not change
@settings(max_examples=200, deadline=None)
def test_document_offsets_and_sentence_invariant(text):
    doc = clean_document(text, lambda t: True)
    covered = np.zeros(len(text) + 1, dtype=bool)
    last_end = 0
    for p in doc.paragraphs:
        _assert_map_valid(p.offsets, len(text), len(p.text))
        assert p.raw_start >= last_end, "paragraphs come in raw order"
        last_end = p.raw_end
        for s, e in zip(p.offsets.starts.tolist(), p.offsets.ends.tolist()):
            covered[s:e] = True
        for start, end in sentence_spans(p.text, "it"):
            raw_start, raw_end = p.offsets.span(start, end)
            assert normalize_span(text[raw_start:raw_end]) == p.text[start:end]
    for r in doc.removed:
        assert 0 <= r.start < r.end <= len(text) and r.reason
        covered[r.start : r.end] = True
    keep = _letters_digits(text)
    assert covered[keep].all() if keep.size else True
    assert unicodedata.is_normalized("NFC", doc.text)


def test_explain_says_what_changed():
    text = normalize_span("\ufeffl'uomo\r\n  e\u0301")
    _, steps = chain("\ufeffl'uomo\r\n  e\u0301", SPAN_STEPS)
    reasons = {e.reason for _, edits in steps for e in edits}
    assert text == "l’uomo é"
    assert {"invisible", "apostrophe", "line_break", "nfc"} <= reasons


def test_joiners_kept_inside_bengali_only():
    bengali = "র\u200d্য"  # ZWJ between Bengali letter and virama: shapes the conjunct
    assert normalize_span(bengali) == bengali
    assert normalize_span("a\u200db") == "ab"
    assert normalize_span("\u200cক") == "ক"
