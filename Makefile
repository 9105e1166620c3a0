# 中原区政协履职服务平台 — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Python keeps compiled modules (and pytest its rewritten test modules) in __pycache__ by default; a shell that
# turns this off makes every process of a test run (three workers, the demo builds, each Celery worker and
# gunicorn a test starts) compile the project again: about 35 s of CPU per run on a 2-core machine.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test bench setup system-deps lint messages static clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    set everything up and run the app with demo data on http://127.0.0.1:8000/"
	@echo "make test   run the whole test suite (unit, integration, browser) against PostgreSQL and Redis"
	@echo "make bench  run the benchmark (BENCH_SCALE=small|full; BENCH_LOAD=1: the load run, 50 locust clients, Redis stopped halfway)"

# uv installs the pinned packages (the same versions pip resolves) in 2-7 s instead of pip's 30-35 s: it downloads
# and unpacks in parallel and leaves compiling to the first import, which compiles only what is imported.
UV_VERSION := 0.13.10
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/uv pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/vendor/.built: node_modules/.installed scripts/copy-vendor.mjs
	npm run --silent build
	touch $@

messages: $(VENV)/.installed
	$(PY) scripts/messages.py compile

setup: $(VENV)/.installed build/vendor/.built messages

# Debian packages the browser tests, the translation check and the benchmark's load generator (wrk) need
# (installed only when missing).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do \
	  dpkg -s $$lib >/dev/null 2>&1 || missing="$$missing $$lib"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: setup
	./scripts/run.sh

test: setup system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup system-deps
	$(PY) -m bench $(if $(BENCH_SCALE),--scale $(BENCH_SCALE),) $(if $(filter-out 0,$(BENCH_LOAD)),--load,) $(if $(filter-out 0,$(BENCH_PROFILE)),--profile,)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules build staticfiles var
