# graticule — `make demo` runs the main job on the bundled example; `make test` runs the whole suite.
# Both set up their own virtualenv (.venv) from pyproject.toml, so they work on a fresh clone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The example's atlas.hcl runs `python example/manage.py …`: put the venv's python first on PATH.
RUN    := PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: demo test lint bench services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

demo: $(STAMP)
	$(RUN) $(BIN)/graticule migrate diff --env django
	@latest=$$(ls example/migrations/*.sql | sort | tail -n 1); \
	  echo "==> $$latest"; cat "$$latest"; echo "==> example/migrations/atlas.sum"; cat example/migrations/atlas.sum
	@echo "==> running migrate diff again"
	$(RUN) $(BIN)/graticule migrate diff --env django

test: $(STAMP) services
	$(RUN) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(RUN) $(BIN)/python bench/run.py $(BENCH_ARGS)

# PostgreSQL and MariaDB for the server tests: start them if they are down.
services:
	@bash .ci/services.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
