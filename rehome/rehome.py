"""The ReHome Reflex app: pages, the REST API mounted beside them, startup."""

from __future__ import annotations

import reflex as rx

import rehome.core.models  # noqa: F401  (registers every table for `reflex db`)
from rehome.api.app import build_api
from rehome.logs import configure_logging
from rehome.ui.account.page import account_page
from rehome.ui.account.state import AccountState
from rehome.ui.auth.pages import forgot_page, invite_page, login_page, reset_page
from rehome.ui.auth.state import AuthState
from rehome.ui.home import HomeState, home_page
from rehome.ui.notifications.page import notifications_page
from rehome.ui.notifications.state import NotificationsState
from rehome.ui.project.page import project_page
from rehome.ui.project.state import ProjectState
from rehome.ui.projects.page import projects_page
from rehome.ui.projects.state import ProjectsState
from worker.dispatch import install_dispatcher

configure_logging()
install_dispatcher()

app = rx.App(
    head_components=[
        rx.el.script(src="/rehome.js"),
        rx.el.meta(name="theme-color", content="#f76b15"),
    ],
    stylesheets=["/rehome.css"],
    api_transformer=build_api(),
)
app.add_page(home_page, route="/", title="ReHome", on_load=HomeState.route)
app.add_page(login_page, route="/login", title="Sign in · ReHome", on_load=AuthState.load_login)
app.add_page(forgot_page, route="/forgot", title="Forgot password · ReHome", on_load=AuthState.load_form)
app.add_page(reset_page, route="/reset/[token]", title="New password · ReHome", on_load=AuthState.load_form)
app.add_page(invite_page, route="/invite/[token]", title="Join · ReHome", on_load=AuthState.load_invite)
app.add_page(projects_page, route="/projects", title="Projects · ReHome", on_load=ProjectsState.load)
app.add_page(account_page, route="/account", title="Account · ReHome", on_load=AccountState.load)
app.add_page(
    project_page, route="/projects/[project_id]", title="Project · ReHome", on_load=ProjectState.load
)
app.add_page(
    notifications_page,
    route="/notifications",
    title="Notifications · ReHome",
    on_load=NotificationsState.load,
)
