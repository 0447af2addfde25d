from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from backend.core.errors import ConfigurationError
from backend.settings import load_settings

KEY = base64.b64encode(bytes(range(32))).decode()
REAL_SECRETS = {
    "SECRET_KEY": "s" * 40,
    "ID_ENCRYPTION_KEYS": f"2026a:{KEY}",
    "ID_HASH_KEY": KEY,
    "OIDC_ISSUER": "https://id.example.go.th",
    "OIDC_CLIENT_ID": "citizen-app",
    "OIDC_CLIENT_SECRET": "from-the-provider",
    "VAPID_PRIVATE_KEY": "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
    "DOCUMENT_SIGNING_KEYS": f"2026d:{KEY}",
}


def test_with_no_urls_the_embedded_default_runs_in_demo_mode(tmp_path: Path) -> None:
    settings = load_settings({"VAR_DIR": str(tmp_path)})
    assert settings.demo_mode is True
    assert settings.database_url is None
    assert settings.redis_url is None
    assert settings.public_url == "http://127.0.0.1:8000"


def test_demo_mode_generates_secrets_once_and_reuses_them(tmp_path: Path) -> None:
    first = load_settings({"VAR_DIR": str(tmp_path)})
    second = load_settings({"VAR_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert first.id_encryption_keyring() == second.id_encryption_keyring()
    secrets_file = tmp_path / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert json.loads(secrets_file.read_text())["SECRET_KEY"] == first.secret_key


def test_secrets_given_in_the_environment_win_over_generated_ones(tmp_path: Path) -> None:
    settings = load_settings({"VAR_DIR": str(tmp_path), "SECRET_KEY": "k" * 32})
    assert settings.secret_key == "k" * 32


def test_outside_demo_mode_the_app_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    environ = {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgresql://db/citizen", "REDIS_URL": "redis://r"}
    with pytest.raises(ConfigurationError) as refused:
        load_settings(environ)
    message = str(refused.value)
    for name in ("SECRET_KEY", "ID_ENCRYPTION_KEYS", "ID_HASH_KEY", "OIDC_ISSUER", "OIDC_CLIENT_SECRET"):
        assert name in message
    assert not (tmp_path / "secrets.json").exists()


def test_setting_a_url_turns_demo_mode_off_unless_asked_for(tmp_path: Path) -> None:
    environ = {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgresql://db/citizen", **REAL_SECRETS}
    assert load_settings(environ).demo_mode is False
    assert load_settings({**environ, "DEMO_MODE": "true"}).demo_mode is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "too-short"),
        ("ID_HASH_KEY", base64.b64encode(b"sixteen byte key").decode()),
        ("ID_HASH_KEY", "not base64 at all!"),
        ("ID_ENCRYPTION_KEYS", KEY),  # no key id
        ("ID_ENCRYPTION_KEYS", f"a:{KEY},a:{KEY}"),  # the same key id twice
    ],
)
def test_weak_or_malformed_secrets_are_refused(tmp_path: Path, name: str, value: str) -> None:
    environ = {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgresql://db/x", **REAL_SECRETS, name: value}
    with pytest.raises(ConfigurationError, match=name):
        load_settings(environ)


def test_the_encryption_keyring_keeps_the_newest_key_first(tmp_path: Path) -> None:
    older = base64.b64encode(bytes(32)).decode()
    environ = {
        **REAL_SECRETS,
        "DATABASE_URL": "postgresql://db/x",
        "ID_ENCRYPTION_KEYS": f"new:{KEY},old:{older}",
    }
    keyring = load_settings(environ).id_encryption_keyring()
    assert list(keyring) == ["new", "old"]
    assert keyring["old"] == bytes(32)


def test_numbers_and_flags_are_parsed_and_bad_ones_named(tmp_path: Path) -> None:
    settings = load_settings({"VAR_DIR": str(tmp_path), "PORT": "9000", "LOG_JSON": "false"})
    assert settings.port == 9000
    assert settings.log_json is False
    with pytest.raises(ConfigurationError, match="PORT"):
        load_settings({"VAR_DIR": str(tmp_path), "PORT": "eighty"})


def test_a_worker_reads_4096_requests_at_a_time_unless_told_otherwise_within_bounds(tmp_path: Path) -> None:
    assert load_settings({"VAR_DIR": str(tmp_path)}).web_max_requests_per_worker == 4096
    told = load_settings({"VAR_DIR": str(tmp_path), "WEB_MAX_REQUESTS_PER_WORKER": "10000"})
    assert told.web_max_requests_per_worker == 10000
    for nonsense in ("0", "63", "100000"):
        with pytest.raises(ConfigurationError, match="WEB_MAX_REQUESTS_PER_WORKER"):
            load_settings({"VAR_DIR": str(tmp_path), "WEB_MAX_REQUESTS_PER_WORKER": nonsense})


def test_https_public_url_is_detected(tmp_path: Path) -> None:
    assert load_settings({"VAR_DIR": str(tmp_path), "PUBLIC_URL": "https://app.go.th"}).uses_https


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ACCESS_LOG_RETENTION_DAYS", "89"),
        ("ENTITLEMENT_STATE_RETENTION_DAYS", "7"),
        ("PAYMENT_EVENT_RETENTION_DAYS", "2190"),  # five years after the fiscal year closes (Accounting Act)
    ],
)
def test_retention_below_its_floor_is_refused(tmp_path: Path, name: str, value: str) -> None:
    environ = {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgresql://db/x", **REAL_SECRETS, name: value}
    with pytest.raises(ConfigurationError):
        load_settings(environ)
