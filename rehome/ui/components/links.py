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


def sign_out_js() -> str:
    return f"window.rehome.signOut({backend_url('/auth/logout')!r})"


def create_token_js(form_id: str, box_id: str) -> str:
    """Create an API token over HTTP and show it once in `box_id`, outside Reflex state."""
    return f"window.rehome.createToken({form_id!r}, {backend_url('/auth/api-tokens')!r}, {box_id!r})"
