"""Serving locally stored files through HMAC-signed links (the embedded
default's stand-in for S3 presigned URLs).

This route checks the signature and the expiry and nothing else: the access
layer was consulted when the link was made (`core.files.reads.file_link`).
What a link says to serve is served with its content type, as a download
unless it is one of our own previews, and sandboxed so nothing in it can run.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from rehome.core.files import signing
from rehome.core.files.storage import LocalStorage, get_storage
from rehome.core.infra.errors import NotFound

router = APIRouter(prefix="/api/blobs", tags=["files"], include_in_schema=False)


@router.get("/{token}")
def blob(token: str = Path(max_length=4096)) -> FileResponse:
    grant = signing.verify(token)
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        raise NotFound("This link is not valid.")
    try:
        path = storage.path(grant.key)
    except ValueError:
        raise NotFound("This link is not valid.") from None
    if not path.is_file():
        raise NotFound("This file is no longer available.")
    remaining = max(0, grant.expires - int(time.time()))
    return FileResponse(
        path,
        media_type=grant.content_type,
        headers={
            "Content-Disposition": grant.disposition,
            "Cache-Control": f"private, max-age={remaining}",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
            "Cross-Origin-Resource-Policy": "same-site",
        },
    )
