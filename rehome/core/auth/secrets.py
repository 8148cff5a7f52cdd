"""Random bearer secrets and the digests that are stored in their place."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """256 bits of randomness; the prefix tells a reader what kind it is."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 is enough: the secrets are random, not guessable passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()
