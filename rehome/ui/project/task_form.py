"""Translating the task editor's form to and from core input models."""

from __future__ import annotations

from typing import Any

from rehome.core.infra.validation import parse_cents
from rehome.core.tasks.service import TaskPatch
from rehome.core.tasks.views import TaskOut

NO_ASSIGNEE = "none"
EMPTY_FORM: dict[str, str] = {
    "title": "",
    "description": "",
    "status": "todo",
    "priority": "normal",
    "assignee_id": NO_ASSIGNEE,
    "due_date": "",
    "internal": "",
    "internal_notes": "",
    "cost": "",
}


def form_from_task(task: TaskOut) -> dict[str, str]:
    return {
        "title": task.title,
        "description": task.description,
        "status": task.status,
        "priority": task.priority,
        "assignee_id": str(task.assignee_id) if task.assignee_id else NO_ASSIGNEE,
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "internal": "on" if task.internal else "",
        "internal_notes": task.internal_notes or "",
        "cost": f"{task.cost_cents / 100:.2f}" if task.cost_cents is not None else "",
    }


def patch_from_form(form: dict[str, Any], can_mark_internal: bool, sees_costs: bool) -> TaskPatch:
    """Only the fields this role may set are sent; pydantic checks the rest."""
    assignee = str(form.get("assignee_id", NO_ASSIGNEE))
    values: dict[str, Any] = {
        "title": str(form.get("title", "")),
        "description": str(form.get("description", "")),
        "status": form.get("status") or "todo",
        "priority": form.get("priority") or "normal",
        "assignee_id": int(assignee) if assignee.isdigit() else None,
        "due_date": form.get("due_date") or None,
    }
    if can_mark_internal:
        values["internal"] = form.get("internal") in ("on", True, "true")
        values["internal_notes"] = str(form.get("internal_notes", ""))
    if sees_costs:
        values["cost_cents"] = parse_cents(str(form.get("cost", "")), "cost")
    return TaskPatch(**values)
