# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test bench lint docs clean

$(BIN)/session-tracker: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(BIN)/session-tracker
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

## demo: create .venv, install, run a whole session on a small real project (with its own venv), show the handoff
demo: $(BIN)/session-tracker
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

## test: install the dev dependencies, lint and type-check, run every test
test: $(VENV)/.dev
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

## docs: regenerate docs/commands.md from --help and the samples in docs/documents.md
docs: $(VENV)/.dev
	$(BIN)/python scripts/gen_cli_reference.py
	SESSION_TRACKER_REGEN_DOCS=1 $(BIN)/python -m pytest -q -n 0 tests/docs/test_documents_samples.py

lint: $(VENV)/.dev
	$(BIN)/python -m ruff check src tests bench
	$(BIN)/python -m mypy

clean:
	rm -rf $(VENV) build dist .pytest_cache
