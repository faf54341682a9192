# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT   ?= 8501

.PHONY: run test bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps re-install only when a requirements file changes. The package `roi` is installed editable (no copy:
# the checkout's code runs), so that `.venv/bin/python -m roi` works from any directory.
$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(VENV)/.runtime

## Debian's Chromium (browser test) and LibreOffice Calc (workbook recalculation test).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v soffice >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			chromium libreoffice-calc-nogui fonts-dejavu-core >/dev/null; \
	fi

## Start the app on the bundled demo organisation.
## (Arrow's jemalloc pool, as roi/arrow_memory.py explains: Streamlit imports pyarrow before roi can choose.)
run: $(VENV)/.runtime
	ARROW_DEFAULT_MEMORY_POOL=$${ARROW_DEFAULT_MEMORY_POOL:-jemalloc} $(BIN)/streamlit run app.py --server.port $(PORT)

## Every test: engine, readers, export (LibreOffice recalculation), AppTest and the real browser,
## after ruff's check for Python errors and mypy's type check of the engine (pyproject.toml).
test: $(VENV)/.dev system-deps
	$(BIN)/ruff check --quiet .
	$(BIN)/mypy roi/
	$(BIN)/python -m pytest

## Speed and scale, with the baselines (never part of `make test`).
bench: $(VENV)/.dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache artefacts
