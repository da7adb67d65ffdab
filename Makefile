# Two commands set the project up on a fresh machine: `make` and `make test`.
#
#   make              create .venv, install, build every data/*.yaml into out/ (then: nothing to do)
#   make -j4          the same in parallel: one pattern rule per output
#   make briefing     only the one-page briefings; `make report` only the reports
#   make batch        the same outputs through `briefing batch` (one process, N workers, its own cache)
#   make handouts COPIES=30 [WHAT=both] [MARKING='内部资料 注意保存'] [WATERMARK=征求意见稿] [GRAY=1] [BOOKLET=1]
#                     out/<stem>-handout.pdf per dataset
#   make bench        time cold builds, batches and no-change rebuilds; writes docs/benchmarks.md
#   make references  regenerate the chart reference images after a deliberate change
#   make test / make lint / make check
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
# The venv is an order-only prerequisite (after `|`): outputs need it to exist, but reinstalling
# it must not make every PDF look out of date.
STAMP  := $(VENV)/.installed

DATASETS  := $(wildcard data/*.yaml)
STEMS     := $(notdir $(basename $(DATASETS)))
BRIEFINGS := $(STEMS:%=$(OUT)/%-briefing.pdf)
REPORTS   := $(STEMS:%=$(OUT)/%-report.pdf)
HANDOUTS  := $(STEMS:%=$(OUT)/%-handout.pdf)
# What an output is made from besides its dataset: the package's sources and data, and the fonts.
SOURCES   := $(shell find briefing -name '*.py' -o -name '*.yaml') pyproject.toml
FONTFILES := $(wildcard fonts/*.ttf)

COPIES    ?= 30
WHAT      ?= briefing
MARKING   ?=
WATERMARK ?=
GRAY      ?=
BOOKLET   ?=
HANDOUT_ARGS := $(strip --copies $(COPIES) --what $(WHAT) $(if $(MARKING),--marking '$(MARKING)') \
                $(if $(WATERMARK),--watermark '$(WATERMARK)') $(if $(GRAY),--gray) $(if $(BOOKLET),--booklet))

.PHONY: all install test lint check fonts clean briefing report batch handouts bench references FORCE

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

# One process for all datasets; it skips outputs whose content hashes say nothing changed.
batch: | $(STAMP)
	$(BIN)/briefing batch $(DATASETS) -o $(OUT)

# Handouts also depend on their options: .handout-args is rewritten only when they change.
handouts: $(HANDOUTS)

$(OUT)/.handout-args: FORCE
	@mkdir -p $(OUT)
	@echo "$(HANDOUT_ARGS)" | cmp -s - $@ || echo "$(HANDOUT_ARGS)" > $@

$(OUT)/%-handout.pdf: data/%.yaml $(SOURCES) $(FONTFILES) $(OUT)/.handout-args | $(STAMP)
	$(BIN)/briefing handout $< $(HANDOUT_ARGS) -o $@

bench: | $(STAMP)
	$(BIN)/python benchmarks/bench.py

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerate the stored chart reference images (tests/references/charts/) after a deliberate change.
references: $(STAMP)
	BRIEFING_UPDATE_REFERENCES=1 $(BIN)/python -m pytest tests/test_chart_references.py -q

lint: $(STAMP)
	$(BIN)/ruff check briefing tests benchmarks
	$(BIN)/mypy

check: lint test

# Rebuild the embedded font subsets from the Debian packages fonts-noto-cjk and fonts-lxgw-wenkai.
fonts: $(STAMP)
	$(BIN)/briefing fonts build

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
