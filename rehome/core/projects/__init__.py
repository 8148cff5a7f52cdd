"""Projects and who is in them (F-04): the public API of the domain."""

from rehome.core.projects.service import (
    ProjectCard,
    ProjectCreate,
    ProjectDetail,
    ProjectFrame,
    ProjectPatch,
    archive_project,
    create_project,
    list_projects,
    project_cards,
    project_detail,
    project_frame,
    restore_project,
    task_counts,
    update_project,
)

__all__ = [
    "ProjectCard",
    "ProjectCreate",
    "ProjectDetail",
    "ProjectFrame",
    "ProjectPatch",
    "archive_project",
    "create_project",
    "list_projects",
    "project_cards",
    "project_detail",
    "project_frame",
    "restore_project",
    "task_counts",
    "update_project",
]
