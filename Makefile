# Everything runs inside .venv, created on first use from the system Python.
# The venv is installed from requirements.lock (exact versions, sha256 hashes), then the project itself
# without dependencies; pyproject.toml keeps the ranges. `make lock` refreshes the lock after a change there.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements.lock
STAMP  := $(VENV)/.installed

.PHONY: demo test test-serial bench lint lock lock-check clean setup

$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary=:all: -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/yc-reports demo

# -n auto: one pytest-xdist worker per core; --dist loadfile keeps each test file on one worker, so a
# module-scoped fixture (a built quarter, a running portal) is made once. `make test-serial`: one process.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

test-serial: $(STAMP)
	$(BIN)/python -m pytest -p no:xdist

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# ruff (rules in [tool.ruff]), mypy ([tool.mypy]), import contracts ([tool.importlinter]). Every step runs
# even when an earlier one finds something; the target fails if any did. (The lock ↔ pyproject check is
# tests/test_lock.py, part of `make test`; `make lock-check` runs it alone.)
lint: $(STAMP)
	@status=0; \
	echo "== ruff";          $(BIN)/ruff check --output-format concise yc_reports tests benchmarks || status=1; \
	echo "== mypy";          $(BIN)/mypy || status=1; \
	echo "== import-linter"; $(BIN)/lint-imports --no-cache || status=1; \
	exit $$status

# Refresh requirements.lock from pyproject.toml (runtime + every extra + the build backend), for the CI
# machine: Linux x86-64, CPython 3.11. uv resolves for that target whatever machine runs it.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet "uv>=0.5"
	$(BIN)/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' > $(VENV)/build-requires.in
	echo "editables  # hatchling asks for it to build the editable install (get_requires_for_build_editable)" >> $(VENV)/build-requires.in
	$(BIN)/uv pip compile pyproject.toml $(VENV)/build-requires.in --all-extras --generate-hashes \
	    --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	    --custom-compile-command "make lock" --quiet -o $(LOCK)

lock-check: $(STAMP)
	$(BIN)/python -m pytest -q -p no:xdist -p no:cacheprovider tests/test_lock.py

clean:
	rm -rf $(VENV) outputs/* .pytest_cache
