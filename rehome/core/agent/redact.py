"""Stored answers as their reader may see them now (F-07).

An answer was written from what its asker could see when they asked. Roles
change: a team member demoted to client, an item marked internal later, a
message deleted. Before a stored answer is shown again, its citations are
checked against what the reader sees now (through the access layer, one
query per kind of item for a whole page of answers), and every line that
cites an item they may no longer see is replaced by a note. The citations
and their links go the same way.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select
from sqlmodel import Session, col

from rehome.core.access import ProjectScope, visible_files, visible_messages, visible_tasks
from rehome.core.infra.db import exec_rows
from rehome.core.models import Message, StoredFile, Task

HIDDEN = "_(Hidden: this line cites an item you can no longer see.)_"
_CITED = re.compile(r"\[([TMF])-(\d{1,10})\]")


def cited_refs(content: str, refs: list[str]) -> set[str]:
    """Everything an answer cites, from its stored refs and its text alike."""
    return set(refs) | {f"{kind}-{num}" for kind, num in _CITED.findall(content)}


def visible_refs(session: Session, scope: ProjectScope | None, refs: set[str]) -> set[str]:
    """Which of `refs` the reader may see now; a workspace thread (scope None)
    is only ever read by the workspace's admins, who see all of it."""
    if scope is None:
        return set(refs)
    wanted: dict[str, set[int]] = {}
    for ref in refs:
        kind, _, num = ref.partition("-")
        wanted.setdefault(kind, set()).add(int(num))
    readers: dict[str, tuple[Select[Any], Any]] = {
        "T": (visible_tasks(scope), Task.id),
        "M": (visible_messages(scope), Message.id),
        "F": (visible_files(scope), StoredFile.id),
    }
    seen: set[str] = set()
    for kind, ids in wanted.items():
        if kind not in readers:
            continue
        query, id_column = readers[kind]
        rows = exec_rows(session, query.with_only_columns(id_column).where(col(id_column).in_(ids)))
        seen |= {f"{kind}-{row[0]}" for row in rows}
    return seen


def redact(
    content: str, refs: list[str], links: dict[str, str], visible: set[str]
) -> tuple[str, list[str], dict[str, str]]:
    """The answer without the lines that cite what the reader may not see."""
    hidden = cited_refs(content, refs) - visible
    if not hidden:
        return content, refs, links
    lines: list[str] = []
    for line in content.split("\n"):
        if any(f"[{ref}]" in line for ref in hidden):
            if not lines or lines[-1] != HIDDEN:
                lines.append(HIDDEN)
        else:
            lines.append(line)
    kept = [ref for ref in refs if ref not in hidden]
    return "\n".join(lines), kept, {ref: link for ref, link in links.items() if ref not in hidden}
