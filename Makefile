# The two Quick start commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck unit bench pwa clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

# Builds the PWA when pwa/ has one; a no-op until then.
pwa:
	@if [ -f pwa/package.json ]; then cd pwa && npm ci --no-audit --no-fund && npm run build; fi

run: $(RUN_STAMP) pwa
	$(BIN)/citizen run

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(DEV_STAMP)
	$(BIN)/pytest tests/bench -p no:cacheprovider -s

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
