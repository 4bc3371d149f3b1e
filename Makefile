# Two commands: `make run` serves the app with demo data; `make test` runs lint and the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := CASEWORK_ENV=development $(BIN)/flask --app casework
HOST ?= 127.0.0.1
PORT ?= 5000

# WeasyPrint needs Pango; without libharfbuzz-subset0 it subsets fonts ~3x slower.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 graphviz
# The suite also drives Debian's Chromium, starts its own PostgreSQL server and runs the W3C Nu
# Html Checker (vnu.jar, from the test extras) on Java.
TEST_PACKAGES := $(RUNTIME_PACKAGES) chromium postgresql default-jre-headless

.PHONY: run test lint catalogs compile-catalogs system-runtime system-test system-bench bench-http clean

$(VENV)/.runtime-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.runtime-installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

system-runtime:
	@.ci/ensure-debian-packages $(RUNTIME_PACKAGES)

system-test:
	@.ci/ensure-debian-packages $(TEST_PACKAGES)

# The HTTP load benchmark's load generator (not needed by `make test`).
system-bench:
	@.ci/ensure-debian-packages wrk

bench-http: system-runtime system-bench $(VENV)/.test-installed
	$(BIN)/python bench/http_load.py $(BENCH_ARGS)

# The UI's languages: `make catalogs` after marking new strings, then translate the new entries
# in casework/translations/es/LC_MESSAGES/messages.po; the .mo files are compiled on every run.
catalogs: | $(VENV)/.runtime-installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 --no-location --sort-output \
		-o casework/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete \
		-i casework/translations/messages.pot -d casework/translations
	$(MAKE) compile-catalogs

compile-catalogs: | $(VENV)/.runtime-installed
	$(BIN)/python -c "from casework.i18n import compile_catalogs; compile_catalogs()"

run: system-runtime $(VENV)/.runtime-installed compile-catalogs
	$(FLASK) db upgrade
	$(FLASK) casework demo --if-empty
	@echo
	@echo "Casework is at http://$(HOST):$(PORT)"
	@echo "Demo login: coordinator@demo.casework.org  password: solidarity-demo-2026"
	@echo "            (also intake@… and organizer@demo.casework.org, same password)"
	@echo "En español: lucia@demo.casework.org (organizadora)  contraseña: solidarity-demo-2026"
	@echo "            (and the member portal, in Spanish: lucia.fernandez@demo.casework.org)"
	@echo "A second, linked network (Portland): coordinator@pdx.demo.casework.org"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check casework tests bench migrations
	$(BIN)/mypy

# One worker per core: each starts its own PostgreSQL server and Chromium.
test: system-test $(VENV)/.test-installed lint compile-catalogs
	$(BIN)/pytest -n auto --dist worksteal --durations=15

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
