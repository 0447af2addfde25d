"""The commands a newcomer types, run as real processes on the embedded servers."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psutil
import pytest

from backend.core.crypto import NationalIdCipher
from backend.settings import load_settings
from tests.conftest import environment_for_tests
from tests.factories import make_citizen, valid_national_id
from tests.helpers.ports import free_port
from tests.helpers.run_command import RunCommand, clean_environment, ready

pytestmark = pytest.mark.slow


def _processes_using(folder: Path) -> list[str]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if str(folder) in command:
            found.append(command)
    return found


@pytest.fixture
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = Path(tmp_path_factory.mktemp("newcomer")) / "var"
    yield folder
    for leftover in psutil.process_iter(["cmdline"]):  # never leave servers behind, even on failure
        if str(folder) in " ".join(leftover.info["cmdline"] or []):
            leftover.kill()


async def _demo_agencies_and_marker(var_dir: Path, add_marker: bool) -> tuple[int, bool]:
    connection = await asyncpg.connect(f"postgresql://postgres@/citizen?host={var_dir / 'postgres'}")
    try:
        if add_marker:
            await connection.execute(
                "INSERT INTO agencies (code, name_th, name_en) VALUES ('kept-data', 'ทดสอบ', 'Kept data')"
            )
        demo: int = await connection.fetchval("SELECT count(*) FROM agencies WHERE is_demo")
        marker = bool(await connection.fetchval("SELECT 1 FROM agencies WHERE code = 'kept-data'"))
    finally:
        await connection.close()
    return demo, marker


def test_the_run_command_serves_stops_cleanly_on_ctrl_c_and_keeps_its_data(var_dir: Path) -> None:
    port, push_service_port = free_port(), free_port()
    first = RunCommand(var_dir, port, push_service_port)
    first.wait_until_ready()
    push_service = f"http://127.0.0.1:{push_service_port}/health"
    with urllib.request.urlopen(push_service, timeout=5) as response:  # the demo phones' push service
        assert response.status == 200
    secrets_before = json.loads((var_dir / "secrets.json").read_text())
    demo_agencies, _ = asyncio.run(_demo_agencies_and_marker(var_dir, add_marker=True))
    assert demo_agencies >= 1
    assert first.ctrl_c() == 0
    assert _processes_using(var_dir) == []
    assert not ready(port)

    second = RunCommand(var_dir, port, push_service_port)
    second.wait_until_ready()
    try:
        assert json.loads((var_dir / "secrets.json").read_text()) == secrets_before
        assert asyncio.run(_demo_agencies_and_marker(var_dir, add_marker=False)) == (demo_agencies, True)
    finally:
        assert second.ctrl_c() == 0
    assert _processes_using(var_dir) == []


def test_db_status_lists_the_applied_migrations(database_url: str, tmp_path: Path) -> None:
    environ = environment_for_tests(tmp_path, DATABASE_URL=database_url, REDIS_URL="redis://127.0.0.1:1/0")
    result = subprocess.run(
        [sys.executable, "-m", "backend.server.cli", "db", "status"],
        env=clean_environment(**environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "0001  foundation" in result.stdout
    assert "0 pending." in result.stdout


# The production wheel leaves backend.demo out (pyproject's wheel target): the deployed commands must not
# import it. Marking it unimportable stands for installing the wheel, which would need the package index.
_WITHOUT_DEMO = """
import sys
sys.modules["backend.demo"] = None  # import backend.demo.anything now raises ImportError
from backend.server.cli import main
status = main(["db", "status"])
from backend.server.app import create_app
import backend.server.worker
create_app()
print("app built without backend.demo")
raise SystemExit(status)
"""


def test_the_deployed_commands_run_without_the_demo_package(database_url: str, tmp_path: Path) -> None:
    environ = environment_for_tests(tmp_path, DATABASE_URL=database_url, REDIS_URL="redis://127.0.0.1:1/0")
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_DEMO],
        env=clean_environment(**environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the assertion shows stderr
    )
    assert result.returncode == 0, result.stderr
    assert "0 pending." in result.stdout
    assert "app built without backend.demo" in result.stdout


def test_roles_grant_admin_makes_a_logged_in_person_platform_admin(database_url: str, tmp_path: Path) -> None:
    environ = environment_for_tests(tmp_path, DATABASE_URL=database_url, REDIS_URL="redis://127.0.0.1:1/0")
    national_id = valid_national_id(777)
    settings = load_settings(environ)
    cipher = NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))

    async def prepare() -> None:
        connection = await asyncpg.connect(database_url)
        try:
            await make_citizen(connection, cipher, national_id=national_id)
        finally:
            await connection.close()

    def grant(person: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "backend.server.cli",
                "roles",
                "grant-admin",
                person,
                "--reason",
                "first admin",
            ],
            env=clean_environment(**environ),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    not_yet = grant(national_id)
    assert not_yet.returncode == 2
    assert "has not logged in yet" in not_yet.stderr
    asyncio.run(prepare())
    granted = grant(national_id)
    assert granted.returncode == 0, granted.stderr
    assert "Granted platform_admin" in granted.stdout
    assert "already" in grant(national_id).stdout
    assert grant("1101700207537").returncode == 2


def test_serve_refuses_to_start_outside_demo_mode_without_secrets(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backend.server.cli", "serve"],
        env=clean_environment(
            VAR_DIR=str(tmp_path), DATABASE_URL="postgresql://db.internal/citizen", REDIS_URL="redis://cache"
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Refusing to start without real secrets" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_payments_reconcile_reads_a_settlement_file_and_reports(database_url: str, tmp_path: Path) -> None:
    settlement = tmp_path / "bank-2026-11-22.csv"
    settlement.write_text(
        "date,bank_reference,biller_id,ref1,ref2,amount\n2026-11-22,X1,0994000165510,NOSUCH1,,1.00\n"
    )
    environ = environment_for_tests(tmp_path, DATABASE_URL=database_url, REDIS_URL="redis://127.0.0.1:1/0")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "backend.server.cli",
            "payments",
            "reconcile",
            str(settlement),
            "--bank",
            "x-bank",
            "--date",
            "2026-11-22",
        ],
        env=clean_environment(**environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "missing_ours: 1" in result.stdout
    assert "matched: 0" in result.stdout


def test_the_run_command_stops_everything_when_its_embedded_redis_dies(var_dir: Path) -> None:
    run = RunCommand(var_dir, free_port(), free_port())
    run.wait_until_ready()
    [redis_server] = [
        process
        for process in psutil.process_iter(["cmdline"])
        if "redis" in " ".join(process.info["cmdline"] or [])
        and str(var_dir) in " ".join(process.info["cmdline"] or [])
    ]
    redis_server.kill()
    try:
        assert run.process.wait(60) == 1
    finally:
        if run.process.poll() is None:
            run.ctrl_c()
    assert "embedded Redis stopped unexpectedly" in run.log.read_text()
    assert _processes_using(var_dir) == []
