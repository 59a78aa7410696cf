"""The pure domain core: model, frameworks, rule kinds, scoring and checks.

Nothing in this package imports Django, touches a database or the network; tests
for it need no database (tests/test_architecture.py enforces the import contract).
"""
