"""Typed settings, read once from the environment.

Every field is an upper-case environment variable of the same name (``port`` is ``PORT``).
Outside demo mode the secrets must be given and strong; in demo mode they are generated once
into ``VAR_DIR/secrets.json`` and reused, so sessions and encrypted IDs survive a restart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated

import msgspec

from backend.core.errors import ConfigurationError
from backend.core.keyrings import parse_keyring

# Legal floors under which no setting may bring a retention period (the settings' minimums, and the
# partition drops' own guard, backend.core.partitions).
ACCESS_LOG_FLOOR_DAYS = 90
"""Access logs: at least 90 days (the Computer Crime Act's floor for traffic data)."""
PAYMENT_EVENT_FLOOR_DAYS = 1825 + 366
"""A payment's history: the Accounting Act keeps accounting documents five years from the day the
accounts are closed, so an event at the start of a (Thai, October-to-September) fiscal year is kept up to
a year longer than five years from itself."""

_SECRET_NAMES = (
    "SECRET_KEY",
    "ID_ENCRYPTION_KEYS",
    "ID_HASH_KEY",
    "VAPID_PRIVATE_KEY",
    "DOCUMENT_SIGNING_KEYS",
)
_MIN_SECRET_KEY_CHARS = 32
_KEY_BYTES = 32
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


DEMO_IDP_PATH = "/demo-idp"
DEMO_IDP_CLIENT_ID = "citizen-app-demo"


class Settings(msgspec.Struct, frozen=True, kw_only=True, rename="upper"):
    demo_mode: bool
    """Demo identity provider, demo agencies and demo bank; generated secrets. Defaults to on only
    when neither DATABASE_URL nor REDIS_URL is set (the embedded default)."""
    database_url: str | None = None
    """PostgreSQL DSN. Unset: an embedded PostgreSQL under VAR_DIR."""
    redis_url: str | None = None
    """Redis URL. Unset: an embedded Redis under VAR_DIR."""
    var_dir: str = "var"
    """Local state: embedded databases, demo secrets."""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    """The origin citizens reach; defaults to http://HOST:PORT. HSTS is sent when it is https."""
    web_workers: int = 1
    """Granian worker processes per API replica."""
    web_max_requests_per_worker: Annotated[int, msgspec.Meta(ge=64, le=65535)] = 4096
    """Requests one worker reads at a time (granian's backpressure; the rest wait in the listen queue).
    Granian's own default is 1,024, and every phone watching a payment holds one for minutes."""
    secret_key: str = ""
    """Signs sessions and CSRF tokens; at least 32 characters."""
    id_encryption_keys: str = ""
    """National-ID encryption keys as ``kid:base64key`` (32 bytes), comma separated, newest first."""
    id_hash_key: str = ""
    """Base64 key (32 bytes) for the keyed hash used to look national IDs up."""
    log_level: str = "INFO"
    log_json: bool = True
    """JSON log lines (for collectors); false gives human-readable lines."""
    db_pool_min_size: int = 2
    db_pool_max_size: int = 10
    db_command_timeout_seconds: float = 10.0
    redis_max_connections: int = 200
    """Per process; under a burst an API request waits up to ``redis_pool_wait_seconds`` for a free one."""
    db_pool_wait_seconds: Annotated[float, msgspec.Meta(gt=0, le=30)] = 2.0
    """The longest an API request waits for a database connection; past it, a quick 503 with Retry-After
    (a surge is refused at once rather than queued until every phone has given up). Workers wait."""
    redis_pool_wait_seconds: Annotated[float, msgspec.Meta(gt=0, le=30)] = 2.0
    """The same for a Redis connection."""
    http_connect_timeout_seconds: float = 3.0
    http_timeout_seconds: float = 10.0
    """Total time allowed for one outbound call (agencies, identity provider, push services)."""
    worker_concurrency: int = 10
    outbox_sweep_after_seconds: int = 60
    """A committed task whose job has not finished after this long is queued again."""
    task_lease_seconds: Annotated[int, msgspec.Meta(ge=1, le=3600)] = 300
    """How long a claimed task belongs to its worker; after that (a killed worker) another may take it."""
    finished_task_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 7
    """Done tasks are deleted from the outbox after this many days (failed ones after ten times as
    long, for whoever investigates): the outbox otherwise grows by a row for every push batch forever."""
    migrate_on_start: bool = True
    pwa_dir: str = ""
    """The built PWA to serve at ``/``; defaults to ``pwa/dist`` beside the backend package."""
    identity_provider_concurrency: Annotated[int, msgspec.Meta(ge=1)] = 50
    """Calls to the identity provider in flight from one process (its own limit, shared by the
    replicas: set it to the provider's limit divided by the processes); more wait their turn."""
    identity_provider_wait_seconds: Annotated[float, msgspec.Meta(gt=0, le=30)] = 5.0
    """How long a login waits for its turn at the identity provider before a 503 with Retry-After."""
    oidc_issuer: str = ""
    """The national digital ID provider (OpenID Connect). Unset in demo mode: the demo provider."""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_national_id_claim: str = "pid"
    """The ID-token claim holding the 13-digit national ID (ThaID: ``pid``). Set ``sub`` for a
    provider whose subject identifier is the national ID itself."""
    oidc_scopes: str = "openid pid name name_en birthdate"
    oidc_acr_levels: str = "urn:demo:ial:1,urn:demo:ial:2,urn:demo:ial:3"
    """The provider's ``acr`` values from weakest to strongest; step-up compares against this order."""
    step_up_acr: str = "urn:demo:ial:2"
    """The assurance level that moving money or sharing data above a threshold needs."""
    step_up_max_age_seconds: int = 600
    """How recent that login must be."""
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    login_attempts_per_minute: Annotated[int, msgspec.Meta(ge=1)] = 30
    """Per device (a cookie of its own), for /auth/login and (separately) /auth/callback."""
    login_attempts_per_address_per_minute: Annotated[int, msgspec.Meta(ge=1)] = 600
    """Per client address, for both: generous, because a mobile carrier puts many phones behind one
    address; it only stops one machine from starting logins with a fresh device each time."""
    login_attempts_per_second: Annotated[int, msgspec.Meta(ge=1)] = 200
    """All citizens together: size it to what the login path and the identity provider can serve. Past
    it a login is answered 503 with Retry-After at once, rather than queued until phones give up."""
    token_requests_per_minute: int = 120
    """Per client address, for /oauth/token."""
    request_queue_deadline_seconds: Annotated[float, msgspec.Meta(gt=0)] = 10.0
    requests_in_flight_per_process: Annotated[int, msgspec.Meta(ge=1)] = 32
    """The app's own requests at work at once in one API process (not its files, health probes or event
    streams); more wait their turn up to ``requests_in_flight_wait_seconds``, then get a quick 503 with
    Retry-After, so that those admitted keep their speed in a rush."""
    requests_in_flight_wait_seconds: Annotated[float, msgspec.Meta(gt=0, le=30)] = 1.0
    """A request the trusted proxy stamped (``X-Request-Start``) longer ago than this is answered 503
    before any work: its phone has stopped waiting."""
    trusted_proxies: str = ""
    """Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For is believed."""
    allow_private_connector_hosts: bool | None = None
    """Let connectors call private and loopback addresses. Defaults to on in demo mode only (the demo
    agencies run on loopback); never turn it on where agencies register their own URLs."""
    connector_concurrency_per_agency: int = 200
    """Calls in flight to one agency's systems from one process; more wait their turn."""
    entitlements_deadline_ms: int = 3000
    """The longest a citizen waits for their entitlements, however slow the agencies are."""
    entitlements_refresh_cooldown_seconds: Annotated[int, msgspec.Meta(ge=0, le=86400)] = 60
    """At most one call per citizen and connector in this time, however often they refresh (each call
    carries their national ID to the agency); 0 turns the cool-down off (benchmarks)."""
    entitlements_fanouts_per_process: Annotated[int, msgspec.Meta(ge=1)] = 64
    """Entitlement pages asking agencies at once in one API process. Past it a page that has an answer
    for every agency (however old) shows it, marked as such, and one that has not gets a quick 503 with
    Retry-After: a rush is refused at the door instead of making everyone admitted wait."""
    demo_agencies_port: int = 8090
    """Where ``citizen run`` serves the demo agencies' connectors (demo mode only)."""
    demo_push_service_port: int = 8091
    """Where ``citizen run`` serves the local push service behind demo phones (demo mode only)."""
    vapid_private_key: str = ""
    """Web push VAPID key: the raw 32-byte P-256 private key, base64url. Generated in demo mode."""
    vapid_subject: str = "mailto:push@citizen.example.go.th"
    """RFC 8292 contact for push services: a mailto: or https: URL."""
    allow_loopback_push: bool | None = None
    """Accept push subscriptions on http loopback addresses (tests and the demo push service)."""
    push_service_hosts: str = (
        "fcm.googleapis.com,updates.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com"
    )
    """The push services a device may be registered with (host names; ``*.`` allows any subdomain):
    a push endpoint is a URL the citizen's browser hands us, and every push is a request to it."""
    agency_sends_per_minute: int = 600
    """Messages one agency may send a minute (a token bucket in Redis shared by all replicas)."""
    push_concurrency_per_service: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 50
    """Pushes one worker process may have in flight to one push service (FCM, Mozilla, Apple...)."""
    notification_body_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 365
    """Days after which a message's text and link are purged (the inbox keeps its title); a month of them at
    a time, once the whole month is past the period, so a text is kept up to a month longer, never less."""
    delivery_metadata_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 1095
    """Days after which push delivery attempts (status codes, reasons) are deleted (a month at a time,
    once the whole month is past it)."""
    notification_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 1095
    """Days after which a message leaves the inbox altogether (its row, its deliveries to devices and
    their attempts; in batches, daily). Its verification code still checks: the seal is not the inbox's."""
    webhook_delivery_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 1095
    """Days an agency's log of the webhook calls made to it is kept (a month at a time, once the whole
    month is past it)."""
    payment_event_retention_days: Annotated[int, msgspec.Meta(ge=PAYMENT_EVENT_FLOOR_DAYS)] = 3650
    """Days a payment's history of states is kept (a month at a time, once the whole month is past it);
    never under five years after its fiscal year closed (``PAYMENT_EVENT_FLOOR_DAYS``). The payment, its
    bill and receipt stay."""
    scam_report_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 30
    """Days after which an undecided scam report loses the text, link and screenshot pasted into it."""
    access_log_retention_days: Annotated[int, msgspec.Meta(ge=ACCESS_LOG_FLOOR_DAYS)] = 730
    """Days "who accessed my data" keeps a record; never under 90 (the floor for access logs), and as
    long as a citizen's PDPA request about that period must be answerable. Dropped a month at a time,
    once the whole month is past it."""
    entitlement_state_retention_days: Annotated[int, msgspec.Meta(ge=30)] = 400
    """Days after which an agency's last answer about a citizen that was not asked again is forgotten:
    campaigns to "eligible but not enrolled" then never go out on a year-old answer."""
    bank_secrets: str = ""
    """Callback signing secrets, ``bank:secret`` comma separated (demo mode adds ``demo-bank``)."""
    payment_expiry_minutes: int = 15
    payment_step_up_satang: int = 1_000_000
    """Paying a bill of this many satang or more (10,000 baht) needs a step-up login."""
    bootstrap_admin_national_ids: str = ""
    """Comma-separated national IDs made platform administrators at their first login."""
    document_signing_keys: str = ""
    """Ed25519 keys that sign issued documents, ``kid:base64seed`` (32 bytes), comma separated, newest
    first; older keys stay so that documents signed with them still verify. Generated in demo mode."""
    files_dir: str = ""
    """Uploaded and issued files, addressed by SHA-256; defaults to VAR_DIR/files. Shared by all
    replicas (a volume) in a deployment."""
    uploads_per_hour: Annotated[int, msgspec.Meta(ge=1)] = 60
    """Files one citizen may upload an hour, accepted or refused (a token bucket in Redis)."""
    upload_quota_mb: Annotated[int, msgspec.Meta(ge=1)] = 200
    """Megabytes one citizen's uploads may hold: live files, and removed ones until collected."""
    files_gc_grace_hours: Annotated[int, msgspec.Meta(ge=1)] = 24
    """Stored files nothing references are removed once older than this (uploads in flight are younger)."""
    delegations_per_delegate: Annotated[int, msgspec.Meta(ge=1, le=100)] = 5
    """People one citizen may act for at once (open grants: invited or accepted); docs/delegation.md."""

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir).resolve()

    @property
    def files_path(self) -> Path:
        return Path(self.files_dir).resolve() if self.files_dir else self.var_path / "files"

    @property
    def uses_https(self) -> bool:
        return self.public_url.startswith("https://")

    def id_encryption_keyring(self) -> dict[str, bytes]:
        """Key id to key, newest first (dicts keep insertion order)."""
        keyring: dict[str, bytes] = {}
        for entry in self.id_encryption_keys.split(","):
            kid, _, encoded = entry.strip().partition(":")
            if not kid or kid in keyring:
                raise ConfigurationError("ID_ENCRYPTION_KEYS needs a distinct key id before each key")
            keyring[kid] = _decode_key(encoded, "ID_ENCRYPTION_KEYS")
        return keyring

    @property
    def uses_demo_identity_provider(self) -> bool:
        return self.demo_mode and not self.oidc_issuer

    @property
    def oidc_client(self) -> tuple[str, str, str]:
        """(issuer, client id, client secret): the provider configured, or in demo mode without one the
        demo provider this app serves, whose client secret is derived from SECRET_KEY."""
        if self.uses_demo_identity_provider:
            secret = hmac.new(self.secret_key.encode(), b"demo-idp-client-secret", hashlib.sha256).hexdigest()
            return f"{self.public_url}{DEMO_IDP_PATH}", DEMO_IDP_CLIENT_ID, secret
        return self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret

    @property
    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [
            ipaddress.ip_network(entry.strip()) for entry in self.trusted_proxies.split(",") if entry.strip()
        ]

    @property
    def push_service_host_patterns(self) -> tuple[str, ...]:
        return tuple(entry.strip().lower() for entry in self.push_service_hosts.split(",") if entry.strip())

    @property
    def bootstrap_admins(self) -> set[str]:
        return {entry.strip() for entry in self.bootstrap_admin_national_ids.split(",") if entry.strip()}

    @property
    def bank_secret_map(self) -> dict[str, bytes]:
        secrets_by_bank: dict[str, bytes] = {}
        for entry in self.bank_secrets.split(","):
            bank, _, secret = entry.strip().partition(":")
            if bank and secret:
                secrets_by_bank[bank] = secret.encode()
        if self.demo_mode:
            demo = hmac.new(self.secret_key.encode(), b"demo-bank-callbacks", hashlib.sha256).hexdigest()
            secrets_by_bank.setdefault("demo-bank", demo.encode())
        return secrets_by_bank

    @property
    def acr_levels(self) -> list[str]:
        return [level.strip() for level in self.oidc_acr_levels.split(",") if level.strip()]

    def with_urls(self, *, database_url: str, redis_url: str) -> Settings:
        return msgspec.structs.replace(self, database_url=database_url, redis_url=redis_url)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    set_names = (name for name in _field_env_names() if env.get(name, "") != "")
    fields: dict[str, str | bool] = {name: env[name] for name in set_names}
    fields.setdefault("DEMO_MODE", "DATABASE_URL" not in fields and "REDIS_URL" not in fields)
    try:
        settings = msgspec.convert(fields, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise ConfigurationError(f"Invalid setting: {exc}") from exc
    if not settings.public_url:
        settings = msgspec.structs.replace(settings, public_url=f"http://{settings.host}:{settings.port}")
    if not settings.pwa_dir:
        settings = msgspec.structs.replace(settings, pwa_dir=str(_PROJECT_ROOT / "pwa" / "dist"))
    if settings.allow_loopback_push is None:
        settings = msgspec.structs.replace(settings, allow_loopback_push=settings.demo_mode)
    if settings.allow_private_connector_hosts is None:
        settings = msgspec.structs.replace(settings, allow_private_connector_hosts=settings.demo_mode)
    if settings.demo_mode:
        settings = _with_demo_secrets(settings)
    _check_secrets(settings)
    return settings


def _field_env_names() -> list[str]:
    return [field.encode_name for field in msgspec.structs.fields(Settings)]


def _with_demo_secrets(settings: Settings) -> Settings:
    """Fill the secrets not given from VAR_DIR/secrets.json, creating it on first start."""
    path = settings.var_path / "secrets.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    generated = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ID_ENCRYPTION_KEYS": "demo1:" + _new_key(),
        "ID_HASH_KEY": _new_key(),
        "VAPID_PRIVATE_KEY": _new_vapid_key(),
        "DOCUMENT_SIGNING_KEYS": "demo-doc-1:" + _new_key(),
    }
    missing = {name: value for name, value in generated.items() if name not in stored}
    if missing:
        stored.update(missing)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(stored, file, indent=2)
    given = {field.encode_name: getattr(settings, field.name) for field in msgspec.structs.fields(Settings)}
    overrides = {name.lower(): stored[name] for name in _SECRET_NAMES if not given[name]}
    return msgspec.structs.replace(settings, **overrides)


