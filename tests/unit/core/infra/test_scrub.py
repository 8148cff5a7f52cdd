"""The scrubber on events shaped like the SDK's: what must go, what must stay."""

from __future__ import annotations

import json

from rehome.core.infra.scrub import FILTERED, scrub_breadcrumb, scrub_event, scrub_text


def test_credentials_and_bodies_go_ids_and_structure_stay() -> None:
    event = {
        "message": "unhandled error",
        "request": {
            "url": "https://app.example/api/x?token=abc123secret&page=2",
            "headers": {"Authorization": "Bearer rh_abcdefghijklmnop", "Idempotency-Key": "k-1"},
            "cookies": {"rehome_session": "s3cret"},
            "data": {"body": "private chat"},
        },
        "user": {"id": 7, "email": "a@b.c", "ip_address": "1.2.3.4"},
        "extra": {"password": "hunter22", "question": "what is my margin?", "count": 3},
        "exception": {
            "values": [
                {
                    "type": "RuntimeError",
                    "value": "failed for Bearer abcdef123456",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"password": "hunter22"}}]},
                }
            ]
        },
        "tags": {"request_id": "r-1", "run_id": "42"},
    }
    out = json.dumps(scrub_event(event))
    for secret in (
        "abc123secret",
        "rh_abcdefghijklmnop",
        "s3cret",
        "private chat",
        "hunter22",
        "margin",
        "a@b.c",
    ):
        assert secret not in out
    assert '"Idempotency-Key": "k-1"' in out
    assert "page=2" in out
    assert '"request_id": "r-1"' in out
    assert '"run_id": "42"' in out
    assert '"message": "unhandled error"' in out
    assert "failed for Bearer [Filtered]" in out


def test_breadcrumbs_lose_bodies_and_tokens() -> None:
    crumb = {"category": "rehome.chat", "message": "sent with session=abc", "data": {"body": "hi", "n": 1}}
    out = scrub_breadcrumb(crumb)
    assert out["data"] == {"body": FILTERED, "n": 1}
    assert out["message"] == f"sent with session={FILTERED}"


def test_api_tokens_are_cut_from_any_text() -> None:
    assert scrub_text("token rh_AbCdEf0123456789xyz leaked") == f"token {FILTERED} leaked"
