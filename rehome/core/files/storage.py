"""Where file bytes live (F-08): a local directory in the embedded default, a
private S3 bucket (or any S3-compatible store) when `S3_BUCKET` is set.

Both take whole files from disk and hand them out as streams, so no upload or
download is ever held in memory: the local store copies in chunks, S3 uploads
in parts (boto3's managed transfer). Readers never get a path or a bucket
URL, only a short-lived signed link: an S3 presigned URL, or an HMAC-signed
local one served by `rehome.api.file_routes`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from rehome.core.files.names import content_disposition, is_safe_key
from rehome.core.files.signing import Grant, expiry, sign
from rehome.settings import get_settings

CHUNK = 1024 * 1024
PART = 8 * 1024 * 1024  # S3 part size; two in flight keep an upload's memory near 16 MB


class Storage(Protocol):
    def put(self, key: str, path: Path, content_type: str) -> None: ...

    def open(self, key: str) -> AbstractContextManager[BinaryIO]: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, keys: list[str]) -> None: ...

    def url(self, key: str, *, name: str, content_type: str, inline: bool, ttl: int) -> str: ...

    def listing(self, prefix: str = "") -> Iterator[tuple[str, int]]: ...


class LocalStorage:
    """Files under `DATA_DIR/files/<key>`; links go through the signed `/api/blobs/` route."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        if not is_safe_key(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def put(self, key: str, path: Path, content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        with self.path(key).open("rb") as stream:
            yield stream

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self.path(key).unlink(missing_ok=True)

    def listing(self, prefix: str = "") -> Iterator[tuple[str, int]]:
        """Every stored key under `prefix` and its size (partial uploads left out)."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith(".part-"):
                yield key, path.stat().st_size

    def url(self, key: str, *, name: str, content_type: str, inline: bool, ttl: int) -> str:
        grant = Grant(key, content_type, content_disposition(name, inline), expiry(ttl))
        return f"/api/blobs/{sign(grant)}"


class S3Storage:
    """A private bucket: objects are never public, links are presigned (SigV4)."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    def put(self, key: str, path: Path, content_type: str) -> None:
        from boto3.s3.transfer import TransferConfig

        config = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART, max_concurrency=2)
        self.client.upload_file(
            str(path), self.bucket, _checked(key), ExtraArgs={"ContentType": content_type}, Config=config
        )

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        """The object's bytes as a stream; a missing one is `FileNotFoundError`, as on disk."""
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=_checked(key))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(key) from error
            raise
        try:
            yield body
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=_checked(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": _checked(k)} for k in keys[start : start + 1000]]
            if batch:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    def listing(self, prefix: str = "") -> Iterator[tuple[str, int]]:
        """Every object under `prefix` and its size, a page of 1000 at a time."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield str(item["Key"]), int(item["Size"])

    def url(self, key: str, *, name: str, content_type: str, inline: bool, ttl: int) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": _checked(key),
            "ResponseContentType": content_type,
            "ResponseContentDisposition": content_disposition(name, inline),
        }
        return str(self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=ttl))


def _checked(key: str) -> str:
    if not is_safe_key(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


@lru_cache(maxsize=4)
def _storage_for(bucket: str, endpoint: str, region: str, key_id: str, secret: str, root: str) -> Storage:
    if not bucket:
        return LocalStorage(Path(root))
    import boto3
    from botocore.config import Config

    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if endpoint else "auto"},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
    )
    client = boto3.client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region,
        aws_access_key_id=key_id or None,
        aws_secret_access_key=secret or None,
        config=config,
    )
    return S3Storage(bucket, client)


def get_storage() -> Storage:
    """The configured store (one client per configuration, shared by threads)."""
    s = get_settings()
    return _storage_for(
        s.s3_bucket,
        s.s3_endpoint_url,
        s.aws_region,
        s.aws_access_key_id,
        s.aws_secret_access_key,
        str(s.data_dir / "files"),
    )


def purge(keys: list[str]) -> None:
    """Job: remove a deleted file's objects (original and previews)."""
    get_storage().delete([k for k in keys if k])
