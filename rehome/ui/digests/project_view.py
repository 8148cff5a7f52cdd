"""The project page's Agent tab: Assistant, Digest, Risks & Blockers (the
firm's side) and Client update (those who approve it)."""

from __future__ import annotations

import reflex as rx

from rehome.ui.agent.view import PARTICIPANT_PROMPTS, agent_chat
from rehome.ui.digests.project_state import ProjectDigestState as S
from rehome.ui.digests.view import digest_card, risks_panel


def _digest() -> rx.Component:
    return rx.vstack(
        digest_card(S.daily, "No digest yet: one is written each morning when something happened.", "digest"),
        rx.cond(
            S.staff_view & S.client_daily.present,
            rx.vstack(
                rx.button(
                    rx.cond(S.show_client, "Hide what the clients got", "Show what the clients got"),
                    variant="ghost",
                    size="1",
                    on_click=S.toggle_client,
                    id="toggle-client-digest",
                ),
                rx.cond(S.show_client, digest_card(S.client_daily, "", "client-digest")),
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        max_width="860px",
    )


def _update() -> rx.Component:
    approved = S.update_status == "approved"
    return rx.vstack(
        rx.text(
            "The assistant drafts a weekly update for the homeowner from what clients may see. "
            "Edit it, then approve: only then is it posted in the chat and mailed to the clients.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            S.update_id > 0,
            rx.vstack(
                rx.badge(rx.cond(approved, "approved and sent", "draft: not sent"), id="update-status"),
                rx.text_area(
                    value=S.update_text,
                    on_change=S.set_update_text,
                    rows="14",
                    width="100%",
                    read_only=approved,
                    id="update-text",
                ),
                rx.cond(
                    approved,
                    rx.fragment(),
                    rx.hstack(
                        rx.button("Save", variant="soft", on_click=S.save_update, id="update-save"),
                        rx.button("Approve and send", on_click=S.approve_update, id="update-approve"),
                    ),
                ),
                width="100%",
            ),
        ),
        rx.button(
            "Draft this week's update now", variant="outline", on_click=S.draft_update, id="update-draft"
        ),
        spacing="3",
        width="100%",
        max_width="860px",
    )


def agent_tab() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Assistant", value="assistant"),
            rx.tabs.trigger("Digest", value="digest", id="tab-digest"),
            rx.cond(S.staff_view, rx.tabs.trigger("Risks & Blockers", value="risks", id="tab-risks")),
            rx.cond(S.can_approve, rx.tabs.trigger("Client update", value="update", id="tab-update")),
            size="1",
        ),
        rx.cond(
            S.digest_note != "",
            rx.text(S.digest_note, size="2", color_scheme="gray", margin_top="8px", id="digest-note"),
        ),
        rx.tabs.content(rx.box(agent_chat(PARTICIPANT_PROMPTS), padding_top="12px"), value="assistant"),
        rx.tabs.content(rx.box(_digest(), padding_top="12px"), value="digest"),
        rx.tabs.content(rx.box(risks_panel(S.risks), padding_top="12px"), value="risks"),
        rx.tabs.content(rx.box(_update(), padding_top="12px"), value="update"),
        value=S.agent_tab,
        on_change=S.set_agent_tab,
    )
