# The two commands of the README's quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test

$(VENV)/.main: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.main
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Exit status 1 from analyze means "some input failed": the examples hold one broken file on purpose.
demo: $(VENV)/.main
	$(BIN)/nlp-pipeline analyze examples/ --format table || test $$? -eq 1

test: $(VENV)/.test
	$(BIN)/python -m pytest
