"""The command line (``jixiao``, ``python -m jixiao``): files in, scores, findings and reports out.

:mod:`jixiao.cli.app` holds the commands, :mod:`jixiao.cli.usage` Typer's help and usage errors
in Chinese, :mod:`jixiao.cli.printing` the tables, :mod:`jixiao.cli.report` the work behind
``jixiao report``. It reaches everything below it (core, ingest, reports, pipeline) and never
the web layer.
"""

from jixiao.cli.app import app, main

__all__ = ["app", "main"]
