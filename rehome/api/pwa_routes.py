"""The service worker script, stamped with the id of the frontend build.

A browser installs a new service worker only when the bytes of /sw.js change,
and the worker names its cache after the build: so each deploy must serve a
different script, and the same script from every web process of one deploy
(behind a load balancer the processes build separately). The id is therefore
a hash of what the build contains (the prerendered index page, which names
the content-hashed bundles, and the files copied from assets/), not of a time.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PLACEHOLDER = "__REHOME_BUILD__"
_BIG = 2 * 1024 * 1024  # top-level files larger than this are not part of the shell


def _built_pages() -> Path:
    """Where Reflex put the built pages (REFLEX_WEB_WORKDIR or .web)."""
    from reflex.constants import Dirs
    from reflex.utils.prerequisites import get_web_dir

    return get_web_dir() / Dirs.STATIC


def _top_level_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.stat().st_size <= _BIG)


@lru_cache(maxsize=4)
def _build_id(static_dir: Path, built_at: float) -> str:
    digest = hashlib.sha256()
    for path in [*_top_level_files(static_dir), *_top_level_files(ASSETS)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_id() -> str:
    """The current build's id (read again when the build's index page is rewritten)."""
    static_dir = _built_pages()
    try:
        built_at = (static_dir / "index.html").stat().st_mtime
    except OSError:
        built_at = 0.0  # dev mode: no build, the assets alone decide
    return _build_id(static_dir, built_at)


def service_worker_script() -> str:
    return (ASSETS / "sw.js").read_text(encoding="utf-8").replace(PLACEHOLDER, build_id())


@router.get("/sw.js")
def service_worker() -> Response:
    """No HTTP caching: the browser must see a new deploy's worker at once."""
    return Response(
        service_worker_script(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache, max-age=0", "Service-Worker-Allowed": "/"},
    )
