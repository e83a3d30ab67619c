"""anchor_masks: the compiled tokeniser finds the anchors the plain definition does."""

import re
import zlib
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.align.lexical import _classes, anchor_masks, lengths_and_weights

_WORD = re.compile(r"\w+")


def _reference(src, tgt, max_share=0.05):
    """The definition: \\w+ tokens, capitalised words of 3+ characters or tokens not all
    letters holding a digit, shared by both sides and in few sentences of each."""

    def cands(s):
        return {t for t in _WORD.findall(s) if (len(t) >= 3 and t[0].isupper()) or (not t.isalpha() and any(map(str.isdigit, t)))}

    cs, ct = [cands(s) for s in src], [cands(t) for t in tgt]
    fs, ft = Counter(t for c in cs for t in c), Counter(t for c in ct for t in c)
    shared = {t for t in fs.keys() & ft.keys() if fs[t] <= max(3, max_share * len(src)) and ft[t] <= max(3, max_share * len(tgt))}
    bit = {t: 1 << (zlib.crc32(t.encode("utf-8")) % 64) for t in shared}
    masks = lambda cc: np.array([sum({bit[t] for t in c & shared}) for c in cc], dtype=np.uint64)  # noqa: E731
    return masks(cs), masks(ct)


# letters of several scripts and cases, digits that are not ASCII, a titlecase letter,
# a Roman numeral (numeric, not a digit), an astral letter and digit, separators
_ALPHABET = "Ab Üß1²_ -٣Σǅ\u2160xZ9\n.é𝐀𝟙"
_SENTENCE = st.text(alphabet=_ALPHABET, max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SENTENCE, max_size=30), st.lists(_SENTENCE, max_size=30))
def test_masks_match_the_definition(src, tgt):
    got, want = anchor_masks(src, tgt), _reference(src, tgt)
    assert all(g.dtype == np.uint64 and (g == w).all() for g, w in zip(got, want))


def test_shared_names_and_numbers_set_bits_others_do_not():
    mx, my = anchor_masks(["Zermatt liegt auf 1608 m.", "der Berg"], ["Zermatt est à 1608 m.", "la montagne"])
    assert mx[0] == my[0] != 0 and mx[1] == my[1] == 0


def test_word_class_is_that_of_re_for_every_code_point():
    table = _classes(np.arange(0x110000, dtype=np.uint32))
    word = re.compile(r"\w")
    assert all(bool(table[c] & 1) == bool(word.match(chr(c))) for c in range(0x110000))


_SPACES = " \t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u2028\u3000"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET + _SPACES, max_size=30), max_size=30))
def test_lengths_and_weights_match_their_definitions(sentences):
    lengths, weights = lengths_and_weights(sentences, 3.0)
    assert lengths.tolist() == [float(len(" ".join(s.split()))) for s in sentences]
    letters = np.array([sum(map(str.isalpha, s)) for s in sentences], dtype=float)
    assert np.array_equal(weights, np.minimum(1.0, (letters + 1.0) / 3.0))
