"""A clamd client speaking INSTREAM (the virus scan hook, F-08).

`CLAMD_URL` is `tcp://host:port` or `unix:///path/to/clamd.sock`. The file is
streamed in chunks, each prefixed with its length (4 bytes, network order),
ended by a zero length; clamd answers `stream: OK` or `stream: <name> FOUND`.
clamd's `StreamMaxLength` must be at least `UPLOAD_MAX_MB`, or it answers
with an error and the file stays "checking".
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlparse

CHUNK = 64 * 1024
TIMEOUT = 60.0  # seconds per socket operation


class ScanError(Exception):
    """clamd answered with an error (size limit, bad command)."""


class ScannerUnreachable(ConnectionError):
    """clamd could not be reached: the job is retried (Celery retries ConnectionError)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    infected: bool
    signature: str = ""


def scan_stream(url: str, stream: BinaryIO) -> Verdict:
    try:
        with _connect(url) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = _read_reply(sock)
    except OSError as error:
        raise ScannerUnreachable(f"clamd at {url}: {error}") from error
    return parse_reply(reply)


def parse_reply(reply: str) -> Verdict:
    answer = reply.removeprefix("stream:").strip()
    if answer == "OK":
        return Verdict(infected=False)
    if answer.endswith(" FOUND"):
        return Verdict(infected=True, signature=answer.removesuffix(" FOUND").strip()[:200])
    raise ScanError(f"clamd answered {reply[:200]!r}")


def _connect(url: str) -> socket.socket:
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT)
        sock.connect(parsed.path)
        return sock
    if parsed.scheme != "tcp" or not parsed.hostname:
        raise ScanError(f"CLAMD_URL must be tcp://host:port or unix:///path, not {url!r}")
    return socket.create_connection((parsed.hostname, parsed.port or 3310), timeout=TIMEOUT)


def _read_reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0") and len(data) < 4096:
        piece = sock.recv(4096)
        if not piece:
            break
        data += piece
    return data.rstrip(b"\0\n").decode("utf-8", "replace")
