# Two commands for a newcomer: `make site` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check serve offline lint bench system clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

system:
	@scripts/ensure_system.sh

site: system $(STAMP)
	$(BIN)/handbook build $(if $(EDITION),--edition $(EDITION),--all)

serve: system $(STAMP)
	$(BIN)/handbook serve $(if $(EDITION),--edition $(EDITION),)

offline: system $(STAMP)
	$(BIN)/handbook offline

# Two workers (pytest-xdist): a test stays with its module's worker, the built-site tests share one.
JOBS ?= 2

test: $(STAMP)
	@scripts/ensure_system.sh test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

# The fast run while working: ruff and every test that neither builds a site, renders a PDF nor drives
# Chromium (tests/conftest.py fails a test that does so without its marker).
check: $(STAMP)
	@scripts/ensure_system.sh test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not slow and not browser"

bench: system $(STAMP)
	$(BIN)/python scripts/bench_pdf.py
	$(BIN)/python scripts/bench_pack.py

clean:
	rm -rf site dist .cache
