"""Demo mode only: a demo identity provider, agencies, bank, phone and push service, the seed, and
the embedded PostgreSQL and Redis. Left out of the production wheel (pyproject.toml)."""
