"""Shared plumbing every feature uses: database, migrations, errors, outbound HTTP, tasks, logs."""
