# Two commands set everything up on a fresh machine (Python 3.11+):
#   make demo   – creates .venv, installs asfverify, runs the example application end to end
#   make test   – creates .venv, installs asfverify with test extras, runs the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench samples readme readme-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

samples: $(STAMP)
	@# Absolute paths: the checker runs asfverify from a temporary workspace folder.
	$(PYTHON) $(abspath ../shared/tools/check-samples) --asfverify $(abspath $(BIN)/asfverify)

# The README's demo block comes from a real run of scripts/demo.sh (in a fresh copy of the checkout).
readme: $(STAMP)
	$(BIN)/python scripts/readme_demo.py

readme-check: $(STAMP)
	$(BIN)/python scripts/readme_demo.py --check

clean:
	rm -rf $(VENV) ledger.db* cache.db* out/
