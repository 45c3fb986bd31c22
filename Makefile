# One entry point for tooling, the same locally and in CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE ?= examples/shop
NODE_BRIDGE := bridges/node

.PHONY: install python-deps node-deps ruby-deps run test lint proto proto-check bench clean

install: python-deps node-deps ruby-deps

# The venv is rebuilt when the dependency pins change; the package is installed
# editable, so code changes need no reinstall.
python-deps: $(BIN)/stephost
$(BIN)/stephost: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# The Node runtime's packages, from its lock file.
node-deps: $(NODE_BRIDGE)/node_modules/.installed
$(NODE_BRIDGE)/node_modules/.installed: $(wildcard $(NODE_BRIDGE)/package-lock.json)
	@if [ -f $(NODE_BRIDGE)/package-lock.json ]; then \
		cd $(NODE_BRIDGE) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	fi

# Ruby comes from Debian's packages (RubyGems is not needed); installed when missing
# and running as root, otherwise the command to run is printed.
ruby-deps:
	@sh scripts/ensure_ruby.sh

run: install
	cd $(EXAMPLE) && ../../$(BIN)/stephost start

test: install
	$(BIN)/pytest
	cd $(NODE_BRIDGE) && npm test --silent
	@if command -v ruby >/dev/null 2>&1; then ruby bridges/ruby/test/run.rb; \
	else echo "skipping the Ruby runtime's tests: ruby is not installed"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd $(NODE_BRIDGE) && npm run lint --silent
	sh scripts/lint_ruby.sh

# Regenerates every checked-in stub from proto/.
proto: python-deps
	$(BIN)/python scripts/gen_proto.py

# Fails when the checked-in stubs differ from what proto/ generates.
proto-check: python-deps
	$(BIN)/python scripts/gen_proto.py --check

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(NODE_BRIDGE)/node_modules .pytest_cache .mypy_cache .ruff_cache
