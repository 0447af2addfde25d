# The two Quick start commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck unit bench pwa browser lighthouse audit fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

# Builds the PWA into pwa/dist. `npm install` (which keeps to package-lock.json) rather than `npm ci`:
# the lock cannot list rollup's optional builds for other platforms when the registry lacks them,
# and `npm ci` refuses such a lock.
pwa:
	cd pwa && npm install --no-audit --no-fund && npm run build

# Debian's Chromium for the browser tests (never `playwright install`), Thai fonts to render them, and
# poppler's pdftotext to read back the certificates the platform renders. Waits for another apt (a
# machine's unattended upgrades) rather than failing on its lock.
browser:
	@{ command -v chromium && command -v pdftotext; } >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		LOCK="-o DPkg::Lock::Timeout=600"; \
		$$SUDO apt-get $$LOCK update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get $$LOCK install -y -q chromium \
			fonts-thai-tlwg poppler-utils; }

run: $(RUN_STAMP) pwa
	$(BIN)/citizen run

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

# The PWA's own unit tests (Vitest), then the browser tests, which need the built PWA and Chromium.
unit: $(DEV_STAMP) pwa browser
	cd pwa && npm test
	$(BIN)/pytest

test: lint typecheck unit

# The entitlements benchmark loads the served app with wrk (Debian's package).
bench: $(DEV_STAMP)
	@command -v wrk >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q wrk; }
	$(BIN)/pytest tests/bench -p no:cacheprovider -s

# Load: a realistic mix against two API replicas, two workers and the demo agencies on loopback, beside a
# bare Litestar baseline (scripts/load/__init__.py says what runs and what is checked); LOAD_SECONDS=60 by default.
# Soak: the same for SOAK_MINUTES (30 unless given), reporting every process's memory growth.
# Both need wrk (Debian's package) for the reads measured alone. Written `soak load:` because a line
# starting with `load` is GNU make's directive for loading a plug-in.
.PHONY: load soak
SOAK_MINUTES ?= 30
soak load: $(DEV_STAMP)
	@command -v wrk >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q wrk; }
	SOAK_MINUTES=$(if $(filter soak,$@),$(SOAK_MINUTES),0) $(BIN)/python -m scripts.load

# Faults: Redis and PostgreSQL restarted under load, workers SIGKILLed mid-campaign and mid-expiry,
# agencies misbehaving, a bank repeating itself, against a PostgreSQL and Redis of the script's own
# (scripts/faults/__init__.py says what is checked). FAULTS=redis,agencies runs some of the scenarios.
.PHONY: faults
faults: $(DEV_STAMP)
	$(BIN)/python -m scripts.faults $(if $(FAULTS),--only $(FAULTS))

# Rush: RUSH_CITIZENS (2000) new citizens at once (log in through the demo identity provider, home,
# entitlements, register), after capacity (32 at a time) and the unloaded p99 are measured, against the
# faults stack with the login limits as deployed (scripts/rush.py says what is printed; logs in var/rush/).
# Phones honour Retry-After and give up on a request after 10 s. Figures are printed, never asserted.
.PHONY: rush
rush: $(DEV_STAMP)
	$(BIN)/python -m scripts.rush

# Scale: SCALE_CITIZENS citizens (1,000,000 unless given) with devices (5 % stale) and 20 history rows each,
# a campaign to everyone per audience kind through an HTTPS push service with latency, then retention, on a
# private PostgreSQL and Redis; prints issue 23's growth figures (scripts/scale.py). SCALE_CITIZENS=100000
# took 26 minutes on two shared cores.
.PHONY: scale
scale: $(DEV_STAMP)
	$(BIN)/python -m scripts.scale

# Lighthouse (mobile) on the home, entitlements and bills screens, plus installability: a report, not a test.
lighthouse: $(DEV_STAMP) pwa browser
	$(BIN)/python -m scripts.lighthouse_report

# Known vulnerabilities in the installed Python packages (the project itself left out) and in the PWA's
# runtime npm packages. It asks advisory databases over the network, so it is not part of `make test`.
# --strict: a package the advisory service could not be asked about fails the audit instead of being
# skipped in silence. Both audits run; it fails if either finds something or cannot look.
audit: $(DEV_STAMP)
	@status=0; \
	$(BIN)/pip freeze --exclude-editable \
		| $(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r /dev/stdin || status=1; \
	(cd pwa && npm audit --omit=dev) || status=1; \
	exit $$status

# Schemathesis against the app's own OpenAPI with a large budget and a fresh seed (the suite runs a
# small fixed one): every operation as anonymous, citizen, agency admin, agency system, support, admin.
FUZZ_EXAMPLES ?= 100
fuzz: $(DEV_STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SEED=random $(BIN)/pytest tests/integration/test_api_fuzz.py -p no:cacheprovider -k no_operation

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
