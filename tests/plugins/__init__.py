"""Pytest plugins holding the fixtures that several test modules share; tests/conftest.py registers
them through ``pytest_plugins``."""
