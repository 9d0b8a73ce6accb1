# Two commands on a fresh machine with python3 and make:  `make sdtm adam`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= output
STUDY  ?=
STUDY_ARG := $(if $(STUDY),--study $(STUDY),)
# `define` is a make directive, so the stage of that name is written through a variable wherever it is a target
# or a prerequisite.
DEFINE := define

.PHONY: all raw sdtm adam $(DEFINE) validate package bench test lint docs venv lock clean

all: sdtm adam

# The virtualenv installs exactly the versions in requirements.lock (the whole dependency tree, as tested),
# then cdiscmm itself without resolving anything again; it is rebuilt when the lock or pyproject.toml changes.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

raw: $(STAMP)
	$(BIN)/cdiscmm raw $(STUDY_ARG) --out $(OUT)

sdtm: raw
	$(BIN)/cdiscmm sdtm $(STUDY_ARG) --out $(OUT)

adam: sdtm
	$(BIN)/cdiscmm adam $(STUDY_ARG) --out $(OUT)

$(DEFINE): adam
	$(BIN)/cdiscmm define $(STUDY_ARG) --out $(OUT)

# QA report per study: <out>/<STUDYID>/validation/report.{html,xlsx,json}; exits 1 when a Reject/Error finding exists.
# REGION=pmda|nmpa|fda given on the command line adds that region's rules and severities.
validate: $(DEFINE)
	$(BIN)/cdiscmm validate $(STUDY_ARG) --out $(OUT) $(if $(filter command line,$(origin REGION)),--region $(REGION),)

# The submission package of one region (REGION=pmda|nmpa|fda), validated and checked on the assembled tree;
# exit 1 with the reasons when a gateway would refuse it.
REGION ?= pmda
package: $(DEFINE)
	$(BIN)/cdiscmm package --region $(REGION) $(STUDY_ARG) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

# Regenerate the docs the code states (docs/mapping-language.md, docs/adam-inputs.md, docs/adam-derivations.md);
# tests/test_docs.py fails when they drift.
docs: $(STAMP)
	$(BIN)/python -m tools.build_docs

# Refresh the lock after changing dependencies in pyproject.toml (newest versions that satisfy it, with the dev and
# dask extras, for every Python >= 3.11); commit both files together. tests/test_lock.py fails when they disagree.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra dask --universal --python-version 3.11 \
		--custom-compile-command "make lock" --quiet --output-file requirements.lock

clean:
	rm -rf $(OUT)/*/ .pytest_cache

# Time every stage on ISA-like cohorts of 1,200, 10,000 and 100,000 subjects against the I/O floor
# (output/bench/bench.md and bench.json); `make bench QUICK=1` runs only the 1,200 cohort. The stages work
# BENCH_CHUNK subjects at a time on BENCH_WORKERS Dask worker processes (the README's run).
BENCH_CHUNK ?= 2000
BENCH_WORKERS ?= 2
bench: $(STAMP)
	$(BIN)/cdiscmm bench $(if $(QUICK),--quick,) --chunk-subjects $(BENCH_CHUNK) --workers $(BENCH_WORKERS) \
		--out $(OUT)/bench
