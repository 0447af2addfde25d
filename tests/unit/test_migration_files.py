from __future__ import annotations

from pathlib import Path

import pytest

from backend.core.errors import ConfigurationError
from backend.core.migrate import discover_migrations


def _package(root: Path, name: str, files: dict[str, str]) -> None:
    folder = root / name / "migrations"
    folder.mkdir(parents=True)
    (root / name / "__init__.py").write_text("")
    for file_name, sql in files.items():
        (folder / file_name).write_text(sql)


def test_migrations_from_several_packages_are_ordered_by_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(
        tmp_path, "feature_a", {"0003_bills.sql": "SELECT 3", "0001_core.sql": "SELECT 1", "notes.txt": "x"}
    )
    _package(tmp_path, "feature_b", {"0002_inbox.sql": "SELECT 2", "2_bad_name.sql": "SELECT 0"})
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover_migrations(("feature_a", "feature_b"))
    assert [(m.version, m.name, m.package) for m in found] == [
        (1, "core", "feature_a"),
        (2, "inbox", "feature_b"),
        (3, "bills", "feature_a"),
    ]


def test_the_same_number_in_two_packages_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _package(tmp_path, "feature_c", {"0001_one.sql": "SELECT 1"})
    _package(tmp_path, "feature_d", {"0001_other.sql": "SELECT 1"})
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigurationError, match="0001 is used twice"):
        discover_migrations(("feature_c", "feature_d"))


def test_the_project_migrations_start_at_one_without_gaps() -> None:
    versions = [m.version for m in discover_migrations()]
    assert versions == list(range(1, len(versions) + 1))
