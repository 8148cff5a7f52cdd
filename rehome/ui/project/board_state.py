"""Board tab: columns, filters, moving cards, the task editor and detail."""

from __future__ import annotations

from typing import Any

import reflex as rx

from rehome.core import files, tasks
from rehome.core.access import Action
from rehome.core.infra.errors import DomainError
from rehome.core.tasks import board
from rehome.core.tasks.views import TaskOut
from rehome.ui.fields import ListField, ObjectField, list_field, object_field
from rehome.ui.guard import Ctx, in_project, public
from rehome.ui.listsync import patch_field, set_list
from rehome.ui.project.models import Card, FileCard, card, file_card
from rehome.ui.project.state import ProjectState
from rehome.ui.project.task_form import EMPTY_FORM, form_from_task, patch_from_form
from rehome.ui.session import field_errors


class BoardState(ProjectState):
    col_backlog: ListField[list[Card]] = list_field()
    col_todo: ListField[list[Card]] = list_field()
    col_in_progress: ListField[list[Card]] = list_field()
    col_blocked: ListField[list[Card]] = list_field()
    col_done: ListField[list[Card]] = list_field()
    totals: ObjectField[dict[str, int]] = object_field(default_factory=dict)
    f_assignee: rx.Field[str] = rx.field("all")
    f_mine: rx.Field[bool] = rx.field(False)
    f_overdue: rx.Field[bool] = rx.field(False)
    f_blocked: rx.Field[bool] = rx.field(False)
    editor_open: rx.Field[bool] = rx.field(False)
    editing_id: rx.Field[int] = rx.field(0)
    form: ObjectField[dict[str, str]] = object_field(EMPTY_FORM)
    form_errors: ObjectField[dict[str, str]] = object_field(default_factory=dict)
    detail_open: rx.Field[bool] = rx.field(False)
    detail: ObjectField[dict[str, Any]] = object_field(default_factory=dict)
    confirm_delete_id: rx.Field[int] = rx.field(0)
    detail_files: ListField[list[FileCard]] = list_field()
    patch: ObjectField[dict[str, Any]] = patch_field()  # how the columns changed (see ui/listsync.py)
    _limits: dict[str, int] = {}
    _where: dict[int, str] = {}

    # ---- loading -----------------------------------------------------------------
    def _filters(self) -> board.BoardFilters:
        assignee = int(self.f_assignee) if self.f_assignee.isdigit() else None
        return board.BoardFilters(
            assignee_id=assignee, mine=self.f_mine, overdue=self.f_overdue, blocked=self.f_blocked
        )

    def _column(self, status: str) -> list[Card]:
        return getattr(self, f"col_{status}")

    def _set_column(self, status: str, cards: list[Card], whole: bool = False) -> None:
        """Columns change only through here, keeping the card → column index true,
        and sending the change rather than the column when it can."""
        self._where = {k: v for k, v in self._where.items() if v != status}
        self._where.update({c["id"]: status for c in cards})
        set_list(self, f"col_{status}", cards, whole)

    def _set_board(self, snapshot: board.Board, whole: bool = False) -> None:
        for status, items in snapshot.columns.items():
            self._set_column(status, [card(t) for t in items], whole)
        self.totals = snapshot.totals

    def _reload(self, ctx: Ctx, whole: bool = False) -> None:
        snapshot = board.load_board(ctx.db, ctx.actor, self.project_id, self._filters(), self._limits)
        self._set_board(snapshot, whole)

    def _open(self, ctx: Ctx) -> Any:
        """Fill the board for a page that just opened (the caller checked access)."""
        self.editor_open = self.detail_open = False
        self._reload(ctx, whole=True)
        task_id = self.router.url.query_parameters.get("task", "")
        return BoardState.open_detail(int(task_id)) if task_id.isdigit() else None

    @in_project()
    def load_board(self, ctx: Ctx) -> None:
        self._reload(ctx)

    @public
    def set_filter(self, name: str, value: Any) -> Any:
        if name == "assignee":
            self.f_assignee = str(value)
        elif name in ("mine", "overdue", "blocked"):
            setattr(self, f"f_{name}", bool(value))
        return BoardState.load_board

    @public
    def show_more(self, status: str) -> Any:
        if status in board.STATUSES:
            self._limits[status] = self._limits.get(status, board.PER_COLUMN) + board.PER_COLUMN
        return BoardState.load_board

    # ---- live updates (called by the relay with rows it read through the access layer)
    def _apply_tasks(self, changed: list[TaskOut], gone: set[int], totals: dict[str, int]) -> None:
        touched = gone | {t.id for t in changed}
        filters = self._filters()
        incoming = [card(t) for t in changed if board.matches(t, filters, self.my_id)]
        affected = {self._where[i] for i in touched if i in self._where} | {c["status"] for c in incoming}
        for status in affected:  # only the columns a change touches are rebuilt and re-sent
            column = [c for c in self._column(status) if c["id"] not in touched]
            column += [c for c in incoming if c["status"] == status]
            limit = self._limits.get(status, board.PER_COLUMN)
            self._set_column(status, sorted(column, key=lambda c: c["position"])[:limit])
        if totals != self.totals:  # an edit leaves the counts alone: nothing to send
            self.totals = totals

    # ---- moving ------------------------------------------------------------------
    def _undo(self, error: DomainError) -> Any:
        """A refused move: say why and show the board as it really is again."""
        self.flash = error.message
        return BoardState.load_board

    @in_project(Action.EDIT_TASK, on_error="_undo")
    def move(self, ctx: Ctx, item_id: str, column_id: str, index: int) -> None:
        """Drag and drop: place the card at `index` of the visible destination column."""
        if not str(item_id).isdigit() or column_id not in board.STATUSES:
            return None
        task_id, index = int(item_id), max(0, int(index))
        moving = next((c for s in board.STATUSES for c in self._column(s) if c["id"] == task_id), None)
        if moving is None:
            return None
        destination = [c for c in self._column(column_id) if c["id"] != task_id]
        patch = tasks.TaskPatch(status=column_id)
        if index < len(destination):
            patch = tasks.TaskPatch(status=column_id, before_task_id=destination[index]["id"])
        elif destination:
            patch = tasks.TaskPatch(status=column_id, after_task_id=destination[-1]["id"])
        self._optimistic(moving, column_id, index, destination)
        tasks.update_task(ctx.db, ctx.actor, task_id, patch)

    def _optimistic(self, moving: Card, status: str, index: int, destination: list[Card]) -> None:
        self._set_column(
            moving["status"], [c for c in self._column(moving["status"]) if c["id"] != moving["id"]]
        )
        moved = Card(**{**moving, "status": status})
        destination.insert(min(index, len(destination)), moved)
        self._set_column(status, destination)

    @in_project(Action.EDIT_TASK, on_error="_undo")
    def move_to(self, ctx: Ctx, task_id: int, status: str) -> None:
        """The menu way: send a card to the end of another column."""
        if status in board.STATUSES:
            tasks.update_task(ctx.db, ctx.actor, int(task_id), tasks.TaskPatch(status=status))

    @in_project(Action.EDIT_TASK, on_error="_undo")
    def nudge(self, ctx: Ctx, task_id: int, status: str, step: int) -> None:
        """The keyboard/menu way to reorder: one place up (-1) or down (+1)."""
        if status not in board.STATUSES:
            return None
        ids = [c["id"] for c in self._column(status)]
        if int(task_id) not in ids:
            return None
        i = ids.index(int(task_id))
        j = i + (1 if int(step) > 0 else -1)
        if not 0 <= j < len(ids):
            return None
        key = "after_task_id" if j > i else "before_task_id"
        tasks.update_task(ctx.db, ctx.actor, int(task_id), tasks.TaskPatch(**{key: ids[j]}))

    # ---- editor ------------------------------------------------------------------
    @public
    def open_new(self, status: str = "todo") -> None:
        self.editing_id, self.form_errors = 0, {}
        self.form = {**EMPTY_FORM, "status": status if status in board.STATUSES else "todo"}
        self.editor_open, self.detail_open = True, False

    @in_project()
    def open_edit(self, ctx: Ctx, task_id: int) -> None:
        task = tasks.get_task(ctx.db, ctx.actor, int(task_id))
        self.editing_id, self.form, self.form_errors = task.id, form_from_task(task), {}
        self.editor_open, self.detail_open = True, False

    @public
    def set_editor_open(self, value: bool) -> None:
        self.editor_open = bool(value)

    def _form_refused(self, error: DomainError) -> None:
        self.form_errors = field_errors(error)  # the dialog stays open with what was typed

    @in_project(on_error="_form_refused")
    def save_task(self, ctx: Ctx, form_data: dict[str, Any]) -> None:
        scope = ctx.scope
        assert scope is not None
        patch = patch_from_form(form_data, scope.can(Action.MARK_INTERNAL), scope.sees_costs)
        if self.editing_id:
            tasks.update_task(ctx.db, ctx.actor, self.editing_id, patch)
        else:
            data = tasks.TaskCreate(**patch.model_dump(exclude_unset=True, exclude_none=True))
            tasks.create_task(ctx.db, ctx.actor, ctx.project_id, data)
        self.editor_open, self.form_errors = False, {}
        self._reload(ctx)

    # ---- detail and delete -----------------------------------------------------------
    @in_project()
    def open_detail(self, ctx: Ctx, task_id: int) -> None:
        task = tasks.get_task(ctx.db, ctx.actor, int(task_id))
        history = tasks.task_history(ctx.db, ctx.actor, int(task_id))
        self.detail = {
            **form_from_task(task),
            "id": task.id,
            "overdue": task.overdue,
            "internal": task.internal,
            "assignee_name": task.assignee_name or "Unassigned",
            "cost_cents": task.cost_cents,
            "history": [h.model_dump(mode="json") for h in history],
        }
        self.detail_open = True
        self._load_task_files(ctx, int(task_id))

    def _load_task_files(self, ctx: Ctx, task_id: int) -> None:
        self.detail_files = [file_card(f) for f in files.task_files(ctx.db, ctx.actor, task_id)]

    def _apply_task_files(self, changed: list[files.FileOut], gone: set[int]) -> None:
        """Live: the open task's files as the relay read them (previews arrive, files go)."""
        task_id = int(self.detail.get("id") or 0) if self.detail_open else 0
        if not task_id:
            return
        mine = {f.id: file_card(f) for f in changed if f.task_id == task_id}
        dropped = gone | {f.id for f in changed if f.task_id != task_id}
        kept = [mine.pop(c["id"], c) for c in self.detail_files if c["id"] not in dropped]
        self.detail_files = kept + list(mine.values())

    @in_project()
    def task_file_uploaded(self, ctx: Ctx, file_id: int) -> None:
        """The dialog's uploader sent a file with this task's id: show the task's files again."""
        del file_id  # the upload named the task itself; re-read the task's files as they are
        if self.detail_open and self.detail.get("id"):
            self._load_task_files(ctx, int(self.detail["id"]))

    @public
    def show_task_file(self, file_id: int) -> Any:
        """A thumbnail in the dialog: close the dialog (it holds the focus) and open the lightbox."""
        from rehome.ui.project.files_state import FilesState

        self.detail_open = False
        return FilesState.show_file(int(file_id), [c["id"] for c in self.detail_files])

    @public
    def set_detail_open(self, value: bool) -> None:
        self.detail_open = bool(value)

    @public
    def ask_delete(self, task_id: int) -> None:
        self.confirm_delete_id = int(task_id)

    @public
    def cancel_delete(self) -> None:
        self.confirm_delete_id = 0

    @in_project(Action.DELETE_TASK)
    def confirm_delete(self, ctx: Ctx) -> None:
        task_id, self.confirm_delete_id = self.confirm_delete_id, 0
        tasks.delete_task(ctx.db, ctx.actor, task_id)
        ctx.db.flush()
        self.detail_open = False
        self._reload(ctx)
