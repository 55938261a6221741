# Two commands do all the set-up on a fresh machine:  make demo   |   make test
# make demo installs the runtime only (what a user's installation has); make test, make lint
# and make install add the dev extra. make bundle builds the offline installer (docs/インストールの手引き.md).
# make lint holds Windows too: ruff's banned POSIX-only APIs (TID251) and default encodings
# (PLW1514), mypy as on win32 (typeshed hides what Windows lacks), scripts/windows_check.py.
VENV ?= .venv
PYTHON ?= python3
CKSUM := $(shell cksum pyproject.toml | cut -d' ' -f1)
RUN_STAMP := $(VENV)/.installed-run-$(CKSUM)
DEV_STAMP := $(VENV)/.installed-dev-$(CKSUM)

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: demo test lint install bundle bundle-check

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e .
	rm -f $(VENV)/.installed-run-*; touch $@

# The dev extra includes the runtime, so it satisfies make demo too.
$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*; touch $@ $(RUN_STAMP)

install: $(DEV_STAMP)

demo: $(RUN_STAMP)
	$(VENV)/bin/dxi demo

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --platform win32
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m scripts.windows_check inventory bpr flows scripts

test: lint
	$(VENV)/bin/pytest

# The offline bundle: wheels for Linux x86_64 and Windows amd64, every supported Python,
# the install scripts; dist/dxi-offline-<version>/ and its .zip. Needs the package index.
bundle: $(DEV_STAMP)
	$(VENV)/bin/python -m scripts.bundle --zip

# Builds the Linux part for this Python, installs it with the network closed and runs
# dxi demo from it; checks every Windows target's wheels on the index (run by .ci/run).
bundle-check: $(DEV_STAMP)
	$(VENV)/bin/pytest -m bundle -s tests/scripts
