"""Test support shared by tests/ and bench/: synthetic evaluations and real-layout tables.

Nothing in the product imports this package (tests/test_architecture.py); it may use the
core and the importer only.
"""
