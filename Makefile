# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    install, migrate, load the fixtures into an empty database, serve
#   make test   install (with development tools), run every test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The test suite's settings: DEBUG is forced off by pytest-django during tests; this
# only selects the local-development defaults (no HTTPS redirect, a throwaway key).
TEST_ENV := DJANGO_DEBUG=1

.PHONY: run test install messages lint check-deploy bench clean backup restore basemap \
	cluster cluster-down cluster-check cluster-bench
PRACTICES ?= 100000
RUNS ?= 30
# Benchmarks run with DEBUG off, as production does; the test client speaks plain http.
BENCH_ENV := DJANGO_SECRET_KEY=benchmark-only-key DJANGO_ALLOWED_HOSTS=localhost DJANGO_SECURE_SSL_REDIRECT=0

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $@

# The interface's translations: locale/*/LC_MESSAGES/django.po compiled to .mo (not
# committed: built here, from the .po files that are). Needs GNU gettext's msgfmt: as
# root on Debian it is installed when missing; elsewhere `make run` still serves, with
# the interface in English, and says how to get the other languages.
MSGFMT ?= msgfmt
messages: $(VENV)/.installed
	@command -v $(MSGFMT) >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || { \
	  echo "Installing gettext (msgfmt) for the interface's translations"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq gettext >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }; }
	@if command -v $(MSGFMT) >/dev/null; then \
	  DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=build --ignore=node_modules -v0; \
	else \
	  echo "msgfmt is missing: the interface stays in English until gettext is installed (apt-get install gettext), then run make messages"; \
	fi

install: $(VENV)/.installed messages

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_knowledge_base --if-empty
	@echo ""
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "No admin account is created for you. Make one with:"
	@echo "    DJANGO_DEBUG=1 $(PY) manage.py createsuperuser"
	@echo ""
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: install
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=practices.example.eu \
	$(PY) manage.py check --deploy --fail-level WARNING

# Benchmark at $(PRACTICES) synthetic practices on the database DATABASE_URL names, e.g.
#   DATABASE_URL=sqlite:////tmp/bench.sqlite3 make bench
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench make bench
bench: install
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(PY) manage.py load_knowledge_base
	$(BENCH_ENV) $(PY) manage.py seed_synthetic --clear --practices $(PRACTICES)
	$(BENCH_ENV) $(PY) manage.py bench_browse --runs $(RUNS)
	$(BENCH_ENV) $(PY) manage.py bench_export

# A consistent backup of the database DATABASE_URL names (SQLite by default) into backups/.
backup: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py backup_database

# Restore FILE into an empty database; FORCE=1 replaces a database's content.
restore: install
	@test -n "$(FILE)" || { echo "Give the backup: make restore FILE=backups/portal-....pgdump"; exit 2; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py restore_database "$(FILE)" $(if $(FORCE),--force)

# Rebuild static/map/europe.svg (committed; only needed to change the map). Fetches the
# pinned npm packages world-atlas and topojson-client into build/basemap, decodes the
# TopoJSON with node, then projects, clips and simplifies in Python (cities/basemap.py).
WORLD_ATLAS ?= 2.0.2
TOPOJSON_CLIENT ?= 3.1.0
basemap: install
	rm -rf build/basemap && mkdir -p build/basemap
	npm install --no-save --no-package-lock --no-audit --no-fund --prefix build/basemap \
		world-atlas@$(WORLD_ATLAS) topojson-client@$(TOPOJSON_CLIENT)
	node tools/basemap/extract.cjs build/basemap/node_modules > build/basemap/world.json
	DJANGO_DEBUG=1 $(PY) manage.py build_basemap build/basemap/world.json --atlas-version $(WORLD_ATLAS)

# Several app servers behind HAProxy, a streaming replica, a shared Redis: on this machine
# (README, "Running on several machines"). cluster-check loads it and breaks it for
# CLUSTER_CHECK_SECONDS (60 by default); cluster-bench measures 1 and then 2 app servers.
cluster: install
	tools/cluster/cluster.sh up

cluster-down:
	tools/cluster/cluster.sh down

cluster-check: install
	$(PY) tools/cluster/check.py

cluster-bench: install
	$(PY) tools/cluster/check.py --bench

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache build
