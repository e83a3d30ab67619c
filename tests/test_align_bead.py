"""bead.py helpers: padded member arrays and the paused garbage collector."""

import gc

import pytest

from diglot.align.bead import gc_paused, padded


def test_padded_keeps_order_and_pads_with_minus_one():
    assert padded([(3, 4), (), (7,)]).tolist() == [[3, 4], [-1, -1], [7, -1]]
    assert padded([]).shape == (0, 1)


def test_gc_paused_pauses_and_restores_even_on_error():
    seen = []

    @gc_paused
    def work(fail):
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("boom")
        return 1

    assert gc.isenabled()
    assert work(False) == 1
    with pytest.raises(ValueError):
        work(True)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        work(False)
        assert not gc.isenabled(), "a caller's paused collector stays paused"
    finally:
        gc.enable()
