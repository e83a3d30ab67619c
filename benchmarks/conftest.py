"""Quick mode vs full mode for the benchmark suites.

Quick (default, part of the normal test run): small inputs, every benchmark
body runs exactly once with pytest-benchmark disabled (as --benchmark-disable),
so the suites cannot rot and the whole lot takes seconds.

Full (``DIGLOT_BENCH=full``, what ``make bench`` sets): N = 1,000 / 10,000 /
100,000 for align(), its DP kernel and Vecalign, all seven Text+Berg test documents end to end, and
pytest-benchmark timing on.  ``DIGLOT_BENCH_SIZES=1000,5000`` overrides the
core sizes in either mode.
"""

from __future__ import annotations

import functools
import os

import pytest

FULL = os.environ.get("DIGLOT_BENCH", "").strip().lower() == "full"
QUICK_SIZES = [300]
FULL_SIZES = [1_000, 10_000, 100_000]


def core_sizes() -> list[int]:
    env = os.environ.get("DIGLOT_BENCH_SIZES", "").strip()
    if env:
        return [int(x) for x in env.split(",") if x.strip()]
    return FULL_SIZES if FULL else QUICK_SIZES


def rounds_for(n: int) -> int:
    """Timed rounds per benchmark: one in quick mode, fewer for bigger N in full mode."""
    if not FULL:
        return 1
    if n <= 2_000:
        return 5
    if n <= 20_000:
        return 3
    return 1


def pytest_configure(config):
    # pytest-benchmark reads the option in its own (trylast) pytest_configure, after this one
    if FULL or not hasattr(config.option, "benchmark_disable"):
        return
    if config.getoption("benchmark_enable") or config.getoption("benchmark_only"):
        return
    config.option.benchmark_disable = True


@functools.lru_cache(maxsize=8)
def planted(n: int, seed: int | None = None):
    from benchmarks.measure import DIM, SEED
    from benchmarks.synthetic import make_planted

    return make_planted(n, d=DIM, seed=SEED if seed is None else seed)


@pytest.fixture(scope="session")
def planted_data():
    return planted


@pytest.fixture(scope="session")
def full_mode() -> bool:
    return FULL