def _check_secrets(settings: Settings) -> None:
    problems: list[str] = []
    if len(settings.secret_key) < _MIN_SECRET_KEY_CHARS:
        problems.append(f"SECRET_KEY must be at least {_MIN_SECRET_KEY_CHARS} characters")
    checks: tuple[Callable[[], object], ...] = (
        settings.id_encryption_keyring,
        lambda: _decode_key(settings.id_hash_key, "ID_HASH_KEY"),
    )
    checks += (lambda: settings.trusted_proxy_networks, lambda: _check_vapid(settings.vapid_private_key))
    checks += (lambda: parse_keyring(settings.document_signing_keys),)
    for check in checks:
        try:
            check()
        except ConfigurationError as exc:
            problems.append(str(exc))
        except ValueError as exc:
            problems.append(f"TRUSTED_PROXIES: {exc}")
    if not settings.uses_demo_identity_provider:
        problems += [
            f"{name} must be set"
            for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
            if not getattr(settings, name.lower())
        ]
    if problems:
        raise ConfigurationError(
            "Refusing to start without real secrets (set them, or DEMO_MODE=true for a local demo): "
            + "; ".join(problems)
        )


def _check_vapid(encoded: str) -> None:
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise ConfigurationError("VAPID_PRIVATE_KEY must be a base64url raw 32-byte P-256 private key")


def _decode_key(encoded: str, name: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:
        raise ConfigurationError(f"{name} must hold base64-encoded {_KEY_BYTES}-byte keys")
    return key


def _new_vapid_key() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode()
