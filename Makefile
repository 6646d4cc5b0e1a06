# make run: a working wiki on http://127.0.0.1:5000/, served by gunicorn as deploy/gunicorn.conf.py says
# make test: the whole suite   make lint: ruff and mypy
# make bench: bench_site.py's one table of every URL against the floor, then the other benchmarks
# (every one under deploy/gunicorn.conf.py's setup; bench_servers.py measures the other setups)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# axe-core for the browser tests' accessibility checks, from the npm registry (newer than the
# copy axe-playwright-python bundles).
AXE_CORE_VERSION := 4.14.1
AXE_CORE := $(VENV)/share/axe-core
# The suite runs in two pytest-xdist workers, one per core of the 2-core machines CI uses; each
# worker has its own seeded database. `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n 2

.PHONY: run test install install-test init bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

$(AXE_CORE)/.installed-$(AXE_CORE_VERSION): | $(BIN)/python
	rm -rf $(AXE_CORE) && mkdir -p $(AXE_CORE)
	cd $(AXE_CORE) && npm pack --silent axe-core@$(AXE_CORE_VERSION) >/dev/null \
		&& tar -xzf axe-core-$(AXE_CORE_VERSION).tgz --strip-components=1 package/axe.min.js package/LICENSE \
		&& rm axe-core-$(AXE_CORE_VERSION).tgz
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test $(AXE_CORE)/.installed-$(AXE_CORE_VERSION)

init: install
	$(BIN)/flask --app wiki init

run: init
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py --bind $(HOST):$(PORT) --access-logfile - "wiki:create_app()"

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check wiki tests
	$(BIN)/mypy

bench: install-test
	$(BIN)/python tests/bench/bench_site.py
	$(BIN)/python tests/bench/bench_servers.py
	$(BIN)/python tests/bench/bench_saves.py
	$(BIN)/python tests/bench/bench_views.py
	$(BIN)/python tests/bench/bench_api.py
	$(BIN)/python tests/bench/bench_thumb_serving.py
	$(BIN)/python tests/bench/bench_maps.py
	$(BIN)/python tests/bench/bench_render_limits.py
	$(BIN)/python tests/bench/bench_feeds.py
	$(BIN)/python tests/bench/bench_page_weight.py
	$(BIN)/python tests/bench/bench_thumbs.py
	$(BIN)/python tests/bench/bench_export.py --revisions 10000 100000
	$(BIN)/python tests/bench/bench_scale.py --small 1000 --large 20000 --revisions 3 --revised-share 0.1
	$(BIN)/python tests/bench/bench_import.py

clean:
	rm -rf $(VENV) build *.egg-info
