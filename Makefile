# Platewarden: the two commands of the README, and a few more for developers.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

VENDOR := src/platewarden/web/static/vendor

.PHONY: demo test lint typecheck unit integration e2e bench docs clean chromium

$(STAMP): pyproject.toml web/package-lock.json
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# rapidocr pulls the GUI build of OpenCV; the headless one must own cv2 on servers.
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps opencv-python-headless
	@# The console's browser libraries, from the npm registry, served from its own static folder.
	cd web && npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/images
	cp web/node_modules/htmx.org/dist/htmx.min.js web/node_modules/leaflet/dist/leaflet.js \
	   web/node_modules/leaflet/dist/leaflet.css $(VENDOR)/
	cp web/node_modules/leaflet/dist/images/*.png $(VENDOR)/images/
	@touch $(STAMP)

## Debian's headless Chromium for the console's browser tests (installed once, if missing)
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## The demo on the embedded default: data in ./data, API on http://127.0.0.1:8080
demo: $(STAMP)
	$(BIN)/platewarden demo --data-dir data

## The whole suite: lint, strict types, unit, contract, integration and e2e tests
test: $(STAMP) chromium lint typecheck
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration tests/contract

e2e: $(STAMP) chromium
	$(BIN)/python -m pytest -q tests/e2e

bench: $(STAMP)
	$(BIN)/python bench/bench_ingest.py

docs: $(STAMP)
	$(BIN)/python -m platewarden.cli.docs > docs/cli.md
	$(BIN)/python -m platewarden.api.access_table > docs/access-control.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
