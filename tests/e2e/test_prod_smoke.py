"""Production mode, proven (issue 12, item 4): `reflex run --env prod` twice
behind PostgreSQL and Redis, a Celery worker and beat (tests/e2e/prod_stack.py).
An admin on one web process and a client on the other sign in in Chromium;
a task the admin moves reaches the client live, the client asks the agent
and watches the answer stream in (run by the worker), and a file the admin
uploads appears on the client's Files tab with the preview the worker made.
The README's Production section runs the same stack by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import file_samples as samples
from tests.e2e import live_helpers as h
from tests.e2e.pages import sign_in
from tests.e2e.prod_stack import ProdStack
from tests.fakes.llm_server import FakeLLM
from tests.support import PG_URL, ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> Iterator[ProdStack]:
    """Each web process builds its own copy of `.web`; `app_url` makes the first one if need be."""
    from tests.e2e.conftest import _services_or_skip

    if not (ROOT / ".web" / "node_modules").is_dir():
        request.getfixturevalue("app_url")
    _services_or_skip()  # PostgreSQL must be there (a failure under CI)
    prod = ProdStack(name=PG_URL.rsplit("/", 1)[1] + "_smoke")
    try:
        prod.start()
        yield prod
    except Exception:
        for name in ("web0", "web1", "worker", "beat"):
            print(f"--- {name} ---\n{prod.log(name)[-3000:]}")
        raise
    finally:
        prod.close()


def test_production_stack_on_loopback(stack: ProdStack, browser: Any, llm: FakeLLM, tmp_path: Path) -> None:
    admin_url, client_url = stack.urls
    for url in stack.urls:
        health = httpx.get(f"{url}/health", timeout=10).json()
        assert {name: check["ok"] for name, check in health["checks"].items()} == {
            "database": True,
            "redis": True,
            "worker": True,
        }, health
    admin_api, client_api = (
        h.api_token(admin_url, "admin@oakline.demo"),
        h.api_token(client_url, "client@oakline.demo"),
    )
    pid = h.project_id(admin_url, admin_api)
    client_id = h.me(client_url, client_api)["id"]
    moving = h.first_task(admin_url, admin_api, pid, "backlog", not_assignee=client_id)

    admin_ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    client_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(admin_ctx, admin_url, "admin@oakline.demo").close()
    sign_in(client_ctx, client_url, "client@oakline.demo").close()
    admin, client = h.open_project(admin_ctx, admin_url, pid), h.open_project(client_ctx, client_url, pid)

    # a move on one web process reaches the other browser live (through Redis)
    h.card(admin, moving["id"], "backlog").locator(".card-menu").click()
    admin.get_by_role("menuitem", name="Move to").hover()
    admin.get_by_role("menuitem", name="Done").click()
    h.card(client, moving["id"], "done").wait_for(timeout=15_000)
    assert h.task(client_url, client_api, moving["id"])["status"] == "done"

    # the agent: the worker runs it, the answer streams into the page
    llm.chunks, llm.chunk_delay = [f"word{i} " for i in range(60)], 0.05
    client.goto(f"{client_url}/projects/{pid}?tab=agent")
    client.locator("#agent-question").fill("What is happening on site?")
    client.locator("#agent-ask").click()
    client.wait_for_function(
        "document.querySelector('#agent-streaming .live-answer')?.innerText.includes('word3')", timeout=30_000
    )
    early = len(client.locator("#agent-streaming .live-answer").inner_text())
    assert (
        "word59" not in client.locator("#agent-streaming .live-answer").inner_text()
    )  # streamed, not at once
    client.locator(".agent-answer").filter(has_text="word59").wait_for(timeout=30_000)
    assert len(client.locator(".agent-answer").filter(has_text="word59").inner_text()) > early
    assert "rehome.agent_run" in stack.log("worker")

    # a file: uploaded on one process, shown on the other with the worker's thumbnail
    photo = tmp_path / "site-visit.jpg"
    photo.write_bytes(samples.photo(gps=False))
    admin.goto(f"{admin_url}/projects/{pid}?tab=files")
    client.goto(f"{client_url}/projects/{pid}?tab=files")
    admin.locator("#file-input").wait_for(state="attached", timeout=30_000)
    client.locator("#file-input").wait_for(state="attached", timeout=30_000)
    admin.set_input_files("#file-input", str(photo))
    admin.locator('.upload-item[data-name="site-visit.jpg"][data-status="done"]').wait_for(timeout=20_000)
    files = httpx.get(f"{admin_url}/api/projects/{pid}/files?limit=200", headers=admin_api, timeout=10).json()
    file_id = next(f["id"] for f in files["items"] if f["name"] == "site-visit.jpg")
    client.locator(f'.file-tile[data-file-id="{file_id}"] img').wait_for(timeout=30_000)
    assert "files.thumbnail" in stack.log("worker")

    # beat is alive and schedules its jobs for the worker
    assert "Sending due task sweep-agent-runs" in stack.log("beat")
    admin_ctx.close()
    client_ctx.close()
