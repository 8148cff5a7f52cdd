"""File names as people see them, and the keys the bytes are stored under.

A name is display only: it never reaches a path or a storage key (keys are
random), so it cannot point anywhere. Names that look like paths are still
refused with a clear message, because a client that sends `../x` or `C:\\x`
is confused or probing, and neither should end up in a project's list.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from urllib.parse import quote

from rehome.core.infra.errors import Invalid

MAX_NAME = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_DRIVE = re.compile(r"^[A-Za-z]:")
_KEY = re.compile(r"^w\d+/p\d+/[0-9a-f]{32}(-thumb|-preview)?$")
_BACKUP_KEY = re.compile(r"^backups/rehome-\d{8}T\d{6}Z\.rhbk$")


def display_name(raw: str, field: str = "file") -> str:
    """The name shown for a file: NFC, no control or bidi characters, at most
    255 characters (the extension kept); a path-like name is `Invalid`."""
    name = _CONTROL.sub("", unicodedata.normalize("NFC", raw or "")).strip()
    if not name:
        raise Invalid({field: "The file needs a name."})
    if "/" in name or "\\" in name or _DRIVE.match(name) or name in (".", ".."):
        raise Invalid({field: f"“{_short(name)}” looks like a path; use a plain file name without folders."})
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        keep = dot + ext if dot and 0 < len(ext) <= 10 else ""
        name = (stem if keep else name)[: MAX_NAME - len(keep)].rstrip() + keep
    return name


def new_key(workspace_id: int, project_id: int) -> str:
    """A fresh random key; the workspace and project prefix only help operators."""
    return f"w{int(workspace_id)}/p{int(project_id)}/{secrets.token_hex(16)}"


def variant_key(key: str, variant: str) -> str:
    return f"{key}-{variant}"


def is_safe_key(key: str) -> bool:
    """Keys are only ever made by `new_key`/`variant_key` (or are a backup's); anything else is refused."""
    return bool(_KEY.match(key) or _BACKUP_KEY.match(key))


def is_file_key(key: str) -> bool:
    """A project file's object (what a backup carries), as opposed to a backup itself."""
    return bool(_KEY.match(key))


def content_disposition(name: str, inline: bool) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name, quotes and breaks removed."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[\\"\r\n;]', "_", ascii_name).strip() or "download"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "…"
