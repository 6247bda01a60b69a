# Everything a fresh machine needs comes from these targets: the venv from requirements*.txt, Azurite from package-lock.json.
PY        ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
STAMPS    := .stamps

.PHONY: setup demo up test lint bench settings-doc package clean

setup: $(STAMPS)/venv $(STAMPS)/npm

$(STAMPS)/venv: requirements.txt requirements-dev.txt constraints.txt
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: setup
	$(BIN)/python -m localdev.demo

up: setup
	$(BIN)/python -m localdev.up

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: setup
	$(BIN)/python -m bench

settings-doc: setup
	$(BIN)/python -m localdev.settings_doc

package: setup
	$(BIN)/python -m localdev.package

clean:
	rm -rf $(VENV) node_modules $(STAMPS)
