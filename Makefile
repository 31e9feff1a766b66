# Everything runs inside .venv, created on first use from the system Python (3.11–3.13).
#
# Two locks, both resolved for Windows and Linux x86-64, CPython 3.11–3.13 (`uv pip compile --universal`),
# every pin with its sha256 hashes; pyproject.toml keeps the ranges, `make lock` refreshes both:
#   requirements.lock      what the program needs to run, plus the build backend that installs it
#                          (`make demo`, the Windows route in the README, `make wheelhouse`)
#   requirements-dev.lock  the same pins plus the test, lint and benchmark tools (`make test`, `make lint`)
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock
RUNTIME  := $(VENV)/.installed
DEV      := $(VENV)/.installed-dev
UV       := uv==0.13.9
# The Pythons the wheelhouse carries wheels for (an office PC may have any of them).
WHEEL_PYTHONS ?= 3.11 3.12 3.13

.PHONY: demo test test-serial bench lint lock lock-check wheelhouse readme-examples docs-images clean setup

$(RUNTIME): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary=:all: -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(DEV): $(RUNTIME) $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary=:all: -r $(DEV_LOCK)
	touch $@

# A developer's venv: the program and every tool.
setup: $(DEV)

demo: $(RUNTIME)
	$(BIN)/yc-reports demo

# -n auto: one pytest-xdist worker per core; --dist loadfile keeps each test file on one worker, so a
# module-scoped fixture (a built quarter, a running portal) is made once. `make test-serial`: one process.
test: $(DEV)
	$(BIN)/python -m pytest -n auto --dist loadfile

test-serial: $(DEV)
	$(BIN)/python -m pytest -p no:xdist

bench: $(DEV)
	$(BIN)/python benchmarks/bench.py

# ruff (rules in [tool.ruff]), mypy ([tool.mypy]), import contracts ([tool.importlinter]). Every step runs
# even when an earlier one finds something; the target fails if any did. (The lock ↔ pyproject check is
# tests/test_lock.py, part of `make test`; `make lock-check` runs it alone.)
lint: $(DEV)
	@status=0; \
	echo "== ruff";          $(BIN)/ruff check --output-format concise yc_reports tests benchmarks tools || status=1; \
	echo "== mypy";          $(BIN)/mypy || status=1; \
	echo "== import-linter"; $(BIN)/lint-imports --no-cache || status=1; \
	exit $$status

# Refresh both locks from pyproject.toml. The runtime lock first; the dev lock is constrained to its pins, so
# the program runs on the same versions under test as in the office. Existing pins are kept where they
# still fit (uv prefers the versions already in the output file); `rm` a lock first to take the newest.
lock: $(DEV)
	$(BIN)/python -m pip install --quiet "$(UV)"
	$(BIN)/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' > $(VENV)/build-requires.in
	echo "editables  # hatchling asks for it to build the editable install (get_requires_for_build_editable)" >> $(VENV)/build-requires.in
	$(BIN)/uv pip compile pyproject.toml $(VENV)/build-requires.in --universal --python-version 3.11 \
	    --generate-hashes --custom-compile-command "make lock" --quiet -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml $(VENV)/build-requires.in --all-extras --constraint $(LOCK) \
	    --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock" --quiet -o $(DEV_LOCK)

lock-check: $(DEV)
	$(BIN)/python -m pytest -q -p no:xdist -p no:cacheprovider tests/test_lock.py

# wheelhouse/: every wheel the program needs on Windows (win_amd64; CPython $(WHEEL_PYTHONS)), the project's
# own wheel and an install script, for a PC without internet (README, “内网电脑”). Needs network here.
wheelhouse: $(RUNTIME)
	$(BIN)/python tools/wheelhouse.py --out wheelhouse --pythons $(WHEEL_PYTHONS)

# The README's terminal examples, rerun and written back (tests/test_readme.py compares them).
readme-examples: $(RUNTIME)
	$(BIN)/python tools/readme_examples.py --write

# The page images in docs/images, from the program's own output (needs LibreOffice and pdftoppm).
docs-images: $(DEV)
	$(BIN)/python tools/docs_images.py

clean:
	rm -rf $(VENV) outputs/* wheelhouse .pytest_cache
