# Two commands do all set-up: `make lab` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: lab test venv lint format bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "labkit needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks \
		--IdentityProvider.token="$${LABKIT_JUPYTER_TOKEN:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(24))')}"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check labkit tests benchmarks notebooks
	$(BIN)/ruff format --check labkit tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix labkit tests benchmarks notebooks
	$(BIN)/ruff format labkit tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_policy.py
	$(BIN)/python benchmarks/bench_gateway.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
