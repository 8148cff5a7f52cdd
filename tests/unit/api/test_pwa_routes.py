"""The service worker script is stamped with an id of the frontend build: the
same build gives the same script from every web process, and a new build (new
bundles named in the index page, or a changed asset) gives a new one, which is
what makes browsers install the new worker and drop the old cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from rehome.api import pwa_routes


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    static = tmp_path / "client"
    static.mkdir()
    (static / "index.html").write_text('<script type="module" src="/assets/entry-abc123.js"></script>')
    (static / "rehome.css").write_text("body { margin: 0 }")
    monkeypatch.setattr(pwa_routes, "_built_pages", lambda: static)
    pwa_routes._build_id.cache_clear()
    return static


def _script() -> str:
    app = FastAPI()
    app.include_router(pwa_routes.router)
    response = TestClient(app).get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"].startswith("no-cache")
    assert response.headers["service-worker-allowed"] == "/"
    return response.text


def _rebuild(static: Path, index: str) -> None:
    page = static / "index.html"
    page.write_text(index)
    stamp = page.stat().st_mtime + 5
    os.utime(page, (stamp, stamp))


def test_one_build_one_script_and_a_new_build_a_new_one(build: Path, tmp_path: Path) -> None:
    first = _script()
    assert pwa_routes.PLACEHOLDER not in first
    assert f'const BUILD = "{pwa_routes.build_id()}"' in first
    assert _script() == first

    copy = tmp_path / "copy"  # a second web process with its own copy of the same build
    shutil.copytree(build, copy, copy_function=shutil.copy)
    assert pwa_routes._build_id(copy, 1.0) == pwa_routes.build_id()

    _rebuild(build, '<script type="module" src="/assets/entry-def456.js"></script>')
    second = _script()
    assert second != first
    assert pwa_routes.PLACEHOLDER not in second


def test_a_changed_stylesheet_alone_is_a_new_build(build: Path) -> None:
    before = pwa_routes.build_id()
    (build / "rehome.css").write_text("body { margin: 4px }")
    _rebuild(build, (build / "index.html").read_text())
    assert pwa_routes.build_id() != before


def test_without_a_build_the_assets_decide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pwa_routes, "_built_pages", lambda: tmp_path / "missing")
    pwa_routes._build_id.cache_clear()
    assert len(pwa_routes.build_id()) == 16
    assert pwa_routes.PLACEHOLDER not in pwa_routes.service_worker_script()
