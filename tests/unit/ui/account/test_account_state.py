"""The account page's mail choice: it shows the stored preference, saves a new
one for the signed-in user only, and refuses a value that is not a choice."""

from __future__ import annotations

import pytest

from rehome.core.infra.db import session_scope
from rehome.core.models import User
from rehome.ui.account.state import AccountState
from tests.unit.ui.tab import call, session_cookie, state_of, tab
from tests.world import World, build_world


@pytest.fixture
def world(db: str) -> World:
    return build_world()


def _stored(user_id: int) -> str:
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        return user.mail_pref


def test_the_page_shows_the_stored_choice_and_saves_a_new_one(world: World) -> None:
    account = state_of(tab(session_cookie(world.users["team"]), "/account"), AccountState)
    call(account, "load")
    assert account.mail_pref == "all"
    call(account, "set_mail_pref", value="mentions")
    assert (account.mail_pref, account.mail_saved) == ("mentions", True)
    assert _stored(world.users["team"]) == "mentions"
    assert _stored(world.users["client"]) == "all"


def test_a_value_that_is_not_a_choice_is_refused_and_nothing_changes(world: World) -> None:
    account = state_of(tab(session_cookie(world.users["team"]), "/account"), AccountState)
    call(account, "load")
    call(account, "set_mail_pref", value="everything-please")
    assert account.mail_pref == "all"
    assert not account.mail_saved
    assert account.flash
    assert _stored(world.users["team"]) == "all"
