# The two commands of the README's quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test cjk-font postgres chromium

$(VENV)/.main: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.main
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Exit status 1 from analyze means "some input failed": the examples hold one broken file on purpose.
# The results go into a fresh SQLite follow-up store, linked to the example registry.
DEMO_DB := sqlite:///build/demo.sqlite
demo: $(VENV)/.main
	mkdir -p build && rm -f build/demo.sqlite
	$(BIN)/nlp-pipeline registry import examples/registry.csv --db $(DEMO_DB)
	$(BIN)/nlp-pipeline analyze examples/documents/ --format table --db $(DEMO_DB) || test $$? -eq 1
	$(BIN)/nlp-pipeline officials list --db $(DEMO_DB)

# OCR tests and bench/batch.py render pages with a font that has Chinese glyphs.
cjk-font:
	@fc-list :lang=zh 2>/dev/null | grep -q . || ( (apt-get install -y -q fonts-wqy-microhei || \
	  (apt-get update -q && apt-get install -y -q fonts-wqy-microhei) || \
	  sudo -n apt-get install -y -q fonts-wqy-microhei) >/dev/null 2>&1 ) || \
	  echo "no font with Chinese glyphs could be installed: the OCR tests will skip"

# The triage tests also run on PostgreSQL, in a throwaway cluster of the installed server (tests/conftest.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ( (DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql) || \
	  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql) >/dev/null 2>&1 ) || \
	  echo "the PostgreSQL server could not be installed: the PostgreSQL tests will skip"

# The triage web UI's browser test drives Debian's chromium through Playwright (no downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || ( (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) || \
	  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null 2>&1 ) || \
	  echo "chromium could not be installed: the browser test of the triage web UI will skip"

test: $(VENV)/.test cjk-font postgres chromium
	$(BIN)/python -m pytest
