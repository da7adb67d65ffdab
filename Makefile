# Two commands set the project up on a fresh machine: `make` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
STAMP  := $(VENV)/.installed

DATASETS  := $(wildcard data/*.yaml)
STEMS     := $(notdir $(basename $(DATASETS)))
BRIEFINGS := $(STEMS:%=$(OUT)/%-briefing.pdf)
REPORTS   := $(STEMS:%=$(OUT)/%-report.pdf)
SOURCES   := $(shell find briefing -name '*.py' -o -name '*.yaml') pyproject.toml
FONTFILES := $(wildcard fonts/*.ttf)

.PHONY: all install test lint check fonts clean briefing report

all: briefing report

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

briefing: $(BRIEFINGS)
report: $(REPORTS)

$(OUT)/%-briefing.pdf: data/%.yaml $(SOURCES) $(FONTFILES) | $(STAMP)
	$(BIN)/briefing build $< -o $(OUT) --only briefing

$(OUT)/%-report.pdf: data/%.yaml $(SOURCES) $(FONTFILES) | $(STAMP)
	$(BIN)/briefing build $< -o $(OUT) --only report

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check briefing tests
	$(BIN)/mypy

check: lint test

# Rebuild the embedded font subsets from the Debian packages fonts-noto-cjk and fonts-lxgw-wenkai.
fonts: $(STAMP)
	$(BIN)/briefing fonts build

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
