# Jiedan — the two commands on a fresh machine are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
APT_TEST_PACKAGES := chromium fonts-noto-cjk gettext

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

.PHONY: install
install: $(BIN)/.installed ## Create the virtualenv and install Jiedan with its tools

.PHONY: run
run: install ## Migrate the SQLite database, load demo data and serve on http://127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py skilltests_load
	$(BIN)/python manage.py seed_demo
	@echo "Serving Jiedan (HTTP and websockets) on http://$(HOST):$(PORT)/ — Ctrl+C stops."
	DJANGO_SETTINGS_MODULE=jiedan.config.settings.local $(BIN)/uvicorn jiedan.config.asgi:application --host $(HOST) --port $(PORT) --lifespan off --reload --reload-dir src

.PHONY: test-deps
test-deps: install ## Install the Debian packages the tests need (chromium, CJK fonts, gettext)
	@missing=""; for p in $(APT_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

.PHONY: test
test: test-deps ## Run the whole test suite (SQLite by default; DATABASE_URL for PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: install ## Ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: messages
messages: install ## Refresh the translation catalogues after changing strings
	cd src/jiedan && ../../$(BIN)/python ../../manage.py makemessages -l zh_Hans --no-obsolete --no-location \
		--ignore '*/static/*'
	cd src/jiedan && ../../$(BIN)/python ../../manage.py compilemessages

.PHONY: check-deploy
check-deploy: install ## Run Django's deployment checks against the production settings
	DJANGO_SETTINGS_MODULE=jiedan.config.settings.production SECRET_KEY=$$(openssl rand -hex 40) \
		ALLOWED_HOSTS=jiedan.example.org DATABASE_URL=postgres://jiedan@db.invalid/jiedan \
		REDIS_URL=redis://redis.invalid:6379/0 FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

.PHONY: clean
clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var .pytest_cache
