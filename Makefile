# Two commands set nngrade up on a fresh machine with Python 3.11:
#   make demo   creates .venv, installs nngrade, runs the self-check on the solutions and on the stubs
#   make test   creates .venv if needed, installs what the tests need, runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import grader, numpy, sympy, pandas, matplotlib, torch, pytest"
	touch $(STAMP)

# The tests also need jsonschema and scikit-learn (the [test] extra).
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import jsonschema, sklearn"
	touch $(TEST_STAMP)

demo: $(STAMP)
	@echo "== The exercises =="
	$(BIN)/nngrade list --brief
	@echo
	@echo "== Self-check of the solutions (full marks expected) =="
	$(BIN)/nngrade check --dir solutions
	@echo
	@echo "== Self-check of the stubs (zero, not implemented, expected) =="
	$(BIN)/nngrade check --dir exercises; status=$$?; test $$status -eq 1

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_selfcheck.py
	$(BIN)/python bench/bench_sandbox.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
