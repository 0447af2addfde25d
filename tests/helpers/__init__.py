"""Helpers the test modules share, one module per feature: plain functions and constants, no fixtures
(those are in tests/plugins/). A test module imports from here, never from another test module."""
