"""The Content-Security-Policy (issue 8, item 6): what each response carries,
the storage and websocket hosts, the inline-script hashes of a build, and no
Swagger page in production."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rehome.api import csp
from rehome.api.app import build_api
from rehome.settings import get_settings
from tests.support import apply_env


def _directives(policy: str) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.partition(" ")[2] for d in policy.split("; ")}


def test_page_policy_allows_only_this_site() -> None:
    apply_env(APP_URL="https://rehome.example.com")
    policy = _directives(csp.page_policy(get_settings(), ("abc=",)))
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data: blob:"
    assert policy["connect-src"] == "'self' wss://rehome.example.com"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'sha256-abc='" in policy["script-src"]
    assert "http" not in policy["script-src"]


def test_storage_host_joins_img_src() -> None:
    apply_env(APP_URL="http://localhost:3000", S3_ENDPOINT_URL="http://127.0.0.1:9000/", S3_BUCKET="files")
    policy = _directives(csp.page_policy(get_settings()))
    assert policy["img-src"] == "'self' data: blob: http://127.0.0.1:9000"
    assert policy["connect-src"] == "'self' ws://localhost:3000"
    apply_env(S3_ENDPOINT_URL="", S3_BUCKET="rehome-files", AWS_REGION="eu-west-1")
    images = _directives(csp.page_policy(get_settings()))["img-src"].split()
    assert "https://rehome-files.s3.eu-west-1.amazonaws.com" in images


def test_inline_scripts_of_a_build_are_hashed(tmp_path: Path) -> None:
    inline, other = "window.x = 1;\n", "console.log('<b>')"
    (tmp_path / "login").mkdir()
    (tmp_path / "index.html").write_text(
        f'<html><head><script src="/rehome.js"></script><script>{inline}</script></head></html>'
    )
    (tmp_path / "login" / "index.html").write_text(f'<script type="module">{other}</script><p>hi</p>')
    expected = sorted(base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in (inline, other))
    assert list(csp.built_script_hashes(tmp_path)) == expected
    assert csp.built_script_hashes(tmp_path / "missing") == ()


def test_every_response_carries_a_policy(db: str) -> None:
    with TestClient(build_api(), raise_server_exceptions=False) as client:
        api = client.get("/api/me")
        assert api.headers["content-security-policy"].startswith("default-src 'none'")
        page = client.get("/some/page")
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert "default-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize(("env", "docs_status"), [("development", 200), ("production", 404)])
def test_swagger_page_only_outside_production(db: str, env: str, docs_status: int) -> None:
    apply_env(APP_ENV=env)
    with TestClient(build_api(), raise_server_exceptions=False) as client:
        assert client.get("/api/docs").status_code == docs_status
        assert client.get("/api/openapi.json").status_code == 200  # the mobile app reads it
