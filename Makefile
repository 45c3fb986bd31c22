# One entry point for tooling, the same locally and in CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE ?= examples/shop

.PHONY: install run test lint proto proto-check bench clean

# The venv is rebuilt when the dependency pins change; the package is installed
# editable, so code changes need no reinstall.
$(BIN)/stephost: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/stephost

run: install
	cd $(EXAMPLE) && ../../$(BIN)/stephost start

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Regenerates every checked-in stub from proto/.
proto: install
	$(BIN)/python scripts/gen_proto.py

# Fails when the checked-in stubs differ from what proto/ generates.
proto-check: install
	$(BIN)/python scripts/gen_proto.py --check

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
