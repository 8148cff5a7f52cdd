"""Who wants which mail (F-35): a per-user preference (all, mentions only,
digests only, none) and the signed unsubscribe links that change it without
signing in.

Invites and password resets are transactional and always sent. Mention
alerts go to `all` and `mentions`; digests and client updates to `all` and
`digest`. An unsubscribe link names the list it came from and turns only that
list off (a digest mail's link leaves mention alerts as they were).
"""

from __future__ import annotations

from typing import Literal

from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from rehome.core.access import Actor
from rehome.core.infra.errors import NotFound
from rehome.core.models import User
from rehome.core.vocab import MailPref
from rehome.settings import get_settings

MailList = Literal["mentions", "digest"]
_SALT = "rehome.unsubscribe"
INVALID_LINK = "This unsubscribe link is not valid."


class Preferences(BaseModel):
    mail: MailPref


class PreferencesPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mail: MailPref


class Unsubscribed(BaseModel):
    email: str
    mail: MailPref
    list: MailList


def get_preferences(session: Session, actor: Actor) -> Preferences:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("User not found.")
    return Preferences(mail=MailPref(user.mail_pref))


def set_preferences(session: Session, actor: Actor, data: PreferencesPatch) -> Preferences:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("User not found.")
    user.mail_pref = data.mail.value
    session.add(user)
    return Preferences(mail=data.mail)


def without(pref: MailPref, mail_list: MailList) -> MailPref:
    """The preference once `mail_list` is turned off."""
    if mail_list == "digest":
        return {MailPref.ALL: MailPref.MENTIONS, MailPref.DIGEST: MailPref.NONE}.get(pref, pref)
    return {MailPref.ALL: MailPref.DIGEST, MailPref.MENTIONS: MailPref.NONE}.get(pref, pref)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().signing_key(), salt=_SALT)


def unsubscribe_token(user_id: int, mail_list: MailList) -> str:
    return str(_serializer().dumps({"u": user_id, "l": mail_list}))


def unsubscribe_url(user_id: int, mail_list: MailList) -> str:
    return f"{get_settings().app_url}/mail/unsubscribe?token={unsubscribe_token(user_id, mail_list)}"


def _read(token: str) -> tuple[int, MailList]:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise NotFound(INVALID_LINK) from None
    user_id, mail_list = (data.get("u"), data.get("l")) if isinstance(data, dict) else (None, None)
    if not isinstance(user_id, int) or mail_list not in ("mentions", "digest"):
        raise NotFound(INVALID_LINK)
    return user_id, mail_list


def describe(session: Session, token: str) -> Unsubscribed:
    """What the link would turn off, for the page that asks to confirm."""
    user_id, mail_list = _read(token)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(INVALID_LINK)
    return Unsubscribed(email=user.email, mail=MailPref(user.mail_pref), list=mail_list)


def unsubscribe(session: Session, token: str) -> Unsubscribed:
    """Turn the link's list off for its user (the signature is the proof)."""
    user_id, mail_list = _read(token)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(INVALID_LINK)
    user.mail_pref = without(MailPref(user.mail_pref), mail_list).value
    session.add(user)
    return Unsubscribed(email=user.email, mail=MailPref(user.mail_pref), list=mail_list)
