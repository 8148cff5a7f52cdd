"""Stored results of API writes, keyed by the client's Idempotency-Key.

The result row is inserted in the same transaction as the write it
describes, so a retried request either finds it or races into the unique
constraint; either way only one row is ever created.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlmodel import Session, select

from rehome.core.infra.errors import Invalid
from rehome.core.models import IdempotencyKey


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path} {canonical}".encode()).hexdigest()


def validate_key(key: str) -> str:
    key = key.strip()
    if not 1 <= len(key) <= 120 or not key.isprintable():
        raise Invalid({"Idempotency-Key": "Use 1 to 120 printable characters."})
    return key


def find(session: Session, user_id: int, key: str, request_hash: str) -> IdempotencyKey | None:
    row = session.exec(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    ).first()
    if row is not None and row.request_hash != request_hash:
        raise Invalid({"Idempotency-Key": "This key was already used for a different request."})
    return row


def remember(
    session: Session,
    user_id: int,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    status_code: int,
    response: Any,
) -> None:
    session.add(
        IdempotencyKey(
            user_id=user_id,
            key=key,
            method=method,
            path=path[:300],
            request_hash=request_hash,
            status_code=status_code,
            response={"body": response},
        )
    )
    session.flush()
