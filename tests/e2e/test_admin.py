"""The admin dashboard in Chromium: a project from creation to archive, and the door
closed to non-admins (F-12)."""

from __future__ import annotations

import re
import uuid

import pytest

from rehome.ui.admin.state_projects import AdminProjectsState
from rehome.ui.admin.state_users import AdminUsersState
from tests.e2e.pages import sign_in
from tests.e2e.raw_socket import call_handlers_sync, delta_values, handler_name, redirects

pytestmark = pytest.mark.e2e


def _pick(page, trigger: str, option: str) -> None:
    """Choose `option` in the Radix select opened by the `trigger` selector."""
    page.locator(trigger).click()
    page.get_by_role("option", name=re.compile(re.escape(option))).click()


def test_admin_creates_staffs_invites_into_and_archives_a_project(app_url, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(context, app_url, "admin@oakline.demo")
    tag = uuid.uuid4().hex[:8]
    name = f"Loft study {tag}"

    page.goto(f"{app_url}/admin/projects")
    page.locator("#projects-table").wait_for()
    page.locator("#new-project").click()
    form = page.locator("#project-form")
    form.wait_for()
    page.locator("#save-project").click()
    error = form.locator("#name-error")
    error.wait_for()
    assert "cannot be empty" in error.inner_text()
    assert form.is_visible(), "the dialog stays open with the error at the field"

    form.locator("input[name=name]").fill(name)
    form.locator("input[name=address]").fill("1 Test Street, Springfield")
    page.locator("#save-project").click()
    form.wait_for(state="hidden")
    page.get_by_role("link", name=name).click()
    page.wait_for_url("**/admin/projects/*")
    page.locator("#project-title", has_text=name).wait_for()

    _pick(page, "#user_id", "team@oakline.demo")
    _pick(page, "#add-role", "Consultant")
    page.locator("#add-member").click()
    team_row = page.locator('.member-row[data-email="team@oakline.demo"]')
    team_row.wait_for()
    assert "Consultant" in team_row.inner_text()

    invitee = f"client-{tag}@example.com"
    page.locator("#invite-email").fill(invitee)
    page.locator("#invite-name").fill("New Client")
    page.locator("#send-invite").click()
    invited_row = page.locator(f'.member-row[data-email="{invitee}"]')
    invited_row.wait_for()
    assert "invited" in invited_row.inner_text()
    assert "Client" in invited_row.inner_text()

    page.locator("#archive-project").click()
    dialog = page.get_by_role("alertdialog")
    dialog.wait_for()
    assert name in dialog.inner_text()
    dialog.get_by_role("button", name="Archive").click()
    page.locator("#restore-project").wait_for()
    assert "archived" in page.locator("#project-title").locator("..").inner_text()

    page.goto(f"{app_url}/admin/activity")
    page.locator(".activity-row").first.wait_for()
    log = page.locator("#activity-table").inner_text()
    for action in ("project.archived", "user.invited", "member.set", "project.created"):
        assert action in log
    context.close()


@pytest.mark.parametrize("path", ["/admin", "/admin/users", "/admin/projects/1"])
def test_non_admin_is_sent_to_their_projects(app_url, browser, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = sign_in(context, app_url, "team@oakline.demo")
    page.goto(f"{app_url}{path}")
    page.wait_for_url(re.compile(r".*/projects/?$"), timeout=30_000)
    page.locator(".project-card").first.wait_for()
    assert "/admin" not in page.url
    assert page.locator("#admin-nav").count() == 0
    context.close()


def test_admin_handlers_refuse_a_non_admin_over_the_websocket(app_url, browser) -> None:
    """A team member's script calling admin handlers directly gets no rows and changes nothing."""
    context = browser.new_context()
    page = sign_in(context, app_url, "team@oakline.demo")
    page.locator(".project-card").first.wait_for()
    before = page.locator(".project-card").count()
    cookie = next(c for c in context.cookies() if c["name"] == "rehome_session")
    calls = [
        (handler_name(AdminUsersState, "load"), {}),
        (handler_name(AdminProjectsState, "load"), {}),
        (handler_name(AdminProjectsState, "ask_archive"), {"project_id": 1, "name": "x"}),
        (handler_name(AdminProjectsState, "confirm_archive"), {}),
        (handler_name(AdminProjectsState, "sort_by"), {"column": "name"}),
    ]
    updates = call_handlers_sync(app_url, f"rehome_session={cookie['value']}", calls, path="/admin/projects/")
    assert any(target.rstrip("/").endswith("/projects") for target in redirects(updates))
    assert not any(delta_values(updates, "rows")), "no admin rows for a non-admin"
    page.reload()
    page.locator(".project-card").first.wait_for()
    assert page.locator(".project-card").count() == before, "nothing was archived"
    context.close()


def test_admin_assistant_answers_and_the_cost_widget_counts_it(app_url, browser, llm) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = sign_in(context, app_url, "admin@oakline.demo")
    page.goto(f"{app_url}/admin/agent")
    widget = page.locator("#cost-widget")
    widget.get_by_text(re.compile(r"\d+ runs?$")).wait_for()
    runs_before = int(re.search(r"(\d+) runs?", widget.inner_text()).group(1))
    page.locator("#agent-question").fill("Which tasks are blocked?")
    page.locator("#agent-ask").click()
    page.locator(".agent-answer").filter(has_text="Hello, world!").wait_for(timeout=30_000)
    widget.get_by_text(f"{runs_before + 1} run{'' if runs_before == 0 else 's'}", exact=True).wait_for()
    assert "The workspace's monthly" in widget.inner_text()  # budget lines under the chart
    assert page.get_by_text("An error occurred").count() == 0
    context.close()


def test_admin_confirms_before_disabling_a_user_and_deleting_a_task(app_url, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(context, app_url, "admin@northbeam.demo")
    page.goto(f"{app_url}/admin/users")
    row = page.locator("#users-table tr", has_text="client2@northbeam.demo")
    for action, status in (("Disable user", "disabled"), ("Enable user", "active")):
        row.get_by_role("button", name="Edit").click()
        page.locator("#toggle-disabled", has_text=action).click()
        page.locator("button.confirm").click()
        row.get_by_text(status, exact=True).wait_for()

    page.goto(f"{app_url}/admin/tasks")
    first = page.locator("#tasks-table tbody tr").first
    first.wait_for()
    link = first.locator("a").first.get_attribute("href")  # the task's own page: unique
    first.get_by_role("button", name="Delete").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()  # cancelling keeps it
    assert page.locator(f'#tasks-table a[href="{link}"]').count() > 0
    first.get_by_role("button", name="Delete").click()
    page.locator("button.confirm").click()
    page.get_by_text("Task deleted.").wait_for()
    assert page.locator(f'#tasks-table a[href="{link}"]').count() == 0
    context.close()
