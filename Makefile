# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create .venv and install kafkatui into it first (Python 3.11+).
# The sandbox they start needs Java 17+ (the registry needs 21+) and Maven.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/kafkatui: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

.PHONY: demo test lint screenshots bench
demo: $(BIN)/kafkatui
	$(BIN)/kafkatui demo

# The whole suite: unit, UI snapshot and integration tests. Integration tests start
# their own sandbox in a temporary state dir and stop it at the end.
test: $(BIN)/kafkatui
	$(BIN)/python -m pytest -p no:cacheprovider -q

lint: $(BIN)/kafkatui
	$(BIN)/ruff check kafkatui tests bench
	$(BIN)/mypy

screenshots: $(BIN)/kafkatui
	$(BIN)/python screenshots/make_screenshots.py

bench: $(BIN)/kafkatui
	$(BIN)/python bench/run_all.py
