# make run: the site with demo data on SQLite.  make test: the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run test bench profile install install-dev translations extract-messages update-messages messages new-language

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations --statistics 2>&1 | grep -v "^compiling" || true

run: install translations
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) seed-demo
	@echo ""
	@echo "  Open http://127.0.0.1:5000 on this machine."
	@echo "  Demo coordinator: sign in at http://127.0.0.1:5000/sign-in with coordinator@example.org;"
	@echo "  e-mails (with the sign-in link) are printed here and saved under instance/outbox/."
	@echo ""
	FLASK_DEBUG=1 $(FLASK) run --host 127.0.0.1 --port 5000

# One pytest worker per core (pytest-xdist); each worker has its own database. PYTEST_ARGS="-n 0" runs in one process.
PYTEST_ARGS ?= -n auto --durations=15
test: install-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark (bench/README.md): a fresh database with the realistic data set, gunicorn, wrk, and a slow SMTP
# server (aiosmtpd, from requirements-dev.txt) for the rows that measure the outbox.
# make bench DB=postgres uses PostgreSQL at BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
DB ?= sqlite
bench: install-dev translations
	@command -v wrk >/dev/null || { echo "Installing wrk (the load generator)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi; }
	$(BIN)/python bench/run.py --db $(DB) $(BENCH_ARGS)

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext --sort-output \
		-o translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# After changing strings: extract, merge into every catalog, compile. Then translate what is empty.
messages: update-messages translations

# Start a catalog for a new language: make new-language LANG_CODE=so
new-language: extract-messages
	$(BIN)/pybabel init -i translations/messages.pot -d translations -l $(LANG_CODE)

# Where a page spends its time (bench/profile.py): make profile PAGE=/shifts, or PAGE=book for booking + cancelling.
PAGE ?= /shifts
profile: install-dev translations
	$(BIN)/python bench/profile.py $(PAGE) $(PROFILE_ARGS)
