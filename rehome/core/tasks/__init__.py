"""Tasks on a project's board (F-05): the public API of the domain."""

from rehome.core.tasks.service import (
    TaskCreate,
    TaskEventOut,
    TaskPatch,
    create_task,
    delete_task,
    get_task,
    list_tasks,
    task_history,
    update_task,
)

__all__ = [
    "TaskCreate",
    "TaskEventOut",
    "TaskPatch",
    "create_task",
    "delete_task",
    "get_task",
    "list_tasks",
    "task_history",
    "update_task",
]
