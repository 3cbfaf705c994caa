"""The photo store under test: each photo test runs on the disk and on a real S3 API server."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.photostore import DiskPhotoStore
from app.photostore import PhotoStore
from app.photostore import S3PhotoStore
from tests.s3server import MotoServer

PREFIX = "photos/"


@pytest.fixture(scope="session")
def s3_server():
    """moto's standalone S3 server, started once for the run and stopped after it."""
    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_server):
    """One boto3 client for the run (making one takes a third of a second), as a worker has."""
    return s3_server.client()


@dataclass
class Bucket:
    name: str
    client: object
    server: MotoServer


@pytest.fixture()
def bucket(s3_server, s3_client) -> Bucket:
    """An empty bucket of the test's own, versioned so that every rewrite would show."""
    client = s3_client
    name = f"estate-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return Bucket(name, client, s3_server)


class DiskShelf:
    """``PHOTO_DIR`` as the tests look into it: every name in it, dot-files too."""

    kind = "disk"

    def __init__(self, directory: Path):
        self.directory = directory
        self.store: PhotoStore = DiskPhotoStore(directory)

    def read(self, photo_id: str) -> bytes | None:
        path = self.directory / photo_id
        return path.read_bytes() if path.is_file() else None

    def names(self) -> list[str]:
        return sorted(p.name for p in self.directory.iterdir()) if self.directory.exists() else []

    def remove(self, photo_id: str) -> None:
        (self.directory / photo_id).unlink()


class BucketShelf:
    """A bucket as the tests look into it; the store's keys are ``photos/<id>``."""

    kind = "s3"

    def __init__(self, bucket: Bucket):
        self.bucket = bucket
        self.store: PhotoStore = S3PhotoStore(bucket.name, "photos", client=bucket.client)

    def read(self, photo_id: str) -> bytes | None:
        client = self.bucket.client
        try:
            got = client.get_object(Bucket=self.bucket.name, Key=PREFIX + photo_id)
        except client.exceptions.NoSuchKey:
            return None
        with got["Body"] as body:
            return body.read()

    def names(self) -> list[str]:
        """Every key in the bucket, the prefix taken off (a key outside it keeps its name)."""
        listed = self.bucket.client.list_objects_v2(Bucket=self.bucket.name).get("Contents", [])
        return sorted(o["Key"].removeprefix(PREFIX) for o in listed)

    def versions(self, photo_id: str) -> int:
        """How many times the object was written (the bucket keeps every version)."""
        listed = self.bucket.client.list_object_versions(Bucket=self.bucket.name, Prefix=PREFIX + photo_id)
        return len([v for v in listed.get("Versions", []) if v["Key"] == PREFIX + photo_id])

    def remove(self, photo_id: str) -> None:
        self.bucket.client.delete_object(Bucket=self.bucket.name, Key=PREFIX + photo_id)


@pytest.fixture(params=["disk", "s3"])
def shelf(request, app, tmp_path, monkeypatch):
    """The app's photo store for one test, on each backend, and a way to look behind it."""
    if request.param == "disk":
        shelf = DiskShelf(tmp_path / "photos")
    else:
        shelf = BucketShelf(request.getfixturevalue("bucket"))
    monkeypatch.setitem(app.extensions, "photo_store", shelf.store)
    return shelf
