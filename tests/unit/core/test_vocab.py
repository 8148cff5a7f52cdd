"""The vocabulary is spelled once, and every live event that is published has a
reader (an event nobody reads only wakes every viewer for nothing)."""

from __future__ import annotations

import ast

from rehome.core.models.base import one_of
from rehome.core.tasks.board import STATUS_LABELS, STATUSES
from rehome.core.vocab import PRIORITIES, TASK_STATUSES, EventKind, TaskStatus
from tests.support import ROOT

PUBLISHERS = {"emit", "emit_to_user", "emit_to_thread", "publish"}


def _kinds(node: ast.AST) -> set[str]:
    return {
        n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "EventKind"
    }


def _published_and_read() -> tuple[set[str], set[str]]:
    published: set[str] = set()
    read: set[str] = set()
    for path in (ROOT / "rehome").rglob("*.py"):
        if path.name == "vocab.py":
            continue
        tree = ast.parse(path.read_text())
        in_calls: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in PUBLISHERS:
                    for arg in node.args:
                        published |= _kinds(arg)
                        in_calls |= {id(n) for n in ast.walk(arg)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and id(node) not in in_calls:
                read |= _kinds(node)
    return published, read


def test_every_published_event_has_a_reader() -> None:
    published, read = _published_and_read()
    assert published, "no publisher found: the scan is broken"
    assert published - read == set()


def test_event_kinds_are_the_spec_names() -> None:
    for kind in ("TaskCreated", "TaskUpdated", "TaskMoved", "MessageSent", "FileUploaded"):
        assert EventKind(kind) == kind
    assert EventKind("AgentMessageCreated") == "AgentMessageCreated"
    assert EventKind("AgentSummaryReady") == "AgentSummaryReady"


def test_statuses_are_spelled_once() -> None:
    assert STATUSES == TASK_STATUSES == ("backlog", "todo", "in_progress", "blocked", "done")
    assert STATUS_LABELS["in_progress"] == TaskStatus.IN_PROGRESS.label == "In progress"
    in_list = "status IN ('backlog', 'todo', 'in_progress', 'blocked', 'done')"
    assert one_of("status", TASK_STATUSES) == in_list
    assert PRIORITIES == ("low", "normal", "high", "urgent")
