# The two commands: `make run` (the product) and `make test` (the suite). Both set up what they need.
PYTHON ?= python3.12
PORT ?= 8000
# Links in emails, calendar feeds and the printed demo summary point at the port the web server listens on.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test setup messages makemessages compilemessages bench lint clean fuzz fuzz-ci chaos chaos-ci

# The install is most of a first run: pip is not upgraded first, and --no-compile leaves byte-compiling to the
# first import of each module (only what the product imports, instead of every file of every package).
# `make run` installs only what the product needs (requirements.txt); the test, lint, fuzz and load tools
# (requirements-dev.txt, about 45 more packages) come with the first `make test`.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt \
		-r requirements-dev.txt
	touch $(DEV_STAMP)

setup: $(DEV_STAMP)

# Compiled catalogues are build output; without GNU gettext (msgfmt) the pages stay in English.
# msgfmt directly, as compilemessages does for locale/*/LC_MESSAGES, without starting Django (seconds per run).
messages: $(STAMP)
	@if ! ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then :; \
	elif command -v msgfmt >/dev/null; then for po in locale/*/LC_MESSAGES/*.po; do \
		msgfmt --check-format -o "$${po%.po}.mo" "$$po" || exit 1; done; \
	else echo "note: msgfmt (GNU gettext) is missing, so translations are not compiled; apt-get install gettext"; fi

# Ctrl-C reaches honcho, which stops web, worker and beat and exits 130. The recipe's shell traps the signal
# (a handler, not an ignore, so the processes still get it) and calls 130 a normal stop: make prints no error.
run: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo
	@echo "Starting web on http://127.0.0.1:$(PORT)/ with a Celery worker and Celery beat. Ctrl-C stops them all."
	@trap 'true' INT; PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start -p $(PORT); status=$$?; \
		if [ $$status -eq 130 ]; then echo "Stopped."; else exit $$status; fi

# Two test processes by default (pytest-xdist; this machine has 2 cores): `make test TEST_WORKERS=0` runs in one.
TEST_WORKERS ?= 2
test: $(DEV_STAMP) messages
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not fuzz" $(PYTEST_ARGS)

# API fuzzing, the long run: schemathesis on every operation as each of the 4 roles, 100 generated examples per
# operation and role plus the coverage phase, on PostgreSQL (CI runs the same test with 25 per role, no coverage).
FUZZ_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ra_fuzz
FUZZ_EXAMPLES_PER_ROLE ?= 100
fuzz: $(DEV_STAMP)
	DATABASE_URL=$(FUZZ_DATABASE_URL) REQUIRE_SERVICES=1 FUZZ_EXAMPLES_PER_ROLE=$(FUZZ_EXAMPLES_PER_ROLE) FUZZ_COVERAGE=1 \
		$(BIN)/python -m pytest tests/fuzz -q -s -p no:warnings $(PYTEST_ARGS)

# CI's time-boxed fuzz step: the same test, 25 generated examples per operation and role (100+ per operation).
fuzz-ci: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/fuzz -m fuzz -s -p no:warnings $(PYTEST_ARGS)

# Load and fault test (tools/chaos; README "Load and fault test"): its own PostgreSQL database, Redis, SMTP sink,
# gunicorn, two Celery workers and beat; heads save answers while a reminder wave goes out and faults are injected.
# `make chaos` is the long run (200 heads, 2,000 emails, 5 min); `make chaos-ci` the short one (<= 3 min) that
# exits 1 on any 5xx, duplicate or lost email. Options: CHAOS_ARGS="--help".
CHAOS_ARGS ?=
chaos: $(DEV_STAMP)
	$(BIN)/python -m tools.chaos --profile long $(CHAOS_ARGS)

chaos-ci: $(DEV_STAMP)
	$(BIN)/python -m tools.chaos --profile ci $(CHAOS_ARGS)

bench: $(DEV_STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py bench $(BENCH_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf var db.sqlite3 staticfiles

makemessages: $(DEV_STAMP)
	$(BIN)/python manage.py makemessages -l ru --no-obsolete --no-location -i "tests/*" -i ".venv/*"

compilemessages:
	msgfmt -o locale/ru/LC_MESSAGES/django.mo locale/ru/LC_MESSAGES/django.po
