# Two commands set the project up on a fresh machine: `make` and `make test`.
#
#   make              create .venv, install, build every data/*.yaml into out/ (then: nothing to do)
#   make -j4          the same in parallel: one pattern rule per output
#   make briefing     only the one-page briefings; `make report` only the reports (one target per
#                     document in the registry, briefing/documents.py)
#   make batch        the same outputs through `briefing batch` (one process, N workers, its own cache)
#   make handouts COPIES=30 [WHAT=both] [MARKING='内部资料 注意保存'] [WATERMARK=征求意见稿] [GRAY=1] [BOOKLET=1]
#                     out/<stem>-handout.pdf per dataset
#   make compare      the comparison pack (the registry's documents made from many datasets,
#                     out/<name>.pdf): every data/*.yaml side by side (COMPARE='a.yaml b.yaml …' to
#                     choose the datasets; 2 to 30 of them)
#   make bench        time cold builds, batches and no-change rebuilds; writes docs/benchmarks.md
#   make references   regenerate the reference images (pages and charts; on purpose only)
#   make test / make lint / make check
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out
# The venv is an order-only prerequisite (after `|`): outputs need it to exist, but reinstalling
# it must not make every PDF look out of date.
STAMP  := $(VENV)/.installed

# Document names come from the registry; it imports nothing but the standard library, so a bare
# Python reads it before the venv exists.
DOCS      := $(shell $(PYTHON) -c 'import sys; sys.path.insert(0, "."); import briefing.documents as d; print(*d.names())')
$(if $(DOCS),,$(error cannot read the document names from briefing/documents.py with $(PYTHON)))
DATASETS  := $(wildcard data/*.yaml)
STEMS     := $(notdir $(basename $(DATASETS)))
HANDOUTS  := $(STEMS:%=$(OUT)/%-handout.pdf)
# What an output is made from besides its dataset: the package's sources and data, and the fonts.
SOURCES   := $(shell find briefing -name '*.py' -o -name '*.yaml') pyproject.toml
FONTFILES := $(wildcard fonts/*.ttf)

COPIES    ?= 30
WHAT      ?= $(firstword $(DOCS))
MARKING   ?=
WATERMARK ?=
GRAY      ?=
BOOKLET   ?=
HANDOUT_ARGS := $(strip --copies $(COPIES) --what $(WHAT) $(if $(MARKING),--marking '$(MARKING)') \
                $(if $(WATERMARK),--watermark '$(WATERMARK)') $(if $(GRAY),--gray) $(if $(BOOKLET),--booklet))

.PHONY: references all install test lint check fonts clean batch handouts bench compare FORCE $(DOCS)

all: $(DOCS)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

# `make <document>`: that document of every dataset.
$(foreach d,$(DOCS),$(eval $(d): $(STEMS:%=$(OUT)/%-$(d).pdf)))

# A pattern rule with several targets runs once for all of them: every document of a dataset is
# built, and replaced, together.
$(foreach d,$(DOCS),$(OUT)/%-$(d).pdf): data/%.yaml $(SOURCES) $(FONTFILES) | $(STAMP)
	$(BIN)/briefing build $< -o $(OUT)

# One process for all datasets; it skips outputs whose content hashes say nothing changed.
batch: | $(STAMP)
	$(BIN)/briefing batch $(DATASETS) -o $(OUT)

# The comparison pack is made from many datasets at once, all its documents by one command:
# rebuilt when any dataset changes. Its document names come from the registry too.
COMPARE  ?= $(DATASETS)
PACKDOCS := $(shell $(PYTHON) -c 'import sys; sys.path.insert(0, "."); import briefing.documents as d; print(*d.names("many"))')
PACK     := $(PACKDOCS:%=$(OUT)/%.pdf)

compare: $(firstword $(PACK))

$(firstword $(PACK)): $(COMPARE) $(SOURCES) $(FONTFILES) | $(STAMP)
	$(BIN)/briefing compare $(COMPARE) -o $(OUT)

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

# The visual tests compare pages with tests/references/*.png and each chart kind with
# tests/references/charts/*.png; after an intended change of how pages or charts look,
# regenerate them here, look at them, and commit them.
references: $(STAMP)
	BRIEFING_UPDATE_REFERENCES=1 $(BIN)/python -m pytest -q tests/test_visual.py tests/test_chart_references.py \
		-k matches_its_reference

lint: $(STAMP)
	$(BIN)/ruff check briefing tests benchmarks
	$(BIN)/mypy

check: lint test

# Rebuild the embedded font subsets from the Debian packages fonts-noto-cjk and fonts-lxgw-wenkai.
fonts: $(STAMP)
	$(BIN)/briefing fonts build --dir fonts

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
