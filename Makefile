# Two commands on a fresh machine with python3 and make:  `make sdtm adam`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= output
STUDY  ?=
STUDY_ARG := $(if $(STUDY),--study $(STUDY),)

.PHONY: all raw sdtm adam test lint venv clean

all: sdtm adam

# The virtualenv is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

raw: $(STAMP)
	$(BIN)/cdiscmm raw $(STUDY_ARG) --out $(OUT)

sdtm: raw
	$(BIN)/cdiscmm sdtm $(STUDY_ARG) --out $(OUT)

adam: sdtm
	$(BIN)/cdiscmm adam $(STUDY_ARG) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf $(OUT)/*/ .pytest_cache
