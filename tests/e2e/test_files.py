"""The Files tab in Chromium (issue 10): one browser uploads photos and sees
each file's progress (and cancels one); a second browser, a client's, sees
them appear live and opens the lightbox (keys and swipe); the client never
sees an internal file, on the page or through the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import file_samples as samples
from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.e2e
SLOW_UPLOAD = 3 * 1024 * 1024  # bytes per second: slow enough to watch the bars move


def _files(app_url: str, headers: dict[str, str], pid: int) -> dict[str, dict[str, Any]]:
    items = httpx.get(f"{app_url}/api/projects/{pid}/files?limit=200", headers=headers, timeout=10).json()
    return {f["name"]: f for f in items["items"]}


def _files_tab(context: Any, app_url: str, pid: int) -> Any:
    page = context.new_page()
    page.goto(f"{app_url}/projects/{pid}?tab=files")
    page.locator("#file-input").wait_for(state="attached", timeout=30_000)
    page.locator("#file-grid, .rt-CalloutRoot").first.wait_for(timeout=30_000)
    return page


def _throttle_uploads(page: Any) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 5, "downloadThroughput": -1, "uploadThroughput": SLOW_UPLOAD},
    )


def _progress_seen(page: Any) -> list[int]:
    """Progress values shown while uploads run (sampled in the page, every 20 ms)."""
    return page.evaluate(
        """() => new Promise((done) => {
            const seen = new Set();
            const timer = setInterval(() => {
              document.querySelectorAll('.upload-progress').forEach((bar) => seen.add(Number(bar.value)));
              const busy = document.querySelectorAll('.upload-item[data-status="uploading"],'
                + '.upload-item[data-status="queued"]').length;
              if (!busy && seen.size) { clearInterval(timer); done([...seen]); }
            }, 20);
            setTimeout(() => { clearInterval(timer); done([...seen]); }, 60000);
        })"""
    )


def _swipe(page: Any, selector: str, dx: int) -> None:
    page.evaluate(
        """([selector, dx]) => {
            const el = document.querySelector(selector);
            const at = (x) => [new Touch({identifier: 1, target: el, clientX: x, clientY: 300})];
            const start = {touches: at(400), changedTouches: at(400), bubbles: true};
            el.dispatchEvent(new TouchEvent('touchstart', start));
            const end = {touches: [], changedTouches: at(400 + dx), bubbles: true};
            el.dispatchEvent(new TouchEvent('touchend', end));
        }""",
        [selector, dx],
    )


def test_upload_progress_live_grid_lightbox_and_no_internal_files_for_clients(
    app_url: str, browser: Any, tmp_path: Path
) -> None:
    admin_api, client_api = (
        h.api_token(app_url, "admin@oakline.demo"),
        h.api_token(app_url, "client@oakline.demo"),
    )
    pid = h.project_id(app_url, admin_api)
    photos = []
    for i in range(3):
        path = tmp_path / f"site-visit-{i}.jpg"
        path.write_bytes(samples.big_photo(4.0, seed=i))  # a few MB each, like a phone photo
        photos.append(str(path))
    huge = tmp_path / "drone-survey.jpg"
    huge.write_bytes(samples.big_photo(24.0, seed=9))

    admin_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    client_ctx = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    sign_in(admin_ctx, app_url, "admin@oakline.demo").close()
    sign_in(client_ctx, app_url, "client@oakline.demo").close()
    admin, client = _files_tab(admin_ctx, app_url, pid), _files_tab(client_ctx, app_url, pid)
    _throttle_uploads(admin)

    # several at once, with a progress bar each; one is cancelled on the way
    admin.set_input_files("#file-input", [*photos, str(huge)])
    admin.locator('.upload-item[data-name="drone-survey.jpg"] .upload-cancel').click()
    seen = _progress_seen(admin)
    assert any(0 < value < 100 for value in seen), seen  # bars moved through the middle
    for name in ("site-visit-0.jpg", "site-visit-1.jpg", "site-visit-2.jpg"):
        admin.locator(f'.upload-item[data-name="{name}"][data-status="done"]').wait_for(timeout=10_000)
    admin.locator('.upload-item[data-name="drone-survey.jpg"][data-status="cancelled"]').wait_for()
    stored = _files(app_url, admin_api, pid)
    assert "drone-survey.jpg" not in stored  # a cancelled upload leaves nothing
    ids = [stored[f"site-visit-{i}.jpg"]["id"] for i in range(3)]

    # the client's browser shows them without a reload, thumbnails included
    for file_id in ids:
        client.locator(f'.file-tile[data-file-id="{file_id}"] img').wait_for(timeout=20_000)
    client.screenshot(path=str(tmp_path / "client-grid.png"))

    # the lightbox: opens on the tile, moves with the keys and a swipe, closes with Esc
    client.locator(f'.file-tile[data-file-id="{ids[2]}"] .file-thumb').click()
    box = client.locator(".lightbox")
    box.wait_for(timeout=10_000)
    assert client.locator(".lightbox-image").evaluate(
        "img => img.complete || new Promise(r => img.onload = r)"
    ) in (
        True,
        None,
    )
    assert client.locator(".lightbox-image").evaluate("img => img.naturalWidth") > 0
    first = client.locator(".lightbox-name").inner_text()
    client.keyboard.press("ArrowRight")
    assert client.locator(".lightbox-name").inner_text() != first
    client.keyboard.press("ArrowLeft")
    assert client.locator(".lightbox-name").inner_text() == first
    _swipe(client, ".lightbox", -150)
    assert client.locator(".lightbox-name").inner_text() != first
    client.screenshot(path=str(tmp_path / "client-lightbox.png"))
    client.keyboard.press("Escape")
    box.wait_for(state="detached", timeout=5_000)

    # an internal file: the firm sees it, the client never does
    admin.locator("label.file-option", has_text="Internal").locator("input").check()
    internal = tmp_path / "margins.csv"
    internal.write_bytes(b"item,margin\ntiles,31%\n")
    admin.set_input_files("#file-input", str(internal))
    admin.locator('.upload-item[data-name="margins.csv"][data-status="done"]').wait_for(timeout=20_000)
    admin.locator("label.file-option", has_text="Internal").locator("input").uncheck()
    after = tmp_path / "after-internal.txt"
    after.write_bytes(b"Plaster dries by Friday.\n")
    admin.set_input_files("#file-input", str(after))
    stored = _files(app_url, admin_api, pid)
    internal_id = stored["margins.csv"]["id"]
    admin.locator(f'.file-tile[data-file-id="{internal_id}"]').wait_for(timeout=20_000)
    after_id = _wait_for(lambda: _files(app_url, admin_api, pid).get("after-internal.txt"))["id"]
    client.locator(f'.file-tile[data-file-id="{after_id}"]').wait_for(timeout=20_000)  # later events arrived
    assert client.locator(f'.file-tile[data-file-id="{internal_id}"]').count() == 0
    assert "margins.csv" not in client.content()
    assert "margins.csv" not in _files(app_url, client_api, pid)
    link = httpx.get(f"{app_url}/api/files/{internal_id}/url", headers=client_api, timeout=10)
    assert link.status_code == 404
    admin_ctx.close()
    client_ctx.close()


def _wait_for(read: Any, timeout: float = 20.0) -> Any:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = read()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("not there in time")
