"""Sealed backup streams: any size round-trips; a wrong key, a changed byte,
reordered or missing chunks all fail clearly instead of yielding garbage."""

from __future__ import annotations

import io
import os

import pytest

from rehome.core.backup.crypto import (
    CHUNK,
    MAGIC,
    BackupError,
    Damaged,
    DecryptingReader,
    EncryptingWriter,
    WrongKey,
)

KEY = "a long backup passphrase"


def seal(data: bytes, key: str = KEY, piece: int = 65_536) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key)
    for start in range(0, len(data), piece):
        writer.write(data[start : start + piece])
    writer.close()
    return out.getvalue()


def unseal(blob: bytes, key: str = KEY, piece: int = 10_240) -> bytes:
    reader = DecryptingReader(io.BytesIO(blob), key)
    parts = []
    while part := reader.read(piece):
        parts.append(part)
    return b"".join(parts)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 12_345])
def test_round_trip_of_any_size(size: int) -> None:
    data = os.urandom(size)
    blob = seal(data)
    assert blob.startswith(MAGIC)
    assert unseal(blob) == data
    assert DecryptingReader(io.BytesIO(blob), KEY).read() == data  # read() with no size: everything


def test_a_wrong_key_is_told_apart_before_any_byte() -> None:
    blob = seal(b"rows and files")
    with pytest.raises(WrongKey, match="different BACKUP_KEY"):
        DecryptingReader(io.BytesIO(blob), "another passphrase")


@pytest.mark.parametrize(
    "where", ["changed byte", "cut short", "chunk dropped", "chunks swapped", "tail added"]
)
def test_tampering_fails_authentication(where: str) -> None:
    blob = bytearray(seal(os.urandom(3 * CHUNK)))
    header = len(MAGIC) + 16 + 32
    sealed = 4 + CHUNK + 16
    first, second = slice(header, header + sealed), slice(header + sealed, header + 2 * sealed)
    if where == "changed byte":
        blob[header + 100] ^= 1
    elif where == "cut short":
        del blob[-20:]
    elif where == "chunk dropped":
        del blob[first]
    elif where == "chunks swapped":
        blob[first], blob[second] = blob[second], blob[first]
    else:
        blob += b"more"
    with pytest.raises(Damaged):
        unseal(bytes(blob))


def test_not_a_backup_and_no_key_are_refused() -> None:
    with pytest.raises(BackupError, match="not a ReHome backup"):
        DecryptingReader(io.BytesIO(b"PK\x03\x04 a zip file"), KEY)
    with pytest.raises(BackupError, match="BACKUP_KEY is not set"):
        EncryptingWriter(io.BytesIO(), "")
