"""Where photo bytes are kept: today a directory on this server (``PHOTO_DIR``).

One object per photo, named by its id, written once. ``put_if_absent`` answers
``created`` when these bytes are stored now, ``same`` when the same bytes were there
already, and ``different`` when other bytes were: the first upload stands. No backend
shows a reader half a photo, and two uploads racing for one id cannot both create it.
Which photos exist, whose they are and whether they have arrived is the database's
business (``Photo`` rows); a store only keeps bytes, and never logs them.
"""
from __future__ import annotations

import hmac
import os
import tempfile
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


def from_config(config) -> PhotoStore:
    """The store the app's configuration asks for."""
    return DiskPhotoStore(config["PHOTO_DIR"])


def init_app(app) -> None:
    app.extensions["photo_store"] = from_config(app.config)


def photo_store() -> PhotoStore:
    """The current app's photo store."""
    return current_app.extensions["photo_store"]
