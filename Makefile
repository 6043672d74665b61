# graticule — `make demo` runs the main job on the bundled example; `make test` runs the whole suite.
# Both set up their own virtualenv (.venv) from pyproject.toml, so they work on a fresh clone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Most tests wait on database servers and Django subprocesses, so four workers pay off even on two cores;
# loadfile keeps a module's tests (and its module-scoped dev databases) on one worker.
PYTEST_ARGS ?= -n 4 --dist loadfile
# The provider is also tested on Django 4.2 LTS, in a venv of its own (the main one has Django 5.2).
VENV42 := .venv-django42
STAMP42 := $(VENV42)/.installed
# The example's atlas.hcl runs `python example/manage.py …`: put the venv's python first on PATH.
RUN    := PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: demo test test-django42 lint bench services clean

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
	@echo "==> applying the directory to a fresh example/demo.sqlite3"
	@rm -f example/demo.sqlite3
	$(RUN) $(BIN)/graticule migrate apply --env django --url sqlite://example/demo.sqlite3
	$(RUN) $(BIN)/graticule migrate status --env django --url sqlite://example/demo.sqlite3

$(STAMP42): pyproject.toml
	$(PYTHON) -m venv $(VENV42)
	$(VENV42)/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(VENV42)/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' 'Django>=4.2,<5.0'
	touch $@

# The Django 4.2 provider run goes first so that pytest's last summary line counts the whole suite.
test: $(STAMP) $(STAMP42) services
	PATH="$(CURDIR)/$(VENV42)/bin:$$PATH" $(VENV42)/bin/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests/provider
	$(RUN) $(BIN)/python -m pytest $(PYTEST_ARGS)

test-django42: $(STAMP42) services
	PATH="$(CURDIR)/$(VENV42)/bin:$$PATH" $(VENV42)/bin/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests/provider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The PostgreSQL inspection benchmark (bench/inspect_postgres.py) needs the local server: hence `services`.
bench: $(STAMP) services
	$(RUN) $(BIN)/python bench/run.py $(BENCH_ARGS)
	$(RUN) $(BIN)/python bench/inspect_postgres.py $(INSPECT_BENCH_ARGS)
	$(RUN) $(BIN)/python bench/provider.py $(PROVIDER_BENCH_ARGS)
	$(RUN) $(BIN)/python bench/lint_squawk.py $(LINT_BENCH_ARGS)
	$(RUN) $(BIN)/python bench/lint_speed.py

# PostgreSQL and MariaDB for the server tests: start them if they are down.
services:
	@bash .ci/services.sh

clean:
	rm -rf $(VENV) $(VENV42) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
