# The two commands of the README: `make run` (install + run the bot) and `make test` (install + every test).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test lint locales

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pybabel compile -d locales -D messages --statistics

run: install
	$(BIN)/python main.py

test: install
	bash scripts/test.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy app bot features scoring storage sandbox main.py

# Re-extract English source strings and merge them into the kk/ru catalogues.
locales:
	$(BIN)/pybabel extract -F babel.cfg -k _ -k __ -k N_ -k lazy_gettext --no-location --sort-output -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
