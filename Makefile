# Everything a fresh machine needs comes from these targets: the venv from requirements*.txt, Azurite from package-lock.json.
PY        ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
STAMPS    := .stamps
INFRA_VENV := .venv-infra

.PHONY: setup demo up test lint bench settings-doc package preflight clean

setup: $(STAMPS)/venv $(STAMPS)/npm $(STAMPS)/infra-venv

$(STAMPS)/venv: requirements.txt requirements-dev.txt constraints.txt
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# checkov's dependencies clash with constraints.txt: it gets its own venv, pinned by requirements-infra.txt.
$(STAMPS)/infra-venv: requirements-infra.txt
	@mkdir -p $(STAMPS)
	test -x $(INFRA_VENV)/bin/python || $(PY) -m venv $(INFRA_VENV)
	$(INFRA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-infra.txt
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: setup
	$(BIN)/python -m localdev.demo

up: setup
	$(BIN)/python -m localdev.up

# The suite waits more than it computes (local stacks, timers, leases): TEST_WORKERS pytest-xdist workers run it, each
# test file on one worker (--dist loadfile: a module's shared stack stays in one process), the files in collection
# order (--no-loadscope-reorder: tests/conftest.py puts the longest first). Three workers on two cores: most of the
# time a test waits (measured on 2 cores: 2 workers 10.4 min, 3 workers 6.7 min). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 3

test: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	CKV_PARSE_ERROR_FAIL=true $(INFRA_VENV)/bin/checkov --directory infra --framework bicep --skip-download --compact --quiet

bench: setup
	$(BIN)/python -m bench

settings-doc: setup
	$(BIN)/python -m localdev.settings_doc

package: setup
	$(BIN)/python -m localdev.package

preflight: setup
	$(BIN)/python -m localdev.preflight

clean:
	rm -rf $(VENV) $(INFRA_VENV) node_modules $(STAMPS)
