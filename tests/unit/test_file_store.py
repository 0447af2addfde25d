"""The store keeps uploads by their SHA-256 digest: read back, stored once, collected safely, private."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

import pytest

from backend.applications.files import (
    FileStore,
)
from tests.pdfs import PAGE_OBJECTS, build_pdf


async def test_a_stored_file_is_read_back_by_its_digest(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    content = build_pdf(PAGE_OBJECTS)  # any bytes: the store does not look inside
    digest = await store.put(content)
    assert digest == hashlib.sha256(content).hexdigest()
    assert store.path_for(digest) == tmp_path / "files" / digest[:2] / digest[2:4] / digest
    assert await store.get(digest) == content


async def test_storing_the_same_bytes_twice_keeps_one_file_and_refreshes_its_time(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    first = await store.put(b"same bytes")
    path = store.path_for(first)
    inode = path.stat().st_ino
    a_week_ago = time.time() - 7 * 86400
    os.utime(path, (a_week_ago, a_week_ago))
    assert await store.put(b"same bytes") == first
    assert path.stat().st_ino == inode  # not written again
    assert path.stat().st_mtime > a_week_ago + 86400  # but young again: the collector leaves it alone
    assert [entry.name for entry in path.parent.iterdir()] == [first]


async def test_a_stale_file_stored_again_is_not_removed_by_the_collector(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    digest = await store.put(b"uploaded again")
    a_week_ago = time.time() - 7 * 86400
    os.utime(store.path_for(digest), (a_week_ago, a_week_ago))
    cutoff = time.time() - 86400
    assert [found.sha256 for found in store.stored(digest[:2], cutoff)] == [digest]
    await store.put(b"uploaded again")  # an upload in flight, after the collector listed the file
    assert not store.remove_unless_refreshed(digest, cutoff)
    assert await store.get(digest) == b"uploaded again"
    os.utime(store.path_for(digest), (a_week_ago, a_week_ago))
    assert store.remove_unless_refreshed(digest, cutoff)
    assert not store.path_for(digest).exists()


async def test_files_left_aside_or_half_written_are_put_back_or_cleared(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    digest = await store.put(b"kept")
    path = store.path_for(digest)
    aside = path.with_name(".gc-" + digest)
    path.rename(aside)  # a collector stopped between moving a file aside and deciding
    half = path.with_name(".upload-abc")
    half.write_bytes(b"half")
    a_week_ago = time.time() - 7 * 86400
    os.utime(half, (a_week_ago, a_week_ago))
    store.stored(digest[:2], time.time() - 86400)
    assert path.read_bytes() == b"kept"
    assert not aside.exists()
    assert not half.exists()


async def test_stored_files_and_their_folders_are_private_to_the_server(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    path = store.path_for(await store.put(b"private"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) & 0o077 == 0


async def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await FileStore(tmp_path).get("0" * 64)


@pytest.mark.parametrize(
    "value", ["../x", "A" * 64, "ab" * 31, "0" * 65, "../" + "0" * 61, "0" * 63 + "/", "g" * 64, ""]
)
def test_only_a_lowercase_sha256_hex_digest_names_a_stored_file(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="64 lowercase hex"):
        FileStore(tmp_path).path_for(value)
