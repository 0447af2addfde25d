"""Faults: break the running app on purpose and check what the design promises (``make faults``).

Runs two API processes and two workers (``citizen serve`` / ``citizen worker``) against a PostgreSQL and
a Redis of its own (``scripts/stack/``), then, one scenario at a time:

1. redis: Redis killed (every session and queue entry lost) and started again under load;
2. postgres: PostgreSQL stopped immediately (as in a crash) and started again under load;
3. worker-kill: a worker SIGKILLed during a campaign to thousands of devices, both during payment expiry;
4. agencies: the demo agencies' connectors slow, failing, answering garbage, the wrong shape, or dripping;
5. bank-callbacks: each bank callback sent three times, out of order, all at once.

Each check is printed with its numbers (PASS/FAIL); the exit status is 1 if any failed. The processes'
logs are kept in ``var/faults/``. ``--only redis,agencies`` runs some of the scenarios.
"""
