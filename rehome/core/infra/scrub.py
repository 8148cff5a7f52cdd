"""What must never leave for the error tracker: passwords, tokens, cookies,
sessions, and what people wrote (chat messages, questions to the assistant,
request bodies) (issue 12).

Sentry's own defaults (`send_default_pii=False`) drop some headers and the
user's address, but not a body a handler logged, a token inside an error
message or a URL, or a variable named `password` in a stack frame. So every
event, transaction and breadcrumb passes through `scrub`: values under a
sensitive key are replaced whole, bearer tokens, API tokens and secret query
parameters are cut out of every string, request bodies, cookies and frame
variables are dropped. `Idempotency-Key` headers stay: they are random ids
that help match a retried write, not credentials.
"""

from __future__ import annotations

import re
from typing import Any

FILTERED = "[Filtered]"
# A key holding a credential, wherever it appears (headers, extras, log fields).
_SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|auth|cookie|session|csrf|api[-_]?key|credential|signature|dsn|^key$",
    re.IGNORECASE,
)
# A key holding what someone wrote (chat, questions, answers, mail, bodies).
_BODY_KEY = re.compile(
    r"^(content|body|text|html|question|prompt|answer|delta|draft|note|description|comment|query|q|subject"
    r"|raw_body|request_body|messages?_?body)$",
    re.IGNORECASE,
)
_KEEP_KEYS = {"idempotency-key", "idempotency_key"}
_PATTERNS = (
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + FILTERED),
    (re.compile(r"\brh_[A-Za-z0-9_-]{10,}"), FILTERED),  # ReHome API tokens
    (
        re.compile(r"(?i)([?&;\s](?:token|key|password|secret|sig|signature|session|code)=)[^&\s#\"']+"),
        r"\1" + FILTERED,
    ),
    (re.compile(r"(?i)\b(rehome_session|session|csrftoken)=[^;\s\"']+"), r"\1=" + FILTERED),
)
_DROP_FROM_REQUEST = ("data", "cookies", "env")


def scrub_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _sensitive(key: str) -> bool:
    if key.lower() in _KEEP_KEYS:
        return False
    return bool(_SECRET_KEY.search(key) or _BODY_KEY.match(key))


def scrub_value(value: Any, key: str = "") -> Any:
    """A copy of `value` with every secret or body replaced."""
    if key and _sensitive(key):
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_pair(item) for item in value]
    return value


def _scrub_pair(item: Any) -> Any:
    """Headers sometimes come as `[name, value]` pairs: judge the value by the name."""
    if isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str):
        return [item[0], scrub_value(item[1], item[0])]
    return scrub_value(item)


def _scrub_frames(event: dict[str, Any]) -> None:
    for holder in [*(event.get("exception") or {}).get("values", []), *_threads(event)]:
        for frame in ((holder or {}).get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)


def _threads(event: dict[str, Any]) -> list[dict[str, Any]]:
    return list((event.get("threads") or {}).get("values", []))


def scrub_event(event: dict[str, Any]) -> dict[str, Any]:
    """An event or transaction ready to send: frames without variables, the
    request without body or cookies, every other field scrubbed by key and text."""
    _scrub_frames(event)
    request = event.get("request")
    if isinstance(request, dict):
        for field in _DROP_FROM_REQUEST:
            request.pop(field, None)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return {key: _scrub_top(key, value) for key, value in event.items()}


def _scrub_top(key: str, value: Any) -> Any:
    """Top-level fields are Sentry's own structure: scrub inside, never whole
    (an event's `message` is the log message, not someone's chat)."""
    if isinstance(value, dict):
        return {k: scrub_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_value(item) for item in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_breadcrumb(crumb: dict[str, Any]) -> dict[str, Any]:
    out = dict(crumb)
    if isinstance(out.get("message"), str):
        out["message"] = scrub_text(out["message"])
    if isinstance(out.get("data"), dict):
        out["data"] = {k: scrub_value(v, str(k)) for k, v in out["data"].items()}
    return out
