"""diglot benchmarks: synthetic data, peers, pytest-benchmark suites and the report."""
