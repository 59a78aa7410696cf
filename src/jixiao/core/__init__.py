"""The pure domain core: model, frameworks, rule kinds, scoring and checks.

Nothing in this package imports Django, touches a database or the network; tests
for it need no database (tests/test_architecture.py enforces the import contract).
The scoring and checking modules are compiled at install time; :mod:`jixiao.core.native`
decides, before any of them is imported, whether the compiled build matches the sources.
"""

from jixiao.core import native

native.activate()
