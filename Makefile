# Kundpuls – the two commands of the README, and the checks CI runs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
POSTGRES_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/kundpuls

.PHONY: demo test test-fast test-sqlite test-postgresql lint install install-spark vendor-axe messages clean

install: $(STAMP)

# Bytecode is compiled at install (uv does not by default): where PYTHONDONTWRITEBYTECODE is set, every
# process would otherwise compile every module it imports again (≈ 3.4 s for `kundpuls report`).
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kundpuls needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$$(sed -n 's/^uv==//p' requirements.lock)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock -e . --no-deps
	$(BIN)/python -m compileall -q src > /dev/null
	rm -f $(VENV)/.installed-*
	touch $@

## The optional Spark engine (pyspark + py4j, pinned in requirements-spark.lock; needs Java 17)
install-spark: $(STAMP)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements-spark.lock

## Run the demo: SQLite + DuckDB under var/, demo organisation and data, served on http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/kundpuls demo

## Run the whole test suite: everything on SQLite, then every database test again on PostgreSQL
test: $(STAMP)
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgresql

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest

## The quick loop (under a minute): the pure layers and unit tests, i.e. all but the tests that touch the
## database, drive Chromium, need Spark, start servers or worker processes, or are marked slow; on every
## core (pytest-xdist)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not database and not browser and not spark and not server and not slow"

test-postgresql: $(STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(POSTGRES_TEST_URL)'.replace('/kundpuls','/postgres'), connect_timeout=3).close()" 2>/dev/null; then \
	  KUNDPULS_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/python -m pytest -m database; \
	elif [ -n "$$KUNDPULS_REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL is required (KUNDPULS_REQUIRE_POSTGRES) but not reachable at $(POSTGRES_TEST_URL)"; exit 1; \
	else \
	  echo "SKIPPED the PostgreSQL pass: no server at $(POSTGRES_TEST_URL) (set POSTGRES_TEST_URL to point at one)"; \
	fi

## ruff, mypy, import-linter and the migration check (CI runs these too)
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	KUNDPULS_DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports
	KUNDPULS_DEBUG=1 KUNDPULS_DATA_DIR=$$(mktemp -d) $(BIN)/python -m django makemigrations --check --dry-run --settings kundpuls.web.settings

## Maintainers: vendor the pinned axe-core again into tests/browser/axe-core (needs npm; the tests never fetch it)
AXE_VERSION := 4.10.3
AXE_DIR     := tests/browser/axe-core
vendor-axe:
	rm -rf $(AXE_DIR)/.pack && mkdir -p $(AXE_DIR)/.pack
	cd $(AXE_DIR)/.pack && npm pack --silent axe-core@$(AXE_VERSION) > /dev/null
	tar -xzf $(AXE_DIR)/.pack/axe-core-$(AXE_VERSION).tgz -C $(AXE_DIR)/.pack
	cp $(AXE_DIR)/.pack/package/axe.min.js $(AXE_DIR)/.pack/package/LICENSE $(AXE_DIR)/.pack/package/LICENSE-3RD-PARTY.txt $(AXE_DIR)/
	rm -rf $(AXE_DIR)/.pack
	@head -c 20 $(AXE_DIR)/axe.min.js | grep -q "axe v$(AXE_VERSION)" && echo "axe-core $(AXE_VERSION) in $(AXE_DIR): update its README.md (version, checksum)"

## Re-extract the Swedish catalogues of the web pages after changing texts (needs GNU gettext; each text goes to the nearest
## app's locale/), then translate and compile every catalogue, the render layer's src/kundpuls/locale/ included (its
## texts are added by hand beside render/labels.py MESSAGES; tests/test_code_catalogue.py checks the two agree)
messages: $(STAMP)
	cd src/kundpuls/web && KUNDPULS_DEBUG=1 ../../../$(BIN)/python -m django makemessages -l sv --no-location --no-obsolete --settings kundpuls.web.settings
	$(BIN)/python -c "import pathlib, polib; [polib.pofile(str(p)).save_as_mofile(str(p.with_suffix('.mo'))) for p in pathlib.Path('src/kundpuls').glob('**/locale/*/LC_MESSAGES/*.po')]"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
