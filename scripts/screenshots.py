"""Screenshots of the main pages at phone, tablet and desktop widths.

Starts the app on the embedded default with the demo data, signs in as the
admin, and writes PNGs to data/screenshots/ (not committed) to look at after
a UI change. Usage: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.appserver import app_env, free_port, prepare, start_app, stop, wait_ready  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.pages import sign_in  # noqa: E402

WIDTHS = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}
PAGES = {
    "projects": "/projects",
    "board": "/projects/1",
    "chat": "/projects/1?tab=chat",
    "agent": "/projects/1?tab=agent",
    "admin": "/admin",
    "admin-projects": "/admin/projects",
    "admin-users": "/admin/users",
    "admin-tasks": "/admin/tasks",
    "admin-activity": "/admin/activity",
    "admin-agent": "/admin/agent",
    "notifications": "/notifications",
    "account": "/account",
}


def main() -> None:
    out = ROOT / "data" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    data_dir, port = Path(tempfile.mkdtemp(prefix="rehome-shots-")), free_port()
    env = app_env(data_dir, port)
    prepare(env)
    proc = start_app(env, port, data_dir / "app.log")
    url = f"http://localhost:{port}"
    try:
        wait_ready(url, proc, data_dir / "app.log")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = sign_in(context, url, "admin@oakline.demo")
                for name, path in PAGES.items():
                    page.goto(url + path)
                    page.wait_for_timeout(1500)
                    page.screenshot(path=out / f"{name}-{label}.png")
                context.close()
            browser.close()
    finally:
        stop(proc)
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
