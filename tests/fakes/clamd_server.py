"""A local clamd that speaks INSTREAM and flags the EICAR test string.

clamd's protocol: the client sends `zINSTREAM\\0` (or `nINSTREAM\\n`), then
chunks each prefixed by a 4-byte big-endian length, then a zero length; the
daemon answers `stream: OK`, `stream: <signature> FOUND` or an error such as
`INSTREAM size limit exceeded. ERROR`. This fake keeps each scanned stream's
size and verdict in `scans`, and flags any stream containing EICAR.

    with FakeClamd() as clamd:
        clamd.url            # tcp://127.0.0.1:<port>, for CLAMD_URL

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import socketserver
import struct
import threading
from dataclasses import dataclass, field

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"


@dataclass
class FakeClamd:
    stream_max: int = 100 * 1024 * 1024
    scans: list[tuple[int, str]] = field(default_factory=list)
    _server: socketserver.ThreadingTCPServer | None = None

    def __enter__(self) -> FakeClamd:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                command = self._command()
                if command == b"PING":
                    self.wfile.write(b"PONG\0")
                    return
                if command != b"INSTREAM":
                    self.wfile.write(b"UNKNOWN COMMAND\0")
                    return
                self.wfile.write(fake.instream(self.rfile).encode() + b"\0")

            def _command(self) -> bytes:
                first = self.rfile.read(1)
                end = b"\0" if first == b"z" else b"\n"
                data = b""
                while (byte := self.rfile.read(1)) not in (end, b""):
                    data += byte
                return data

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"tcp://127.0.0.1:{self._server.server_address[1]}"

    def instream(self, rfile: object) -> str:
        tail, size, found = b"", 0, False  # a rolling window: memory stays small whatever the size
        while True:
            (length,) = struct.unpack("!L", rfile.read(4))  # type: ignore[attr-defined]
            if length == 0:
                break
            size += length
            if size > self.stream_max:
                self.scans.append((size, "too large"))
                return "INSTREAM size limit exceeded. ERROR"
            window = tail + rfile.read(length)  # type: ignore[attr-defined]
            found = found or EICAR in window
            tail = window[-len(EICAR) :]
        verdict = f"stream: {SIGNATURE} FOUND" if found else "stream: OK"
        self.scans.append((size, verdict))
        return verdict
