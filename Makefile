# Each target makes .venv when missing and (re)installs the project when its
# metadata changed, so a fresh clone needs nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The demo needs the project alone, not the test toolchain: a lighter install of its own.
DEMO_STAMP := $(VENV)/.installed-demo
DEMO_CASSETTE := build/demo/orbital_transfer.yaml
# The oldest vcrpy of the range pyproject.toml allows, tested beside the newest (installed).
VCRPY_LOWEST := 9.0.0

.PHONY: demo test lint typecheck pytest test-vcrpy-lowest pythons bench record generate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# uv installs the large test extra in seconds where pip takes a minute.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test]'
	touch $(STAMP)

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

# The whole loop: a script against the embedded fake server (computations take their
# time, with a progress bar), recorded into a cassette, then replayed with no server.
demo: $(DEMO_STAMP)
	@rm -f $(DEMO_CASSETTE)
	@echo "== 1/2  examples/orbital_transfer.py against the embedded fake server, recorded"
	@SPACESTUDIO_PLOT_DIR=build/demo $(BIN)/spacestudio run --fake --compute-seconds 3 \
		--cassette $(DEMO_CASSETTE) --record examples/orbital_transfer.py
	@echo
	@echo "== 2/2  the same script replayed from $(DEMO_CASSETTE): no server, no network"
	@SPACESTUDIO_PLOT_DIR=build/demo $(BIN)/spacestudio run \
		--cassette $(DEMO_CASSETTE) examples/orbital_transfer.py

test: lint typecheck pytest test-vcrpy-lowest pythons

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The console's browser tests (tests/console) need chromium and chromium-driver
# (apt-get install chromium chromium-driver; .ci/run installs them): skipped without.
pytest: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The fast subset on the newer Pythons and on the machine's own /usr/bin/python3, and the
# built wheel installed alone (noxfile.py); `$(BIN)/nox` runs the whole suite too.
pythons: $(STAMP)
	$(BIN)/nox --sessions subset system_python fresh_install

# The cassette tests again with the oldest vcrpy allowed, whose private members (listed in
# spacestudio/cassettes/vcr_seam.py) the cassettes rely on as much as the newest's
# (installed apart, ahead on the path).
test-vcrpy-lowest: $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps --upgrade \
		--target $(VENV)/vcrpy-$(VCRPY_LOWEST) vcrpy==$(VCRPY_LOWEST)
	PYTHONPATH=$(VENV)/vcrpy-$(VCRPY_LOWEST) $(BIN)/pytest -n 2 -q tests/cassettes \
		-p no:randomly -k "not pytest_plugin and not recording_conventions and not cli"

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

record: $(STAMP)
	$(BIN)/pytest --record $(PYTEST_ARGS)

# The seed modules and namespaces written from the catalog, after changing it (docs/client.md).
generate: $(STAMP)
	$(BIN)/python -m spacestudio._codegen $(GENERATE_ARGS)

clean:
	rm -rf $(VENV) .nox .mypy_cache .pytest_cache .ruff_cache
