"""The assistant's chat panel: finished answers (markdown with citation links),
the answer being streamed, stop / retry / continue / copy, quick prompts."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rehome.ui.agent.state import AgentLine, AgentState
from rehome.ui.components.live_answer import live_answer
from rehome.ui.components.markdown import safe_markdown

PARTICIPANT_PROMPTS = ("What changed today?", "My tasks this week", "Summarize last 20 messages")
ADMIN_PROMPTS = ("Overdue by assignee", "Blocked tasks", "Last week highlights")


def _assistant(line: ObjectVar[AgentLine]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon("sparkles", size=16, color="var(--accent-9)"),
            rx.text("Assistant", weight="bold", size="2"),
            rx.cond(line.stopped, rx.badge("stopped", color_scheme="amber", size="1")),
            rx.cond(line.failed, rx.badge("failed", color_scheme="red", size="1")),
            rx.spacer(),
            rx.icon_button(
                rx.icon("copy", size=14),
                size="1",
                variant="ghost",
                aria_label="Copy answer",
                on_click=AgentState.copy(line.id),
            ),
            align="center",
            width="100%",
        ),
        safe_markdown(line.content),
        rx.cond(
            line.stopped,
            rx.hstack(
                rx.button(
                    "Continue",
                    size="1",
                    variant="soft",
                    on_click=AgentState.keep_going,
                    class_name="continue",
                ),
                rx.button("Retry", size="1", variant="soft", color_scheme="gray", on_click=AgentState.retry),
                margin_top="6px",
            ),
        ),
        rx.cond(line.usage != "", rx.text(line.usage, size="1", color_scheme="gray", class_name="usage")),
        class_name="agent-answer",
        padding="10px",
        border_radius="10px",
        background="var(--gray-a2)",
        width="100%",
    )


def _question(line: ObjectVar[AgentLine]) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.text(line.content, size="2", white_space="pre-wrap"),
            class_name="agent-question",
            padding="8px 12px",
            border_radius="10px",
            background="var(--accent-a3)",
            max_width="85%",
        ),
        justify="end",
        width="100%",
    )


def _line(line: ObjectVar[AgentLine]) -> rx.Component:
    return rx.cond(line.role == "user", _question(line), _assistant(line))


def _streaming() -> rx.Component:
    return rx.cond(
        AgentState.streaming_run > 0,
        rx.box(
            rx.hstack(
                rx.spinner(size="1"),
                rx.text("Assistant is answering…", size="2", weight="bold"),
                rx.spacer(),
                rx.button(
                    rx.icon("square", size=12),
                    "Stop",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=AgentState.stop,
                    id="agent-stop",
                ),
                align="center",
                width="100%",
            ),
            live_answer(
                AgentState.streaming_run, on_done=AgentState.run_finished, class_name="md live-answer"
            ),
            padding="10px",
            border_radius="10px",
            background="var(--gray-a2)",
            width="100%",
            id="agent-streaming",
        ),
    )


def _threads() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(placeholder="Conversation", max_width="260px"),
            rx.select.content(
                rx.foreach(AgentState.threads, lambda t: rx.select.item(t.title, value=t.id.to_string()))
            ),
            value=AgentState.thread_id.to_string(),
            on_change=lambda v: AgentState.select_thread(v.to(int)),
        ),
        rx.button(
            rx.icon("plus", size=14),
            "New conversation",
            variant="soft",
            size="2",
            on_click=AgentState.new_thread,
        ),
        wrap="wrap",
        spacing="2",
    )


def agent_chat(prompts: tuple[str, ...]) -> rx.Component:
    return rx.vstack(
        _threads(),
        rx.cond(
            AgentState.error != "",
            rx.callout(
                AgentState.error, icon="triangle_alert", color_scheme="red", width="100%", id="agent-error"
            ),
        ),
        rx.vstack(
            rx.foreach(AgentState.lines, _line), _streaming(), spacing="3", width="100%", id="agent-log"
        ),
        rx.cond(
            AgentState.failure != "",
            rx.callout(
                rx.hstack(
                    rx.text(AgentState.failure), rx.button("Retry", size="1", on_click=AgentState.retry)
                ),
                icon="circle_alert",
                color_scheme="red",
                width="100%",
            ),
        ),
        rx.hstack(
            *[
                rx.button(
                    p,
                    variant="outline",
                    size="1",
                    radius="full",
                    on_click=AgentState.quick(p),
                    disabled=AgentState.streaming_run > 0,
                    class_name="quick-prompt",
                )
                for p in prompts
            ],
            wrap="wrap",
            spacing="2",
        ),
        rx.form(
            rx.hstack(
                rx.text_area(
                    name="question",
                    placeholder=rx.cond(
                        AgentState.scope_project_id > 0, "Ask about this project…", "Ask about the workspace…"
                    ),
                    rows="2",
                    flex="1",
                    max_length=4000,
                    enter_key_submit=True,
                    id="agent-question",
                ),
                rx.button(
                    rx.icon("send", size=16),
                    "Ask",
                    type="submit",
                    id="agent-ask",
                    disabled=AgentState.streaming_run > 0,
                ),
                align="end",
                width="100%",
            ),
            on_submit=AgentState.ask,
            reset_on_submit=True,
            width="100%",
        ),
        rx.cond(
            AgentState.warning != "",
            rx.text(AgentState.warning, size="1", color_scheme="amber", id="agent-warning"),
        ),
        rx.text(AgentState.estimate_text, size="1", color_scheme="gray", id="agent-estimate"),
        spacing="3",
        width="100%",
        max_width="860px",
        class_name="agent-chat",
    )
