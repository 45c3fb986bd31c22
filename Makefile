# One entry point for tooling, the same locally and in CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE ?= examples/shop
NODE_BRIDGE := bridges/node
WORKBENCH := host/workbench/ui
WORKBENCH_DIST := host/workbench/dist

.PHONY: install python-deps node-deps ruby-deps redis-deps chromium-deps workbench workbench-api run test \
	lint proto proto-check bench screenshots clean

install: python-deps node-deps ruby-deps redis-deps chromium-deps workbench

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

# Debian's redis-server, for the Redis backend and its tests (which start a private one).
redis-deps:
	@sh scripts/ensure_redis.sh

# Debian's chromium, for the Workbench's browser tests (headless, through Playwright).
chromium-deps:
	@sh scripts/ensure_chromium.sh

# The Workbench's front end, built into host/workbench/dist/ (git-ignored; package data,
# so a wheel built after this carries it). Rebuilt when a source or the lock file changes.
workbench: $(WORKBENCH_DIST)/index.html
$(WORKBENCH)/node_modules/.installed: $(WORKBENCH)/package-lock.json
	cd $(WORKBENCH) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed
$(WORKBENCH_DIST)/index.html: $(WORKBENCH)/node_modules/.installed $(shell find $(WORKBENCH)/src $(WORKBENCH)/index.html $(WORKBENCH)/vite.config.ts -type f 2>/dev/null)
	cd $(WORKBENCH) && npm run build --silent

# The admin API's OpenAPI description and the TypeScript types generated from it.
workbench-api: python-deps $(WORKBENCH)/node_modules/.installed
	$(BIN)/python -m stephost_host.workbench.openapi $(WORKBENCH)/src/api/openapi.json
	cd $(WORKBENCH) && npm run gen:api --silent

# Pictures of the Workbench's panels for the README, taken by the browser tests.
screenshots: install
	STEPHOST_SCREENSHOTS=docs/workbench $(BIN)/pytest tests/browser -q

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
	$(BIN)/python -m stephost_host.workbench.openapi --check $(WORKBENCH)/src/api/openapi.json
	cd $(WORKBENCH) && npm run check:api --silent && npm run lint --silent
	sh scripts/lint_ruby.sh

# Regenerates every checked-in stub from proto/.
proto: python-deps
	$(BIN)/python scripts/gen_proto.py

# Fails when the checked-in stubs differ from what proto/ generates.
proto-check: python-deps
	$(BIN)/python scripts/gen_proto.py --check

# `make bench ONLY=flow,chain` runs some parts; `make bench AGAINST=<git rev>` measures that
# revision's host beside this tree's in the same run (see bench/run.py). A full run also
# runs bench/scale.py (Redis against SQLite, 1 and 2 workers).
bench: install
	@sh scripts/ensure_wrk.sh
	$(BIN)/python bench/run.py $(if $(ONLY),--only $(ONLY)) $(if $(AGAINST),--against $(AGAINST))
	$(if $(ONLY),,$(BIN)/python bench/scale.py)

clean:
	rm -rf $(VENV) $(NODE_BRIDGE)/node_modules $(WORKBENCH)/node_modules $(WORKBENCH_DIST) \
		.pytest_cache .mypy_cache .ruff_cache
