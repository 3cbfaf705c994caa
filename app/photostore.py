"""Where photo bytes are kept: a directory (the embedded default) or an S3-compatible bucket.

One object per photo, named by its id, written once. ``put_if_absent`` answers
``created`` when these bytes are stored now, ``same`` when the same bytes were there
already, and ``different`` when other bytes were: the first upload stands. No backend
shows a reader half a photo, and two uploads racing for one id cannot both create it.
Which photos exist, whose they are and whether they have arrived is the database's
business (``Photo`` rows); a store only keeps bytes, and never logs them.

``PHOTO_STORE`` selects the backend: ``disk`` (``PHOTO_DIR``) or ``s3`` (``S3_*``, see
``docs/photos-and-openapi.md``). Any service that speaks the S3 API will do: AWS S3,
MinIO, Aliyun OSS, Ceph.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import tempfile
import threading
import zlib
from abc import ABC
from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CREATED, SAME, DIFFERENT = "created", "same", "different"


@dataclass
class StoredPhoto:
    """An open photo: a binary file to stream (close it), its size and cache validators."""

    file: BinaryIO
    size: int
    etag: str
    last_modified: datetime | float | None = None


class PhotoStore(ABC):
    """Bytes by photo id; ids are lower-case UUIDs, checked before they get here."""

    @abstractmethod
    def put_if_absent(self, photo_id: str, body: bytes, content_type: str) -> str:
        """Keep ``body`` under ``photo_id`` unless something is there: CREATED, SAME or DIFFERENT."""

    @abstractmethod
    def open(self, photo_id: str) -> StoredPhoto | None:
        """The photo opened for reading, or ``None`` when nothing is kept under that id."""

    @abstractmethod
    def exists(self, photo_id: str) -> bool:
        """Whether bytes are kept under ``photo_id``."""


class DiskPhotoStore(PhotoStore):
    """One file per photo in a directory: the embedded default, and one server's disk."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def path(self, photo_id: str) -> Path:
        return self.directory / photo_id

    def put_if_absent(self, photo_id: str, body: bytes, content_type: str) -> str:
        """Write to a temporary file beside the target, fsync it, then hard-link it into place.

        A link fails if the name exists (a rename would silently replace it): of two
        uploads racing for one id exactly one creates the file, and the other compares
        against it.
        """
        target = self.path(photo_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, target)
            except FileExistsError:
                return SAME if hmac.compare_digest(target.read_bytes(), body) else DIFFERENT
        finally:
            os.unlink(tmp)
        _sync_directory(target.parent)
        return CREATED

    def open(self, photo_id: str) -> StoredPhoto | None:
        path = self.path(photo_id).resolve()
        try:
            fh = open(path, "rb")
        except (FileNotFoundError, IsADirectoryError):
            return None
        stat = os.fstat(fh.fileno())
        # The validator werkzeug's send_file gives a file: a browser's cached copy stays good.
        check = zlib.adler32(str(path).encode()) & 0xFFFFFFFF
        return StoredPhoto(fh, stat.st_size, f"{stat.st_mtime}-{stat.st_size}-{check}", stat.st_mtime)

    def exists(self, photo_id: str) -> bool:
        return self.path(photo_id).is_file()


