"""Load and soak: a realistic mix against the running app, on loopback (``make load``, ``make soak``).

Self-contained: takes PostgreSQL and Redis as the tests do (``tests/servers.py``: TEST_DATABASE_URL /
TEST_REDIS_URL, else 127.0.0.1:5432 / :6379, else embedded ones), creates a throwaway database
``citizen_load_<random>`` (dropped afterwards), and runs, each as a process of its own:

- two API replicas, ``citizen serve`` with WEB_WORKERS=1 each on two ports, rather than one with
  WEB_WORKERS=2: that is how the app is deployed (``docker/compose.yaml``: replicas behind a proxy,
  each with its own pool and per-process caches), the load generator spreads its connections over
  them as the proxy would, and each replica's memory and CPU can be told apart;
- two workers (``citizen worker``), the demo agencies (``citizen demo-agencies``, every service
  answering after ``LOAD_AGENCY_DELAY_MS``), a webhook receiver for the agency that bills;
- the bare Litestar baseline (``tests/bench/bare_app.py``), served by granian the same way, twice.

Seeds ``LOAD_CITIZENS`` citizens with sessions (the app's own SessionStore, national IDs sealed, a
login strong enough for step-up), a bill each issued through the agency API, and the demo connector
set. Then: the mix (``scripts/load_mix.py``, aiohttp: it says why not wrk) for ``LOAD_SECONDS`` after a
warm-up, or ``SOAK_MINUTES`` in soak mode, while the memory and CPU of every process are sampled every
``LOAD_SAMPLE_SECONDS``; then, once the workers have caught up, a check in the database that no money
or message was lost or doubled; then the four reads each alone under wrk (Lua rotating the citizens'
cookies) beside the bare app under wrk, and the bare app under the mix's own client. Everything it
started is stopped, also on Ctrl-C; children die with it even if it is killed (PR_SET_PDEATHSIG).

Other knobs: LOAD_CITIZENS (500; 2000 for a soak), LOAD_CONNECTIONS (32), LOAD_WARMUP_SECONDS (10),
LOAD_SOLO_SECONDS (10), LOAD_BASELINE_SECONDS (15), LOAD_LOG_LEVEL (WARNING). The report is printed
and kept in ``var/load/``. Figures are never asserted; the exit code is 1 only when a check fails.
"""
