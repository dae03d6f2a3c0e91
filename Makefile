# The commands of the README. `make demo` installs mgfunc with its runtime dependencies only;
# `make test` and the other development targets install the development tools as well. Each
# install is redone whenever pyproject.toml changes, and .venv is created on first use, so a
# fresh machine needs only Python 3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per kind of install, so that `make demo` after `make test` (and the reverse) does
# exactly the install it needs. The development install includes the runtime one.
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
OUT ?= demo_output

.PHONY: demo test lint typecheck pytest docs bench dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV) $(RUNTIME)

demo: $(RUNTIME)
	$(BIN)/python -m mgfunc demo --out $(OUT)

test: lint typecheck pytest

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV)
	$(BIN)/mypy

pytest: $(DEV)
	$(BIN)/python -m pytest

docs: $(DEV)
	$(BIN)/mkdocs build --strict

bench: $(DEV)
	$(BIN)/python benchmarks/bench_demo.py

# The sdist and the wheel, in dist/ (emptied first, so it holds exactly one release; the old
# build metadata goes too, since setuptools would otherwise add the files it lists to the sdist),
# then the release check on those very files: tests/test_wheel.py installs the wheel and the
# unpacked sdist into clean environments and runs a smoke test in each.
dist: $(DEV)
	rm -rf dist build mgfunc.egg-info
	$(BIN)/python -m build --outdir dist .
	MGFUNC_DIST=dist $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_wheel.py

clean:
	rm -rf $(VENV) $(OUT) dist build .mypy_cache .pytest_cache .ruff_cache .hypothesis
