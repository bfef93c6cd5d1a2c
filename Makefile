# `make run` and `make test` set up everything they need on a fresh Debian/Ubuntu machine.
PYTHON ?= /usr/bin/python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

RUN_DEBS := python3-venv python3-dev libsqlite3-mod-spatialite
TEST_DEBS := $(RUN_DEBS) postgresql postgresql-postgis chromium fonts-noto-cjk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-quick system-deps-run system-deps-test translations update-translations bench clean

run: system-deps-run $(VENV)/.runtime translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask metrics rebuild
	$(BIN)/flask notify vapid-keys
	NOTIFY_WORKER_IN_PROCESS=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

# Every suite on both databases, browser tests included, one worker per core (each worker has its own
# SpatiaLite files and its own PostGIS cluster); the 15 slowest tests are listed at the end.
PYTEST_WORKERS ?= auto
test: system-deps-test $(VENV)/.dev translations
	ALLEYS_REQUIRE_POSTGIS=1 $(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15

# The inner loop: SpatiaLite only, no browser.
test-quick: system-deps-run $(VENV)/.dev translations
	ALLEYS_BACKENDS=spatialite $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser" --durations=15

bench: system-deps-test $(VENV)/.dev translations
	$(BIN)/python -m bench.run_all

# Installs only the Debian packages that are missing (apt-get update only when needed).
system-deps-run:
	@scripts/ensure-debs $(RUN_DEBS)
system-deps-test:
	@scripts/ensure-debs $(TEST_DEBS)

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	touch $@

$(VENV)/.runtime: $(VENV)/.created requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d webapp/translations

# Re-extract the user-facing text after changing it; it lists what still needs a Chinese translation.
update-translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -o webapp/translations/messages.pot .
	$(BIN)/python scripts/merge-translations

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts
