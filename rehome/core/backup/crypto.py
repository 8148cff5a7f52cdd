"""Backup encryption: a passphrase (`BACKUP_KEY`) seals a stream of any size.

The format is the STREAM construction over AES-256-GCM: the plaintext is cut
into 1 MiB chunks, each sealed with a nonce made of its counter and a
"last chunk" flag, so chunks cannot be reordered, dropped or the stream cut
short without the tag failing. Only one chunk is ever in memory, so multi-GB
archives stream straight through.

The key comes from scrypt over the passphrase and a random salt kept in the
header; scrypt also yields a check value stored there, so a wrong key is told
apart from a damaged file before a single byte is restored.

    header = MAGIC | salt (16) | check (32)
    chunk  = length (4, big endian, of the ciphertext) | AES-GCM ciphertext+tag
"""

from __future__ import annotations

import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from rehome.core.infra.errors import DomainError

MAGIC = b"REHOME-BACKUP-1\n"
CHUNK = 1024 * 1024
_SALT, _CHECK, _TAG = 16, 32, 16
_LAST = b"\x01"
_MORE = b"\x00"


class BackupError(DomainError):
    """A backup that cannot be made or restored; the message says why."""

    code = "backup_failed"


class WrongKey(BackupError):
    code = "wrong_backup_key"

    def default_message(self) -> str:
        return "This backup was made with a different BACKUP_KEY; nothing was restored."


class Damaged(BackupError):
    code = "backup_damaged"

    def default_message(self) -> str:
        return "The backup file is damaged or cut short (its authentication failed)."


def _derive(passphrase: str, salt: bytes) -> tuple[bytes, bytes]:
    if not passphrase:
        raise BackupError("BACKUP_KEY is not set; backups are sealed with it and cannot be made without it.")
    material = Scrypt(salt=salt, length=64, n=2**15, r=8, p=1).derive(passphrase.encode())
    return material[:32], material[32:]


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (_LAST if last else _MORE)


class EncryptingWriter:
    """A write-only stream that seals what it is given into `out`; `close()` seals the last chunk."""

    def __init__(self, out: BinaryIO, passphrase: str) -> None:
        salt = os.urandom(_SALT)
        key, check = _derive(passphrase, salt)
        self._out, self._aead, self._header = out, AESGCM(key), MAGIC + salt + check
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep one back: the last chunk is sealed differently
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()

    def _seal(self, plain: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), plain, self._header)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1


class DecryptingReader:
    """A read-only stream over a sealed backup; opening it checks the key, reading checks every chunk."""

    def __init__(self, source: BinaryIO, passphrase: str) -> None:
        header = _read_exactly(source, len(MAGIC) + _SALT + _CHECK)
        if len(header) < len(MAGIC) or header[: len(MAGIC)] != MAGIC:
            raise BackupError("This is not a ReHome backup file (its header is wrong).")
        salt, check = header[len(MAGIC) : len(MAGIC) + _SALT], header[len(MAGIC) + _SALT :]
        key, expected = _derive(passphrase, salt)
        if not hmac.compare_digest(check, expected):
            raise WrongKey()
        self._source, self._aead, self._header = source, AESGCM(key), header
        self._plain, self._at = b"", 0  # the current chunk and how far it has been read
        self._counter = 0
        self._done = False

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size >= 0 else None
        while wanted is None or wanted > 0:
            if self._at >= len(self._plain):
                if self._done:
                    break
                self._plain, self._at = self._next_chunk(), 0
                continue
            end = len(self._plain) if wanted is None else min(len(self._plain), self._at + wanted)
            parts.append(self._plain[self._at : end])
            if wanted is not None:
                wanted -= end - self._at
            self._at = end
        return b"".join(parts)

    def _next_chunk(self) -> bytes:
        length_bytes = _read_exactly(self._source, 4)
        if len(length_bytes) < 4:
            raise Damaged()  # the stream ended before its sealed last chunk
        (length,) = struct.unpack(">I", length_bytes)
        sealed = _read_exactly(self._source, length)
        if len(sealed) < length or length < _TAG or length > CHUNK + _TAG:
            raise Damaged()
        for last in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._counter, last), sealed, self._header)
            except InvalidTag:
                continue
            self._counter += 1
            self._done = last
            if last and _read_exactly(self._source, 1):
                raise Damaged()  # bytes after the last chunk
            return plain
        raise Damaged()


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    parts, wanted = [], size
    while wanted > 0:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)
