# Python to use: a project venv if there is one, else python3 on PATH (override: make bench PYTHON=...).
PYTHON ?= $(firstword $(wildcard .venv/bin/python /work/venv/bin/python) python3)

.PHONY: bench

# Full-size benchmarks (DP core at N=1k..100k vs Vecalign, end to end on the seeds and Text+Berg);
# writes benchmarks/REPORT.md, benchmarks/scaling.png and benchmarks/results/*.json.
bench:
	$(PYTHON) -m benchmarks.report