def _sync_directory(path: Path) -> None:
    """Make the new name itself durable, not only the bytes behind it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class S3PhotoStore(PhotoStore):
    """One object per photo, ``<prefix><id>``, in a bucket of any S3-compatible service.

    A write is a conditional ``PutObject`` (``If-None-Match: *``): the service refuses it
    with 412 when the key exists, so of two uploads racing for one id exactly one creates
    the object. A ``HeadObject`` goes first so that a retry does not send the bytes again.
    Each object carries the SHA-256 of its bytes as metadata (``x-amz-meta-sha256``), and
    "same or different" compares that, or the bytes themselves for an object put there by
    other means (a copy of a ``PHOTO_DIR``). A PUT is atomic on every S3 service: a reader
    sees the whole object or none.
    """

    def __init__(self, bucket: str, prefix: str = "", *, client=None, conditional_put: bool = True,
                 **client_options):
        self.bucket = bucket
        self.prefix = normal_prefix(prefix)
        self.conditional_put = conditional_put
        self._client = client
        self._client_options = client_options
        self._lock = threading.Lock()

    @property
    def client(self):
        """The boto3 client, made on first use so that each forked worker makes its own."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = make_client(**self._client_options)
        return self._client

    def key(self, photo_id: str) -> str:
        return self.prefix + photo_id

    def put_if_absent(self, photo_id: str, body: bytes, content_type: str) -> str:
        key = self.key(photo_id)
        digest = hashlib.sha256(body).hexdigest()
        for _attempt in range(3):
            outcome = self._compare(key, body, digest)
            if outcome is not None:
                return outcome
            try:
                self._put(key, body, content_type, digest)
                return CREATED
            except self._errors().ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code in ("PreconditionFailed", "412"):
                    continue  # another upload created it since our look: compare with it
                if code == "ConditionalRequestConflict":
                    continue  # AWS: a conditional write to this key was in flight; look again
                raise
        outcome = self._compare(key, body, digest)
        if outcome is None:
            raise RuntimeError(f"photo {photo_id}: the bucket refused the write but holds no object")
        return outcome

    def open(self, photo_id: str) -> StoredPhoto | None:
        try:
            got = self.client.get_object(Bucket=self.bucket, Key=self.key(photo_id))
        except self._errors().ClientError as error:
            if _missing(error):
                return None
            raise
        return StoredPhoto(got["Body"], got["ContentLength"], got["ETag"].strip('"'),
                           got.get("LastModified"))

    def exists(self, photo_id: str) -> bool:
        return self._head(self.key(photo_id)) is not None

    def _put(self, key: str, body: bytes, content_type: str, digest: str) -> None:
        md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
        extra = {"IfNoneMatch": "*"} if self.conditional_put else {}
        # Content-MD5: the service checks the bytes it received against what was sent.
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                               ContentMD5=md5, Metadata={"sha256": digest}, **extra)

    def _head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except self._errors().ClientError as error:
            if _missing(error):
                return None
            raise

    def _compare(self, key: str, body: bytes, digest: str) -> str | None:
        """SAME or DIFFERENT against the object under ``key``; ``None`` when there is none."""
        head = self._head(key)
        if head is None:
            return None
        if head.get("ContentLength") != len(body):
            return DIFFERENT
        kept = (head.get("Metadata") or {}).get("sha256")
        if kept:
            return SAME if hmac.compare_digest(kept, digest) else DIFFERENT
        try:
            got = self.client.get_object(Bucket=self.bucket, Key=key)
        except self._errors().ClientError as error:
            if _missing(error):
                return None
            raise
        with got["Body"] as stream:
            return SAME if hmac.compare_digest(stream.read(), body) else DIFFERENT

    @staticmethod
    def _errors():
        import botocore.exceptions
        return botocore.exceptions


def _missing(error) -> bool:
    """Whether a botocore ``ClientError`` says the object is not there."""
    code = error.response.get("Error", {}).get("Code")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("NoSuchKey", "404", "NotFound") or status == 404


def normal_prefix(prefix: str | None) -> str:
    """``photos`` and ``/photos/`` both become ``photos/``; nothing stays nothing."""
    prefix = (prefix or "").strip().strip("/")
    return f"{prefix}/" if prefix else ""


def make_client(endpoint_url: str | None = None, region: str | None = None,
                access_key_id: str | None = None, secret_access_key: str | None = None,
                addressing_style: str | None = None, max_attempts: int = 3):
    """A boto3 S3 client for AWS or any S3-compatible endpoint.

    Without keys, boto3 finds credentials its usual way (``AWS_*`` variables, an
    instance role). Checksums are sent only where an operation needs one: the CRC
    trailers newer boto3 sends by default are refused by several S3-compatible services,
    and ``Content-MD5`` covers the bytes of a photo.
    """
    import boto3
    from botocore.config import Config

    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": addressing_style or "auto"},
        retries={"max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                          aws_access_key_id=access_key_id or None,
                          aws_secret_access_key=secret_access_key or None, config=config)


def from_config(config) -> PhotoStore:
    """The store the app's configuration asks for; a wrong setting fails at start, not on upload."""
    kind = (config.get("PHOTO_STORE") or "disk").strip().lower()
    if kind == "disk":
        return DiskPhotoStore(config["PHOTO_DIR"])
    if kind != "s3":
        raise RuntimeError(f"PHOTO_STORE must be 'disk' or 's3', not {kind!r}")
    if not config.get("S3_BUCKET"):
        raise RuntimeError("PHOTO_STORE=s3 needs S3_BUCKET")
    style = (config.get("S3_ADDRESSING_STYLE") or "auto").strip().lower()
    if style not in ("auto", "path", "virtual"):
        raise RuntimeError(f"S3_ADDRESSING_STYLE must be 'auto', 'path' or 'virtual', not {style!r}")
    return S3PhotoStore(
        config["S3_BUCKET"], config.get("S3_PREFIX") or "",
        conditional_put=_flag(config.get("S3_CONDITIONAL_PUT"), default=True),
        endpoint_url=config.get("S3_ENDPOINT_URL"), region=config.get("S3_REGION"),
        access_key_id=config.get("S3_ACCESS_KEY_ID"),
        secret_access_key=config.get("S3_SECRET_ACCESS_KEY"), addressing_style=style)


def _flag(value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "off")


def init_app(app) -> None:
    app.extensions["photo_store"] = from_config(app.config)


def photo_store() -> PhotoStore:
    """The current app's photo store."""
    return current_app.extensions["photo_store"]
