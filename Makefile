# jixiao：从全新克隆开始，只需 Python 3.11+ 与 make。
#   make run   建立 .venv、安装，载入演示数据并在 http://127.0.0.1:8000 启动网页系统和一个后台任务进程
#   make test  建立 .venv（如需要）并运行全部测试
#   make lint  ruff + mypy
#   make bench 性能基准（打印数字，不计入测试）
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# The shared development machine has two cores: tests use at most two workers.
PYTEST_WORKERS ?= 2
EXAMPLE := examples/donghu-2021.yaml

# One install, from the sources: nothing is compiled (a compiled core is an opt-in release
# build, docs/performance.md).
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "需要 Python 3.11 或更高版本（当前：$$($(PYTHON) -V 2>&1)）" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: run cli-demo test lint bench wheel clean
# The main job: the web application on the embedded SQLite database, with the demo district
# (the seed's unit and eight more), demo accounts printed, served at http://127.0.0.1:8000.
# One background worker runs beside it (PDF reports, docs/operations.md#tasks).
run: $(VENV)/.installed
	$(PY) -m jixiao.web demo

# The same scoring and checking from files, without the web application. The example has a P0
# finding (satisfaction without a survey), so `jixiao check` exits 1 on purpose.
cli-demo: $(VENV)/.installed
	$(VENV)/bin/jixiao score $(EXAMPLE)
	$(VENV)/bin/jixiao check $(EXAMPLE) || [ $$? -eq 1 ]

test: $(VENV)/.installed
	@echo "$(VENV)/bin/pytest -n $(PYTEST_WORKERS)"
	@$(VENV)/bin/pytest -n $(PYTEST_WORKERS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "错误：pytest 没有收集到任何测试（退出码 5），按失败处理" >&2; fi; \
	exit $$status

# Both tools always run, so one report shows every problem; the target fails if either did.
lint: $(VENV)/.installed
	@echo "$(VENV)/bin/ruff check setup.py src tests bench deploy && $(VENV)/bin/mypy"
	@$(VENV)/bin/ruff check setup.py src tests bench deploy; ruff=$$?; $(VENV)/bin/mypy; mypy=$$?; \
	[ $$ruff -eq 0 ] && [ $$mypy -eq 0 ]

bench: $(VENV)/.installed
	$(PY) bench/single_evaluation.py
	$(PY) bench/synthetic_city.py
	$(PY) bench/import_tables.py
	$(PY) bench/report_docx_xlsx.py
	$(PY) bench/report_pdf_batch.py
	$(PY) bench/web_load.py
	$(PY) bench/survey_load.py

# The opt-in compiled build for releases (docs/performance.md): a wheel in dist/ whose scoring
# and checking modules are compiled with mypyc; needs a C compiler and Python.h.
wheel: $(VENV)/.installed
	JIXIAO_COMPILE=1 $(PY) -m pip wheel --quiet --no-build-isolation --no-deps -w dist .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis src/*.egg-info build dist
	find src -name '*.so' -delete
