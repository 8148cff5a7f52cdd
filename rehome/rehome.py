"""The ReHome Reflex app: pages, the REST API mounted beside them, startup."""

from __future__ import annotations

import reflex as rx
from sentry_sdk.integrations.fastapi import FastApiIntegration
from sentry_sdk.integrations.starlette import StarletteIntegration

import rehome.core.models  # noqa: F401  (registers every table for `reflex db`)
from rehome.api import web_auth
from rehome.api.app import build_api
from rehome.core.infra import reporting
from rehome.core.infra.schedule import embedded_beat
from rehome.logs import configure_logging
from rehome.settings import get_settings
from rehome.ui import owner, pwa
from rehome.ui.account.page import account_page
from rehome.ui.account.state import AccountState
from rehome.ui.admin.page_activity import activity_page
from rehome.ui.admin.page_files import files_admin_page
from rehome.ui.admin.page_overview import overview_page
from rehome.ui.admin.page_project import project_admin_page
from rehome.ui.admin.page_projects import projects_admin_page
from rehome.ui.admin.page_search import search_page
from rehome.ui.admin.page_tasks import tasks_admin_page
from rehome.ui.admin.page_users import users_admin_page
from rehome.ui.admin.state_activity import AdminActivityState
from rehome.ui.admin.state_files import AdminFilesState
from rehome.ui.admin.state_overview import AdminSearchState, OverviewState
from rehome.ui.admin.state_project import AdminProjectState
from rehome.ui.admin.state_projects import AdminProjectsState
from rehome.ui.admin.state_tasks import AdminTasksState
from rehome.ui.admin.state_users import AdminUsersState
from rehome.ui.agent.admin_page import AdminAgentState, admin_agent_page
from rehome.ui.auth.pages import forgot_page, invite_page, login_page, reset_page
from rehome.ui.auth.state import AuthState
from rehome.ui.errors import report_backend_error
from rehome.ui.home import HomeState, home_page
from rehome.ui.notifications.page import notifications_page
from rehome.ui.notifications.state import NotificationsState
from rehome.ui.project.page import project_page
from rehome.ui.project.page_state import ProjectPageState
from rehome.ui.projects.page import projects_page
from rehome.ui.projects.state import ProjectsState
from worker.dispatch import install_dispatcher

configure_logging()
reporting.init("web", [StarletteIntegration(), FastApiIntegration()])
install_dispatcher()

web_auth.tab_droppers.append(owner.drop_tab)  # sign-out empties the tab's state tree
app = rx.App(
    head_components=[
        *pwa.head_components(),
        rx.el.script(src="/rehome.js"),
        rx.el.script(src="/drafts.js"),
        rx.el.meta(name="theme-color", content="#f76b15"),
    ],
    stylesheets=["/rehome.css"],
    api_transformer=build_api(),
    backend_exception_handler=report_backend_error,
)
owner.install(app)
if not get_settings().celery_broker_url:  # no Celery beat: run the periodic jobs here
    app.register_lifespan_task(embedded_beat)
app.add_page(home_page, route="/", title="ReHome", on_load=HomeState.route)
app.add_page(login_page, route="/login", title="Sign in · ReHome", on_load=AuthState.load_login)
app.add_page(forgot_page, route="/forgot", title="Forgot password · ReHome", on_load=AuthState.load_form)
app.add_page(reset_page, route="/reset/[token]", title="New password · ReHome", on_load=AuthState.load_form)
app.add_page(invite_page, route="/invite/[token]", title="Join · ReHome", on_load=AuthState.load_invite)
app.add_page(projects_page, route="/projects", title="Projects · ReHome", on_load=ProjectsState.load)
app.add_page(account_page, route="/account", title="Account · ReHome", on_load=AccountState.load)
app.add_page(
    project_page, route="/projects/[project_id]", title="Project · ReHome", on_load=ProjectPageState.load
)
app.add_page(
    notifications_page,
    route="/notifications",
    title="Notifications · ReHome",
    on_load=NotificationsState.load,
)
app.add_page(overview_page, route="/admin", title="Admin · ReHome", on_load=OverviewState.load)
app.add_page(
    projects_admin_page,
    route="/admin/projects",
    title="Projects · Admin · ReHome",
    on_load=AdminProjectsState.load,
)
app.add_page(
    project_admin_page,
    route="/admin/projects/[project_id]",
    title="Project · Admin · ReHome",
    on_load=AdminProjectState.load,
)
app.add_page(
    users_admin_page, route="/admin/users", title="Users · Admin · ReHome", on_load=AdminUsersState.load
)
app.add_page(
    tasks_admin_page, route="/admin/tasks", title="Tasks · Admin · ReHome", on_load=AdminTasksState.load
)
app.add_page(
    files_admin_page, route="/admin/files", title="Files · Admin · ReHome", on_load=AdminFilesState.load
)
app.add_page(
    activity_page, route="/admin/activity", title="Activity · Admin · ReHome", on_load=AdminActivityState.load
)
app.add_page(
    search_page, route="/admin/search", title="Search · Admin · ReHome", on_load=AdminSearchState.load
)
app.add_page(
    admin_agent_page, route="/admin/agent", title="Assistant · Admin · ReHome", on_load=AdminAgentState.load
)
