VENV := .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: run test lint
run: $(VENV)/.installed
	$(VENV)/bin/jixiao check examples/
	$(VENV)/bin/jixiao score examples/donghu-2021.yaml

test: $(VENV)/.installed
	$(VENV)/bin/pytest -n 2

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
