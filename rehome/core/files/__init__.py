"""Files and site photos (F-08): the public API of the domain.

Uploads are taken in (`intake.received`: size, type by content, name,
location), then stored (`upload.store`: access, quota, object and row in one
unit of work); reads and signed links come from `reads`; changes from `manage`.
"""

from rehome.core.files.intake import Intake, received
from rehome.core.files.manage import (
    FilePatch,
    attach_to_message,
    attach_to_task,
    delete_file,
    detach_from_task,
    update_file,
)
from rehome.core.files.reads import (
    FileFilters,
    file_link,
    get_file,
    list_files,
    message_files,
    task_files,
)
from rehome.core.files.upload import UploadOptions, check_upload, store, upload
from rehome.core.files.usage import StorageUsage, storage_usage
from rehome.core.files.views import FileLink, FileOut

__all__ = [
    "FileFilters",
    "FileLink",
    "FileOut",
    "FilePatch",
    "Intake",
    "StorageUsage",
    "UploadOptions",
    "attach_to_message",
    "attach_to_task",
    "check_upload",
    "delete_file",
    "detach_from_task",
    "file_link",
    "get_file",
    "list_files",
    "message_files",
    "received",
    "storage_usage",
    "store",
    "task_files",
    "update_file",
    "upload",
]
