"""Office documents by their insides (F-36): the ZIP packages of Word, Excel,
PowerPoint and OpenDocument, and the older OLE2 compound files.

Only the package's directory is read, never an entry decompressed (a ZIP bomb
costs nothing here). Macro-enabled documents are refused: a macro is a
program, whatever the file is called.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

import olefile

from rehome.core.vocab import FileKind

OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", FileKind.DOCUMENT),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", FileKind.SPREADSHEET),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", FileKind.DOCUMENT),
}
ODF = {
    "application/vnd.oasis.opendocument.text": FileKind.DOCUMENT,
    "application/vnd.oasis.opendocument.spreadsheet": FileKind.SPREADSHEET,
    "application/vnd.oasis.opendocument.presentation": FileKind.DOCUMENT,
}
OLE = (  # the stream that makes a compound file a Word, Excel or PowerPoint file
    ("WordDocument", "application/msword", FileKind.DOCUMENT),
    ("Workbook", "application/vnd.ms-excel", FileKind.SPREADSHEET),
    ("Book", "application/vnd.ms-excel", FileKind.SPREADSHEET),
    ("PowerPoint Document", "application/vnd.ms-powerpoint", FileKind.DOCUMENT),
)
MACROS = "contains macros (a macro-enabled document); save it without macros (.docx, .xlsx, .pptx)"


class Refused(Exception):
    """What the file turned out to be, said for a person ("is a ZIP archive")."""


def from_zip(path: Path) -> tuple[str, FileKind]:
    """An OOXML or OpenDocument package, or `Refused` (a plain ZIP, a JAR, an APK...)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in ODF:
                    _no_macros(name.lower() for name in names)
                    return declared, ODF[declared]
            if "[Content_Types].xml" in names:
                _no_macros(name.lower() for name in names)
                for prefix, found in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return found
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        raise Refused("is a damaged or unreadable ZIP file") from None
    raise Refused("is a ZIP archive; upload the files inside it one by one")


def from_ole(path: Path) -> tuple[str, FileKind]:
    """A Word 97-2003, Excel or PowerPoint file, or `Refused` (an installer, an
    encrypted package, a file with VBA macros...)."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = ["/".join(entry) for entry in ole.listdir(streams=True, storages=True)]
    except (OSError, ValueError, TypeError, IndexError, olefile.olefile.OleFileError):
        raise Refused("is a damaged or unreadable Office file") from None
    _no_macros(name.lower() for name in streams)
    if "EncryptedPackage" in streams:
        raise Refused("is password-protected; save a copy without a password")
    for stream, content_type, kind in OLE:
        if stream in streams:
            return content_type, kind
    raise Refused("is a Windows installer or another compound file, not a document")


def _no_macros(names: Iterable[str]) -> None:
    for name in names:
        if "vbaproject" in name or name.startswith(("macros", "_vba_project")) or "/vba" in name:
            raise Refused(MACROS)
