"""Issue 12, item 1 in Chromium: ReHome installs as an app. The manifest is
linked and valid, its icons load at their sizes, the service worker controls
the page, Chromium reports no installability errors, API answers are never
stored, and a reload without a network shows the app's own offline page."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.e2e import live_helpers as h
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
CACHED_URLS = """async () => {
  const urls = [];
  for (const key of await caches.keys()) {
    for (const request of await (await caches.open(key)).keys()) urls.push([key, request.url]);
  }
  return urls;
}"""


def _manifest(app_url: str, page: Any) -> dict[str, Any]:
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    response = httpx.get(f"{app_url}{href}", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    return response.json()


def _png(app_url: str, src: str) -> tuple[int, int]:
    response = httpx.get(f"{app_url}{src}", timeout=10)
    assert response.status_code == 200, src
    assert response.headers["content-type"] == "image/png", src
    return Image.open(io.BytesIO(response.content)).size


def test_the_manifest_is_linked_valid_and_its_icons_load(app_url, browser) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    page = context.new_page()
    page.goto(f"{app_url}/login")
    manifest = _manifest(app_url, page)
    assert manifest["name"] == "ReHome"
    assert manifest["short_name"] == "ReHome"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert manifest["scope"] == "/"
    assert manifest["theme_color"] == "#f76b15"
    assert manifest["background_color"].startswith("#")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        width, height = _png(app_url, icon["src"])
        assert f"{width}x{height}" == icon["sizes"], icon
    touch = page.locator('link[rel="apple-touch-icon"]').get_attribute("href")
    assert _png(app_url, touch) == (180, 180)
    assert page.locator('meta[name="apple-mobile-web-app-capable"]').get_attribute("content") == "yes"
    favicon = httpx.get(f"{app_url}/favicon.ico", timeout=10)
    assert favicon.status_code == 200
    assert Image.open(io.BytesIO(favicon.content)).format == "ICO"
    cdp = context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["url"].endswith("/manifest.webmanifest")
    assert parsed["errors"] == []
    context.close()


def test_the_worker_controls_the_page_and_chromium_can_install_it(app_url, browser, tmp_path) -> None:
    script = httpx.get(f"{app_url}/sw.js", timeout=10)
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "no-cache" in script.headers["cache-control"]
    assert "__REHOME_BUILD__" not in script.text  # stamped with this build's id

    # A profile on disk: Chromium never offers to install from an incognito context.
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 820, "height": 1180},
    )
    page = sign_in(context, app_url, "team@oakline.demo")
    pid = h.project_id(app_url, h.api_token(app_url, "team@oakline.demo"))
    page.wait_for_function(CONTROLLED, timeout=60_000)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{app_url}/"
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    for path in (f"/projects/{pid}", f"/projects/{pid}?tab=chat"):
        page.goto(f"{app_url}{path}")
        page.locator(".task-card, .chat-line").first.wait_for(timeout=30_000)
        assert page.evaluate(CONTROLLED)
    page.wait_for_timeout(1000)
    cached = page.evaluate(CACHED_URLS)
    urls = [url.removeprefix(app_url) for _, url in cached]
    assert "/offline.html" in urls
    assert any(u.startswith("/assets/") for u in urls)
    assert {key for key, _ in cached} == {cached[0][0]}  # one cache: this build's
    for url in urls:  # no API answer, session call, upload or signed URL is kept
        assert not url.startswith(("/api/", "/auth/", "/_event", "/_upload", "/health")), url
        assert "?" not in url, url
    context.close()


def test_an_offline_reload_shows_the_apps_offline_page(app_url, browser) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    page = sign_in(context, app_url, "team@oakline.demo")
    page.wait_for_function(CONTROLLED, timeout=60_000)
    page.wait_for_timeout(500)
    context.set_offline(True)
    try:
        page.reload()
        page.locator("#rehome-offline").wait_for(timeout=10_000)
        assert page.title() == "Offline · ReHome"
        text = page.locator("#rehome-offline").inner_text()
        assert "You are offline" in text
        assert "kept on this device" in text
        assert "needs the network" in text
        assert page.evaluate("document.styleSheets.length") >= 1
    finally:
        context.set_offline(False)
    page.reload()
    page.locator("#rehome-offline").wait_for(state="detached", timeout=30_000)
    context.close()
