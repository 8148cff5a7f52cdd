"""Where the browser reaches the backend's HTTP endpoints."""

from __future__ import annotations

from reflex.config import get_config


def backend_url(path: str) -> str:
    """Same-origin path in prod (one port); the backend's URL in dev (two ports)."""
    config = get_config()
    api = (config.api_url or "").rstrip("/")
    deploy = (config.deploy_url or "").rstrip("/")
    return path if not api or api == deploy else api + path


def post_form_js(form_id: str, path: str, extra: str = "{}") -> str:
    return f"window.rehome.submitForm({form_id!r}, {backend_url(path)!r}, {extra})"


def post_js(path: str) -> str:
    return f"window.rehome.postJson({backend_url(path)!r}, {{}})"
