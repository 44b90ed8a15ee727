# Two commands do all set-up: `make lab` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: lab test test-fast venv lint format bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "labkit needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	@echo "labkit: installing into $(VENV) (the first time takes a few minutes; pip lists each step)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[test]'
	@echo "labkit: $(VENV) is ready"
	@touch $(STAMP)

# JupyterLab makes a random token and prints the URL that carries it (a token passed on the
# command line would be printed masked); LABKIT_JUPYTER_TOKEN sets one for facilitators who
# hand it out. It refuses to run as root unless told; bound to 127.0.0.1 with a token, containers
# that run as root (many workshop images) get --allow-root.
# The course's contents manager saves notebooks without outputs (the clone stays clean) and
# opens them as the kernel describes them (opening does not mark them modified). `exec`: the
# server is make's own child, so stopping make (Ctrl-C, or kill <pid>) stops JupyterLab, which
# shuts its kernels down, and each kernel stops its lab.
lab: $(STAMP)
	@echo "labkit: starting JupyterLab on 127.0.0.1; open the http://127.0.0.1:.../lab?token=... URL it prints."
	@echo "labkit: to stop: Ctrl-C twice here (or File > Shut Down in JupyterLab); the labs stop with it."
	exec $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(LAB_NOTEBOOKS) \
		--ServerApp.contents_manager_class=labkit.ui.course_contents.CourseContentsManager \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root) \
		$${LABKIT_JUPYTER_TOKEN:+--IdentityProvider.token="$$LABKIT_JUPYTER_TOKEN"}

# pytest-xdist workers (pyproject.toml adds --dist loadfile: one test file, one worker). The
# whole suite mostly waits on lab processes, kernels, browsers and sockets: two workers per core.
# The fast suite waits less and each worker imports every test module: one more than the cores
# (on 2 cores: 85 s with 3 workers, 92 s with 4). Serial, e.g. to debug: make test WORKERS=0
CORES := $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2)' 2>/dev/null || echo 2)
WORKERS ?= $(shell echo $$(( $(CORES) * 2 )))
FAST_WORKERS ?= $(shell echo $$(( $(CORES) + 1 )))

# pytest caches each test module's assertion-rewritten bytecode in __pycache__ (git-ignored);
# with PYTHONDONTWRITEBYTECODE set (some images set it) every worker would rewrite all ~280
# test modules again on every run: about 4 s of CPU per worker. The test targets turn it off.
test test-fast: export PYTHONDONTWRITEBYTECODE :=

test: $(STAMP)
	$(BIN)/python -m pytest -n $(WORKERS)

# The developer's loop: everything but the browser, the notebooks and real CLIs (aws, dig, make).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(FAST_WORKERS) -m "not browser and not notebooks and not real_cli"

lint: $(STAMP)
	$(BIN)/ruff check labkit tests benchmarks notebooks
	$(BIN)/ruff format --check labkit tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix labkit tests benchmarks notebooks
	$(BIN)/ruff format labkit tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_policy.py
	$(BIN)/python benchmarks/bench_gateway.py
	$(BIN)/python benchmarks/bench_start.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info

# -- The course in Japanese (issue 15) ------------------------------------------------------------
# labkit's own words: gettext catalogs under data/locale (.po in git, .mo compiled here).
# `make messages` re-extracts them from the code (babel.cfg) into every .po; `make translations`
# compiles; `make lab LANG=ja` (or `make lab-ja`) opens notebooks/ja with JupyterLab in Japanese.
PO_FILES := $(wildcard data/locale/*/LC_MESSAGES/labkit.po)
MO_FILES := $(PO_FILES:.po=.mo)
LAB_NOTEBOOKS ?= notebooks
JA_SETTINGS := $(VENV)/share/labkit/lab-ja/user-settings
JA_LOCALE := $(JA_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings

.PHONY: translations messages lab-ja $(JA_LOCALE)

venv lab test test-fast: translations
translations: $(MO_FILES)

data/locale/%/LC_MESSAGES/labkit.mo: data/locale/%/LC_MESSAGES/labkit.po $(STAMP)
	$(BIN)/pybabel compile --statistics --domain labkit -i $< -o $@

messages: $(STAMP)
	@mkdir -p data/locale
	$(BIN)/pybabel extract --mapping-file babel.cfg --add-location file --sort-by-file \
		--project labkit --copyright-holder "labkit authors" -o data/locale/labkit.pot .
	$(BIN)/pybabel update --domain labkit -i data/locale/labkit.pot -d data/locale \
		--no-fuzzy-matching --update-header-comment

ifneq ($(filter ja ja_% ja-%,$(LANG)),)
LAB_NOTEBOOKS := notebooks/ja
lab: export LABKIT_LANG := ja
lab: export JUPYTERLAB_SETTINGS_DIR := $(abspath $(JA_SETTINGS))
lab: $(JA_LOCALE)
endif

$(JA_LOCALE):  # written each time: `make lab-ja` always opens JupyterLab in Japanese
	@mkdir -p $(dir $@)
	@printf '{\n  "locale": "ja_JP"\n}\n' > $@

lab-ja:
	@$(MAKE) --no-print-directory lab LANG=ja
