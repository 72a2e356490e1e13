# Two commands set nngrade up on a fresh machine with Python 3.11:
#   make demo   creates .venv, installs nngrade, grades the sample class and writes its report
#   make test   creates .venv if needed, installs what the tests need, runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp

.PHONY: demo test bench clean nbgrader

# The sandbox's system-call filter is built with libseccomp (Debian: libseccomp2); without it the
# grader says so once and grades without the filter.
$(STAMP): pyproject.toml
	@/sbin/ldconfig -p 2>/dev/null | grep -q libseccomp.so.2 || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq libseccomp2; } || \
		echo "warning: libseccomp2 is not installed: the sandbox will run without its system-call filter"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import grader, numpy, sympy, pandas, matplotlib, torch, sklearn, pytest, copydetect"
	touch $(STAMP)

# The tests also need jsonschema, torch_geometric, nbgrader, pytest-xdist, selenium and tokenizers (the [test] extra),
# Dask's distributed scheduler for the cluster tests (the [cluster] extra), and the system's Chromium with
# its driver for the class report's browser test (Debian: chromium, chromium-driver; selenium drives them
# and downloads nothing; without them that test is skipped and says why).
$(TEST_STAMP): $(STAMP)
	@{ command -v chromium >/dev/null && [ -x /usr/bin/chromedriver ]; } || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y -qq chromium chromium-driver; } || \
		echo "warning: chromium and chromium-driver are not installed: the class report's browser test will be skipped"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,cluster]" 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import jsonschema, sklearn, torch_geometric, nbgrader, xdist, selenium, tokenizers, dask, distributed, torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
	touch $(TEST_STAMP)

# What the README's nbgrader section needs: nbgrader in the venv (the [nbgrader] extra); run nbgrader
# with .venv/bin first on PATH, since it starts alembic by name.
nbgrader: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[nbgrader]" 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import nbgrader, grader.delivery.nbgrader_late_penalty"
	@echo "nbgrader is installed: put $(CURDIR)/$(BIN) first on PATH (export PATH=\"$(CURDIR)/$(BIN):\$$PATH\") to run it"

# The sample class holds two submissions that cannot be graded on purpose (max: no code; nia: a broken
# zip), so each run ends with exit status 4 ("finished, some rows are problems"); any other failure stops.
demo: $(STAMP)
	@echo "== Grading the sample class (examples/class): assignment a1, perceptrons and backpropagation =="
	$(BIN)/nngrade grade examples/class/submissions -a a1 -o examples/class/graded \
		--timestamps examples/class/timestamps.csv -j 2 || [ $$? -eq 4 ]
	@echo
	@echo "== The same class's second hand-in: assignment conv-lab, a convolution layer (cnn.conv2d) =="
	$(BIN)/nngrade grade examples/class/submissions -a conv-lab -o examples/class/graded-conv-lab \
		--timestamps examples/class/timestamps.csv -j 2 || [ $$? -eq 4 ]
	@echo
	@echo "Open examples/class/graded/report.html (and graded-conv-lab/report.html) for the class reports, and"
	@echo "examples/class/graded/feedback/<student>.html for each student's feedback."

# The suite runs on every core (pytest-xdist; tests/conftest.py deals the work out: a file at a time where its
# tests share an expensive fixture, test by test for the registry-wide sweeps, longest first), then the few
# tests that look at every process of the machine run alone. NumPy's BLAS, OpenMP and torch get one thread in
# each test process: a worker per core already fills the machine, and threads spinning against the other
# worker's cost CPU time for nothing (the sandbox's children set the same for themselves).
# One worker per core: a third worker on 2 cores was measured no faster (712 s against 708 s for the parallel part).
TEST_THREADS := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
test: $(TEST_STAMP)
	$(TEST_THREADS) $(BIN)/python -m pytest -n auto --dist loadscope -m "not serial"
	$(TEST_THREADS) $(BIN)/python -m pytest -m serial

bench: $(TEST_STAMP)
	$(BIN)/python bench/bench_selfcheck.py
	$(BIN)/python bench/bench_selfcheck_latency.py
	$(BIN)/python bench/bench_sandbox.py
	$(BIN)/python bench/bench_modules.py
	$(BIN)/python bench/bench_training_checks.py
	$(BIN)/python bench/bench_cnn.py --training 300
	$(BIN)/python bench/bench_grade.py
	$(BIN)/python bench/bench_cluster.py
	$(BIN)/python bench/bench_derivations.py
	$(BIN)/python bench/bench_nbgrader.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
