"""A local Sentry ingest endpoint that keeps every envelope it receives, as
raw bytes (decompressed), so a test can look for secrets in exactly what
would have left the machine.

    with SentryRecorder() as sentry:
        apply_env(SENTRY_DSN=sentry.dsn)
        ...
        sentry_sdk.flush()
        sentry.events()   # the parsed "event" items
"""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class SentryRecorder:
    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                encoding = (self.headers.get("Content-Encoding") or "").lower()
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli  # type: ignore[import-not-found]

                    body = brotli.decompress(body)
                with recorder._lock:
                    recorder.raw.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.dsn = f"http://publickey@127.0.0.1:{self.server.server_port}/1"

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def all_bytes(self) -> bytes:
        with self._lock:
            return b"\n".join(self.raw)

    def items(self, kind: str = "event") -> list[dict[str, Any]]:
        """The envelope items of one type: header line, then (item header, payload) pairs."""
        found = []
        with self._lock:
            envelopes = list(self.raw)
        for envelope in envelopes:
            lines = envelope.split(b"\n")
            i = 1
            while i + 1 < len(lines):
                header = json.loads(lines[i]) if lines[i].strip() else {}
                payload = lines[i + 1]
                if header.get("type") == kind:
                    found.append(json.loads(payload))
                i += 2
        return found
