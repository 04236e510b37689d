# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck pytest bench clean lock translations

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)
	$(MAKE) translations

translations:  ## compile the Dutch catalogue (the .mo is built, never committed)
	$(BIN)/pybabel compile --use-fuzzy -d convene/locale -D messages >/dev/null 2>&1

install: $(STAMP) convene/locale/nl/LC_MESSAGES/messages.mo

convene/locale/nl/LC_MESSAGES/messages.mo: convene/locale/nl/LC_MESSAGES/messages.po
	$(MAKE) translations

run: install
	$(BIN)/convene db upgrade
	$(BIN)/convene seed --demo
	$(BIN)/convene match refresh
	@echo "Sign in at http://127.0.0.1:8000/login with an account printed above; on a later run,"
	@echo "  $(BIN)/convene users reset-password coordinator@example.org   prints a new password."
	$(BIN)/convene serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

test: lint typecheck pytest

lock:  ## refresh constraints.txt from a fresh resolve of pyproject.toml
	rm -rf /tmp/convene-lock && $(PYTHON) -m venv /tmp/convene-lock
	/tmp/convene-lock/bin/pip install --quiet --upgrade pip
	/tmp/convene-lock/bin/pip install --quiet -e '.[test]'
	/tmp/convene-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) convene.db convene.db-* outbox
