"""HMAC-signed links to locally stored files (F-08), the embedded twin of S3 presigning.

A link carries what to serve and how (key, content type, download name,
inline or attachment) and until when, signed with the app's key. The route
that serves it checks only the signature and the expiry: who may see the file
was checked when the link was made. Expiries are rounded up to a minute so the
same file keeps one URL for a while and browsers can cache its thumbnail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
from dataclasses import dataclass

from rehome.core.infra.errors import DomainError, NotFound
from rehome.settings import get_settings

ROUND_TO = 60  # seconds
_PURPOSE = b"rehome:file-link:v1:"


class LinkExpired(DomainError):
    status, code = 403, "link_expired"

    def default_message(self) -> str:
        return "This link has expired. Open the file again from ReHome to get a fresh one."


@dataclass(frozen=True, slots=True)
class Grant:
    key: str
    content_type: str
    disposition: str
    expires: int


def sign(grant: Grant) -> str:
    payload = json.dumps(
        [grant.key, grant.content_type, grant.disposition, grant.expires], separators=(",", ":")
    ).encode()
    return f"{_b64(payload)}.{_b64(_mac(payload))}"


def verify(token: str, now: float | None = None) -> Grant:
    """The grant a token carries; `NotFound` if tampered with, `LinkExpired` after its time."""
    body, _, mac = token.partition(".")
    try:
        payload = _unb64(body)
        valid = hmac.compare_digest(_unb64(mac), _mac(payload))
        key, content_type, disposition, expires = json.loads(payload) if valid else (None,) * 4
    except (ValueError, TypeError):
        valid = False
    if not valid or not all(isinstance(v, str) for v in (key, content_type, disposition)):
        raise NotFound("This link is not valid.")
    if not isinstance(expires, int) or expires < (time.time() if now is None else now):
        raise LinkExpired()
    return Grant(str(key), str(content_type), str(disposition), expires)


def expiry(ttl: int, now: float | None = None) -> int:
    return int(math.ceil(((time.time() if now is None else now) + ttl) / ROUND_TO) * ROUND_TO)


def _mac(payload: bytes) -> bytes:
    return hmac.new(get_settings().signing_key(), _PURPOSE + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    if not text or len(text) > 4096:
        raise ValueError("bad token")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
