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
#   make test / make lint / make check     [PYTEST_ARGS='-k batch --start-method=spawn']
#   make coverage                          the suite with coverage; fails below the floor
#   make test PYTHON=python3.12            the same with another Python, in its own .venv-3.12
#   make test-min                          the suite against the oldest dependency versions allowed
#   make messages     update the Chinese message catalogue from the code and compile it (then translate
#                     what is new in briefing/locale/zh/LC_MESSAGES/briefing.po and run it again)
PYTHON ?= python3
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
$(if $(PYVER),,$(error cannot run $(PYTHON)))
# The default Python gets .venv; one named on the command line gets a venv of its own.
ifeq ($(origin PYTHON),file)
VENV   ?= .venv
else
VENV   ?= .venv-$(PYVER)
endif
BIN    := $(VENV)/bin
OUT    := out
# The venv is an order-only prerequisite (after `|`): outputs need it to exist, but reinstalling
# it must not make every PDF look out of date. It is remade when its interpreter changes.
STAMP  := $(VENV)/.installed
INTERPRETER := $(VENV)/.interpreter
# The versions of what renders (Python, ReportLab, pikepdf, matplotlib, fontTools): rewritten only
# when one changes, so that an upgrade rebuilds the outputs and a reinstall does not.
ENGINES := $(VENV)/.engines
PYTEST_ARGS ?=
shq = '$(subst ','\'',$(1))'

