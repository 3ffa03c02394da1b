# The two commands: `make run` (the app with demo data on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install lint bench worker screenshots messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Open http://127.0.0.1:8000/ and sign in with one of the demo logins above."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

worker: $(VENV)/.runtime
	$(BIN)/celery -A caseload worker --loglevel=INFO --concurrency=2

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)

screenshots: $(VENV)/.dev
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/e2e

# Extract new strings into locale/{da,ca,fr}/LC_MESSAGES/django.po and compile the .mo files (needs gettext).
messages: $(VENV)/.runtime
	$(BIN)/python manage.py update_catalogues
