# Twinning: one entry point. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PO_FILES := $(wildcard twinning/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_UPDATED := /tmp/.twinning-apt-updated

.PHONY: run demo test test-fast test-deps checks bench messages fmt lint audit lock setup system-deps browser-deps bench-deps clean

run: setup ## Set everything up, load the demo network and serve http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Serving http://127.0.0.1:8000 with a background worker (Ctrl-C to stop both)"
	$(BIN)/python manage.py run_worker --quiet & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

demo: setup ## Reload the demo network from scratch
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --reset

# The suite runs with PYTHONDONTWRITEBYTECODE unset: with it set (as some shells and containers
# do), every run and each xdist worker compiles all the project's modules and rewrites the test
# modules' assertions afresh, about 4.5 s of processor time per process. The compiled files go to
# the __pycache__ folders git ignores.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest

test: setup browser-deps test-deps checks ## Set up, run the static checks, then the whole suite (browser tests included)
	$(PYTEST)

test-fast: setup test-deps ## The suite without the browser tests
	$(PYTEST) -m "not browser"

bench: setup bench-deps ## Benchmarks (printed figures, ratios against a reference measured in the same run)
	@if ls bench/[!_]*.py >/dev/null 2>&1; then for b in bench/[!_]*.py; do $(BIN)/python $$b || exit 1; done; \
	else echo "No benchmark yet."; fi

# One catalogue per language of settings.LANGUAGES but the main one (the language the code is written in);
# a language added there gets its catalogue on the next `make messages`.
CATALOGUES = $(shell $(BIN)/python -c 'from twinning import settings as s; print(*(f"-l {c}" for c, _ in s.LANGUAGES if c != s.LANGUAGE_CODE))')

messages: setup ## Regenerate the catalogues of settings.LANGUAGES from the code and templates, then compile them
	cd twinning && ../$(BIN)/django-admin makemessages --no-obsolete --no-location $(CATALOGUES) \
		--ignore "*/tests/*" --settings twinning.settings --pythonpath ..
	$(MAKE) $$(ls twinning/locale/*/LC_MESSAGES/django.po | sed 's/\.po$$/.mo/')

fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The static checks, before any test runs (`make test`, and so CI) and in `make lint`; each stops
# at its first finding and names it, in a few seconds: ruff's lint and format, the layers between
# apps (import-linter, contract in pyproject.toml; see docs/architecture.md), types (mypy with
# django-stubs over the engines, services, rules and queries, configured in pyproject.toml; a cache
# of its own, as mypy run by hand over other modules leaves their errors in its default cache), and
# migrations in step with the models.
checks: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy --cache-dir .mypy_cache/checks
	$(BIN)/python manage.py makemigrations --check --dry-run

# The static checks, bandit's security lint (pyproject.toml) and the locked requirements' known
# vulnerabilities: a finding fails; an advisory service that cannot be reached is said
# ("not audited: ...") and does not.
lint: checks
	$(BIN)/bandit -c pyproject.toml -r twinning -q
	$(BIN)/python scripts/audit.py

audit: setup ## Known vulnerabilities in requirements.txt and requirements-dev.txt; fails when they cannot be checked
	$(BIN)/python scripts/audit.py --strict

lock: ## Re-resolve requirements*.in into exact pins
	scripts/lock.sh

setup: system-deps $(STAMP) $(MO_FILES)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Compiled catalogues are built, not committed: a fresh machine compiles them here.
twinning/locale/%/LC_MESSAGES/django.mo: twinning/locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

$(APT_UPDATED):
	$(SUDO) apt-get update -qq
	touch $@

# gettext compiles the catalogues. WeasyPrint (course certificates) needs Pango and the Noto fonts
# that shape Hebrew and Arabic; the certificate tests turn a PDF into a PNG with poppler's pdftoppm.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core poppler-utils
# Shared video and sound are checked and remuxed without metadata by ffmpeg/ffprobe (without them
# the site refuses clips); util-linux's prlimit caps their memory and processor time.
MEDIA_PACKAGES := ffmpeg util-linux

system-deps:
	@command -v msgfmt >/dev/null || { $(MAKE) $(APT_UPDATED) && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }
	@dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || \
	  { $(MAKE) $(APT_UPDATED) && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES); }
	@{ command -v ffmpeg && command -v ffprobe && command -v prlimit; } >/dev/null || \
	  { $(MAKE) $(APT_UPDATED) && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(MEDIA_PACKAGES); }

# Debian's Chromium (Playwright's own browser download is not reachable) and fonts that shape
# Hebrew and Arabic; axe-core (package.json, locked in package-lock.json), with which the browser tests
# check the pages' accessibility, and oidc-provider, the real OpenID Connect provider the sign-in tests
# start on 127.0.0.1 with node (npm and node from Debian when missing).
browser-deps: node_modules/axe-core/axe.min.js
	@{ command -v chromium >/dev/null && dpkg -s fonts-noto-core >/dev/null 2>&1; } || \
	  { $(MAKE) $(APT_UPDATED) && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || \
	  { $(MAKE) $(APT_UPDATED) && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --silent && touch $@

# The read-replica test (common/tests/test_replica_postgres.py) starts its own PostgreSQL primary and
# standby (initdb, pg_basebackup): the server programs from Debian when missing.
test-deps:
	@ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 || \
	  { $(MAKE) $(APT_UPDATED) && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

# bench/faults.py starts its own PostgreSQL cluster and Redis (on spare ports, in a temp folder).
bench-deps:
	@{ command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || \
	  { $(MAKE) $(APT_UPDATED) && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; }

clean:
	rm -rf $(VENV) var $(MO_FILES)