# Document names come from the registry; it imports nothing but the standard library, so a bare
# Python reads it before the venv exists.
DOCS      := $(shell $(PYTHON) -c 'import sys; sys.path.insert(0, "."); import briefing.documents as d; print(*d.names())')
$(if $(DOCS),,$(error cannot read the document names from briefing/documents.py with $(PYTHON)))
DATASETS  := $(wildcard data/*.yaml)
STEMS     := $(notdir $(basename $(DATASETS)))
HANDOUTS  := $(STEMS:%=$(OUT)/%-handout.pdf)
# What an output is made from besides its dataset: every file of the package (sources, templates,
# the ICC profile), the fonts and their manifest, and the engines' versions.
SOURCES   := $(shell find briefing -type f -not -path '*/__pycache__/*' -not -name '*.pyc') pyproject.toml
FONTFILES := $(wildcard fonts/*.ttf fonts/manifest.json)

COPIES    ?= 30
WHAT      ?= $(firstword $(DOCS))
MARKING   ?=
WATERMARK ?=
GRAY      ?=
BOOKLET   ?=
# Each value is quoted for the shell, whatever quotes it holds itself (WATERMARK="it's").
HANDOUT_ARGS := $(strip --copies $(call shq,$(COPIES)) --what $(call shq,$(WHAT)) \
                $(if $(MARKING),--marking $(call shq,$(MARKING))) \
                $(if $(WATERMARK),--watermark $(call shq,$(WATERMARK))) $(if $(GRAY),--gray) $(if $(BOOKLET),--booklet))

.PHONY: messages references all install test test-min coverage lint check fonts clean batch handouts bench compare FORCE $(DOCS)

all: $(DOCS)

# The interpreter a venv was made from; a venv from before this record existed is asked itself.
PYID := import os, sys; print(os.path.realpath(sys._base_executable), sys.version.split()[0])
$(INTERPRETER): FORCE
	@mkdir -p $(VENV)
	@test -e $@ || ! test -x $(BIN)/python || { $(BIN)/python -c '$(PYID)' > $@; \
	  touch -r $(STAMP) $@ 2>/dev/null || true; }
	@$(PYTHON) -c '$(PYID)' > $@.now && { cmp -s $@.now $@ && rm $@.now || mv $@.now $@; }

$(STAMP): pyproject.toml $(INTERPRETER)
	$(PYTHON) -m venv --clear $(VENV)
	$(PYTHON) -c '$(PYID)' > $(INTERPRETER)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $@

$(ENGINES): FORCE | $(STAMP)
	@$(BIN)/python -c 'import sys, briefing.engines as e; sys.stdout.write(e.as_text())' > $@.now \
	  && { cmp -s $@.now $@ && rm $@.now || mv $@.now $@; }

install: $(STAMP)

# `make <document>`: that document of every dataset.
$(foreach d,$(DOCS),$(eval $(d): $(STEMS:%=$(OUT)/%-$(d).pdf)))

# A pattern rule with several targets runs once for all of them: every document of a dataset is
# built, and replaced, together.
$(foreach d,$(DOCS),$(OUT)/%-$(d).pdf): data/%.yaml $(SOURCES) $(FONTFILES) $(ENGINES) | $(STAMP)
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

$(firstword $(PACK)): $(COMPARE) $(SOURCES) $(FONTFILES) $(ENGINES) | $(STAMP)
	$(BIN)/briefing compare $(COMPARE) -o $(OUT)

# Handouts also depend on their options: .handout-args is rewritten only when they change.
handouts: $(HANDOUTS)

$(OUT)/.handout-args: FORCE
	@mkdir -p $(OUT)
	@printf '%s\n' $(call shq,$(HANDOUT_ARGS)) | cmp -s - $@ || printf '%s\n' $(call shq,$(HANDOUT_ARGS)) > $@

$(OUT)/%-handout.pdf: data/%.yaml $(SOURCES) $(FONTFILES) $(ENGINES) $(OUT)/.handout-args | $(STAMP)
	$(BIN)/briefing handout $< $(HANDOUT_ARGS) -o $@

bench: | $(STAMP)
	$(BIN)/python benchmarks/bench.py

# pytest's exit status 5 ("no tests collected") is a failure: a selection that runs nothing
# must not pass.
test: $(STAMP)
	@$(BIN)/python -m pytest $(PYTEST_ARGS) || { status=$$?; [ $$status != 5 ] || \
	  echo "make test: pytest collected no tests (PYTEST_ARGS=$(PYTEST_ARGS))" >&2; exit $$status; }

# The same suite measuring line and branch coverage of the package; it fails below
# [tool.coverage.report] fail_under in pyproject.toml. CI runs it on the default Python.
coverage: $(STAMP)
	$(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

# The suite against the oldest versions the package allows: a venv of its own with every
# `name>=floor` of [project] dependencies pinned to `name==floor` (later releases of what those
# need are allowed). Wheels only, so it runs without compilers on the default Python (3.11).
MINVENV := .venv-min
test-min:
	$(PYTHON) -m venv --clear $(MINVENV)
	$(PYTHON) -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); \
	  print(*(r.split(";")[0].replace(">=", "==") for r in d["project"]["dependencies"] if ">=" in r), sep="\n")' \
	  > $(MINVENV)/floors.txt
	$(MINVENV)/bin/python -m pip install --quiet --only-binary=:all: -c $(MINVENV)/floors.txt -e '.[test]'
	$(MINVENV)/bin/python -m pip list 2>/dev/null | grep -iE "^(reportlab|matplotlib|pyyaml|fonttools|pikepdf|python-docx|lxml) "
	$(MINVENV)/bin/python -m pytest $(PYTEST_ARGS)

# The visual tests compare pages with tests/references/*.png and each chart kind with
# tests/references/charts/*.png; after an intended change of how pages or charts look,
# regenerate them here, look at them, and commit them.
references: $(STAMP)
	BRIEFING_UPDATE_REFERENCES=1 $(BIN)/python -m pytest -q tests/test_visual.py tests/test_chart_references.py \
		-k matches_its_reference

# Messages are marked in the code with _(), N_() and ngettext(); Babel extracts them, merges them
# into the .po (new ones untranslated, gone ones dropped) and compiles the .mo that gettext reads.
# Both are committed; tests/test_i18n.py checks that they agree and that every message has Chinese.
# Babel stamps POT-Creation-Date with the time of every run; when nothing else in the .po changed,
# the previous file (and its date) is kept, so that running it twice changes neither file.
CATALOGUE := briefing/locale/zh/LC_MESSAGES/briefing
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --omit-header --sort-output \
	  -k _ -k N_ -k ngettext:1,2 -o $(VENV)/briefing.pot briefing
	cp $(CATALOGUE).po $(VENV)/briefing.po.before
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 \
	  -i $(VENV)/briefing.pot -o $(CATALOGUE).po -l zh
	grep -v '^"POT-Creation-Date: ' $(VENV)/briefing.po.before > $(VENV)/briefing.po.before.body
	grep -v '^"POT-Creation-Date: ' $(CATALOGUE).po > $(VENV)/briefing.po.after.body
	if cmp -s $(VENV)/briefing.po.before.body $(VENV)/briefing.po.after.body; then \
	  cp $(VENV)/briefing.po.before $(CATALOGUE).po; fi
	$(BIN)/pybabel compile -i $(CATALOGUE).po -o $(CATALOGUE).mo -l zh

lint: $(STAMP)
	$(BIN)/ruff check briefing tests benchmarks hatch_build.py
	$(BIN)/ruff format --check briefing tests benchmarks hatch_build.py
	$(BIN)/mypy

check: lint test

# Rebuild the embedded font subsets from the Debian packages fonts-noto-cjk and fonts-lxgw-wenkai.
fonts: $(STAMP)
	$(BIN)/briefing fonts build --dir fonts

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
