# Two commands a newcomer needs: `make demo` (the main job) and `make test` (the suite).
# Each creates the virtualenv and installs the package (CPU torch pinned) by itself.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

# A second environment with pandas 2.2.x (the oldest pandas we support), for `make test-pandas2`.
VENV2 ?= .venv-pandas2
PY2 := $(VENV2)/bin/python
STAMP2 := $(VENV2)/.installed-stamp

.PHONY: demo readme-image test test-quick test-pandas2 lint format install clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m seqforecast benchmark --out reports

# The README's pictures of the report: page one of report.html rendered without a browser (WeasyPrint and
# pypdfium2, installed here only), and the demo's forecasts figure; both in docs/images/ (under 200 KB).
readme-image: demo
	$(PY) -m pip install --quiet "weasyprint>=60,<71" "pypdfium2>=4,<6"
	$(PY) tools/report_image.py --page reports docs/images/report_page.png
	$(PY) tools/report_image.py reports docs/images/report_forecasts.png

# The whole check, as CI runs it: lint (ruff), formatting (ruff format), the import layers (import-linter,
# contracts in pyproject.toml), then every test.
test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks tools
	$(PY) -m ruff format --check src tests benchmarks tools
	$(VENV)/bin/lint-imports

# Rewrite the code in the house format (what `make lint` checks).
format: $(STAMP)
	$(PY) -m ruff check --fix src tests benchmarks tools
	$(PY) -m ruff format src tests benchmarks tools

# The suite without the tests marked slow (each over about half a second): for the edit-test loop.
test-quick: $(STAMP)
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

$(STAMP2): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV2)
	$(PY2) -m pip install --quiet --upgrade pip
	$(PY2) -m pip install --quiet -c constraints.txt "pandas>=2.2,<2.3" -e ".[test]"
	touch $(STAMP2)

test-pandas2: $(STAMP2)
	$(PY2) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(VENV2) reports .pytest_cache .hypothesis
