# pilotkit: every target creates or reuses the virtual environment in .venv/ first.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The first Python 3.11+ found, unless PYTHON is given.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
# Two test processes (pytest-xdist): the suite's database, browser and notebook tests are
# independent, and two processes halve CI's time on a two-core machine.
PYTEST_ARGS ?= -n 2

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "pilotkit needs Python 3.11 or newer on PATH" >&2; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.PHONY: venv
venv: $(STAMP) ## Create or update .venv/ with pilotkit and its test tools

LOCALE := survey_server/locale
POT := $(LOCALE)/messages.pot
CATALOGS := $(wildcard $(LOCALE)/*/LC_MESSAGES/*.po)

.PHONY: translations
translations: venv ## Extract the platform's texts into messages.pot and merge them into every catalog
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-by-file --no-wrap \
		--project=pilotkit --copyright-holder="pilotkit contributors" -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d $(LOCALE) --no-wrap --ignore-obsolete

# A catalog's .mo is rebuilt when its .po changes (the server also reads a .po directly
# when its .mo is missing or older, so a fresh clone works before this runs).
$(LOCALE)/%.mo: $(LOCALE)/%.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@ -l $(firstword $(subst /, ,$*))

.PHONY: compile-translations
compile-translations: $(CATALOGS:.po=.mo) ## Compile the catalogs (.po) into .mo files

.PHONY: run
run: venv compile-translations ## Set up, build the demo pilots and their reports, start the server (SQLite)
	$(BIN)/pilotkit demo

.PHONY: test
test: venv compile-translations ## Set up and run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

.PHONY: screenshots
screenshots: venv compile-translations ## Take the form and report pictures of docs/i18n.md again (Arabic, Chinese, Khmer, 360 px)
	PILOTKIT_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q -p no:cacheprovider tests/i18n/test_screenshots_browser.py

.PHONY: lint
lint: venv ## Ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: venv ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: bench
bench: venv ## Run the benchmarks and print their figures
	$(BIN)/python -m bench

.PHONY: lab
lab: venv ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

.PHONY: clean
clean: ## Remove the virtual environment and caches (keeps data/ and reports/)
	rm -rf $(VENV) .pytest_cache .ruff_cache

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'
