"""Mail preferences over the API, and the unsubscribe links of mails (F-35).

`/mail/unsubscribe?token=…` works without signing in: the signed token is the
proof. GET shows a confirmation (mail scanners that open links change
nothing); POST, from that page's button or a mail app's one-click
unsubscribe (RFC 8058), turns the list off.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from rehome.api.deps import CurrentActor, Db, write
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import NotFound
from rehome.core.mail import preferences
from rehome.core.mail.render import render_page
from rehome.core.vocab import MailPref
from rehome.settings import get_settings

router = APIRouter(tags=["mail"])
Token = Annotated[str, Query(min_length=1, max_length=400)]
_WHAT = {"digest": "digests and client updates", "mentions": "mention alerts"}
_GETTING = {
    MailPref.ALL: "mention alerts and digests",
    MailPref.MENTIONS: "mention alerts only",
    MailPref.DIGEST: "digests only",
    MailPref.NONE: "no emails besides invites and password resets",
}


@router.get("/api/me/preferences", response_model=preferences.Preferences)
def get_preferences(session: Db, actor: CurrentActor) -> preferences.Preferences:
    """Which emails you get: `all`, `mentions` (mention alerts only), `digest`
    (digests and client updates only) or `none`."""
    return preferences.get_preferences(session, actor)


@router.patch("/api/me/preferences", response_model=preferences.Preferences)
def set_preferences(
    body: preferences.PreferencesPatch, request: Request, session: Db, actor: CurrentActor
) -> Response:
    return write(request, session, actor, lambda s: preferences.set_preferences(s, actor, body), body=body)


def _page(status: int = 200, **values: object) -> HTMLResponse:
    account = f"{get_settings().app_url}/account"
    html = render_page("unsubscribe.html", **{"account_url": account, "error": "", "done": False, **values})
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/mail/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def confirm_unsubscribe(token: Token) -> HTMLResponse:
    try:
        with session_scope() as session:
            found = preferences.describe(session, token)
    except NotFound as error:
        return _page(404, error=error.message)
    return _page(email=found.email, what=_WHAT[found.list])


@router.post("/mail/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe(token: Token) -> HTMLResponse:
    try:
        with session_scope() as session:
            done = preferences.unsubscribe(session, token)
    except NotFound as error:
        return _page(404, error=error.message)
    return _page(done=True, email=done.email, what=_WHAT[done.list], now_getting=_GETTING[done.mail])
