"""The one place that decides who may see and change what (F-07, F-36).

Every read of tenant data starts from a function here: pages, the REST API,
realtime delivery, search, digests and the AI context all call it, so a rule
changes in one place. Rows the actor may not see are reported as `NotFound`,
never `Forbidden`, so ids do not leak whether something exists.

`roles` holds the rules, `queries` turns them into SQL, `items` checks one task,
message or file, and `digests` reads as a whole audience. Import from here.
"""

from rehome.core.access.digests import (
    SYSTEM_NAME,
    admin_project_summaries,
    audience_scope,
    summary_audience,
    summary_readers,
    system_reader,
    visible_summaries,
    workspace_admins,
    workspace_summaries_scope,
)
from rehome.core.access.items import (
    file_scope,
    message_scope,
    require_own_or_moderator,
    task_scope,
)
from rehome.core.access.queries import (
    internal_visible,
    project_member_ids,
    project_people_filter,
    project_roles,
    project_scope,
    readable_messages,
    visible_files,
    visible_messages,
    visible_project_filter,
    visible_projects,
    visible_rows,
    visible_tasks,
    workspace_user,
)
from rehome.core.access.roles import (
    Action,
    Actor,
    ProjectScope,
    require_admin,
    visibility_level,
)
from rehome.core.access.rules import message_attachments, message_rows, project_rows, task_rows

__all__ = [
    "SYSTEM_NAME",
    "Action",
    "Actor",
    "ProjectScope",
    "admin_project_summaries",
    "audience_scope",
    "file_scope",
    "internal_visible",
    "message_attachments",
    "message_rows",
    "message_scope",
    "project_member_ids",
    "project_people_filter",
    "project_roles",
    "project_rows",
    "project_scope",
    "readable_messages",
    "require_admin",
    "require_own_or_moderator",
    "summary_audience",
    "summary_readers",
    "system_reader",
    "task_rows",
    "task_scope",
    "visibility_level",
    "visible_files",
    "visible_messages",
    "visible_project_filter",
    "visible_projects",
    "visible_rows",
    "visible_summaries",
    "visible_tasks",
    "workspace_admins",
    "workspace_summaries_scope",
    "workspace_user",
]
