# Each target makes .venv when missing and (re)installs the project when its
# metadata changed, so a fresh clone needs nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest pythons bench record clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/spacestudio run --fake examples/orbital_transfer.py

test: lint typecheck pytest pythons

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The fast subset on the newer Pythons, and a plain install (noxfile.py); `$(BIN)/nox`
# runs the whole suite too.
pythons: $(STAMP)
	$(BIN)/nox --sessions subset fresh_install

bench: $(STAMP)
	$(BIN)/python -m bench

record: $(STAMP)
	$(BIN)/pytest --record $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .nox .mypy_cache .pytest_cache .ruff_cache
