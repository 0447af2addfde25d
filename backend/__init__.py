"""Citizen super app backend: the Litestar API, identity, catalogue, connectors and shared core."""
