# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test bench bench-web lint clean

$(BIN)/session-tracker: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(BIN)/session-tracker
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

## demo: create .venv, install, run a whole session on a small real project, show the handoff
demo: $(BIN)/session-tracker
	$(BIN)/python -m pip install --quiet pytest pytest-cov ruff mypy
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

## test: install the dev dependencies (and chromium for the browser tests), lint and type-check, run every test
test: $(VENV)/.dev
	sh scripts/ensure-chromium.sh
	$(BIN)/python -m ruff check src tests bench
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -n auto -q

## bench: the speed benchmarks (prints figures and ratios)
bench: $(BIN)/session-tracker
	$(BIN)/python bench/bench_log.py
	$(BIN)/python bench/bench_hook.py
	$(BIN)/python bench/bench_git_hooks.py
	$(BIN)/python bench/bench_end.py
	$(BIN)/python bench/bench_status.py

## bench-web: the dashboard at 10,000 sessions (page server time, static export; several minutes)
bench-web: $(VENV)/.dev
	$(BIN)/python bench/bench_dashboard.py --sessions 10000

lint: $(VENV)/.dev
	$(BIN)/python -m ruff check src tests bench
	$(BIN)/python -m mypy

clean:
	rm -rf $(VENV) build dist .pytest_cache
