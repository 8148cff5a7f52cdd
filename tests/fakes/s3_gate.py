"""A private S3 bucket on loopback: moto's S3 server behind a small gate that
checks what moto does not.

moto (server mode) speaks the S3 protocol boto3 uses, but serves every GET,
signed or not, before or after a presigned URL's expiry. The gate in front of
it acts like a private bucket: a request signed in its header (boto3's own
calls) passes through; a presigned URL passes only if its SigV4 query
signature is right for the fake credentials and it has not expired; anything
else is 403 AccessDenied. `gate.skew` moves the gate's clock forward, so
"after expiry" needs no sleeping.

    with S3Gate() as gate:          # starts moto and the gate on free ports
        gate.endpoint               # http://127.0.0.1:<port> for S3_ENDPOINT_URL
        gate.client().list_objects_v2(Bucket=gate.bucket)

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import datetime as dt
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import boto3
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from moto.server import ThreadedMotoServer

KEY_ID, SECRET, REGION = "AKIDREHOMETEST", "rehome-test-secret", "us-east-1"
_AUTH_PARAMS = {
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
}
_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


class S3Gate:
    def __init__(self, bucket: str = "rehome-files") -> None:
        self.bucket = bucket
        self.skew = 0.0  # seconds added to the gate's clock
        self.denied: list[str] = []
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> S3Gate:
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, host, port))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def __exit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._moto.stop()

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_REGION": REGION,
        }

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def stored_keys(self) -> set[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def empty(self) -> None:
        keys = sorted(self.stored_keys())
        if keys:
            objects = [{"Key": k} for k in keys]
            self.client().delete_objects(Bucket=self.bucket, Delete={"Objects": objects})

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.skew)


def presigned_ok(gate: S3Gate, method: str, host: str, path: str, query: str) -> str | None:
    """None if the presigned URL is valid now; else why not."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    try:
        signed_at = dt.datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        expires = int(params["X-Amz-Expires"])
        given = params["X-Amz-Signature"]
        if params["X-Amz-Credential"].split("/")[0] != KEY_ID:
            return "unknown access key"
    except (KeyError, ValueError):
        return "malformed presigned URL"
    if gate.now() > signed_at + dt.timedelta(seconds=expires):
        return "Request has expired"
    operation = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _AUTH_PARAMS]
    url = f"http://{host}{path}" + (f"?{urlencode(operation)}" if operation else "")
    request = AWSRequest(method=method, url=url, headers={"host": host})
    auth = S3SigV4QueryAuth(Credentials(KEY_ID, SECRET), "s3", REGION, expires=expires)
    request.context["timestamp"] = params["X-Amz-Date"]
    auth._modify_request_before_signing(request)
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    return None if expected == given else "SignatureDoesNotMatch"


def _handler(gate: S3Gate, moto_host: str, moto_port: int) -> type[BaseHTTPRequestHandler]:
    class Gate(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            if "authorization" not in {k.lower() for k in self.headers}:
                why = "AccessDenied: not signed"
                if "X-Amz-Signature" in parts.query:
                    problem = presigned_ok(gate, self.command, self.headers["host"], parts.path, parts.query)
                    why = f"AccessDenied: {problem}" if problem else ""
                if why:
                    gate.denied.append(why)
                    return self._deny(why)
            self._forward(body)

        def _forward(self, body: bytes) -> None:
            upstream = http.client.HTTPConnection(moto_host, moto_port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            headers["Host"] = self.headers.get("host", f"{moto_host}:{moto_port}")
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in _HOP:
                    self.send_header(key, value)
            length = answer.getheader("content-length") if self.command == "HEAD" else None
            self.send_header("Content-Length", length or str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            upstream.close()

        def _deny(self, why: str) -> None:
            data = f"<Error><Code>AccessDenied</Code><Message>{why}</Message></Error>".encode()
            self.send_response(403)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

    return Gate
