"""Photos in an S3 bucket (moto's server over HTTP): where the object goes, that a retry
rewrites nothing, that the first upload stands against a late or racing one, that an upload
cut off between the bucket and the database can be retried, and how settings select it."""
import hashlib

import pytest
from sqlalchemy.exc import OperationalError

import app.api.photos as photos_view
from app.extensions import db
from app.models import Finding
from app.models import Photo
from app.photostore import CREATED
from app.photostore import DIFFERENT
from app.photostore import SAME
from app.photostore import DiskPhotoStore
from app.photostore import S3PhotoStore
from app.photostore import from_config
from app.photostore import normal_prefix
from tests.integration.api.conftest import PREFIX
from tests.integration.api.conftest import BucketShelf
from tests.integration.api.test_photos import FieldPhone
from tests.integration.api.test_photos import fetch
from tests.integration.api.test_photos import jpeg
from tests.integration.sync.helpers import uid


@pytest.fixture()
def shelf(app, bucket, monkeypatch):
    """The app's photos in this test's bucket, under ``photos/``."""
    shelf = BucketShelf(bucket)
    monkeypatch.setitem(app.extensions, "photo_store", shelf.store)
    return shelf


@pytest.fixture()
def manager(client, world):
    return FieldPhone(client, "manager1")


class Calls:
    """The S3 operations a client sends, by name, with their parameters (a botocore hook)."""

    def __init__(self, client):
        self.client = client
        self.seen: list[tuple[str, dict]] = []

    def __enter__(self):
        self.client.meta.events.register("provide-client-params.s3.*", self._record)
        return self

    def __exit__(self, *exc):
        self.client.meta.events.unregister("provide-client-params.s3.*", self._record)

    def _record(self, params, model, **kw):
        self.seen.append((model.name, dict(params)))

    def named(self, operation: str) -> list[dict]:
        return [params for name, params in self.seen if name == operation]


def test_the_photo_is_one_object_under_its_key(app, manager, world, shelf, bucket):
    """Is the upload an object ``photos/<id>`` with its type and hash, read back through the app?"""
    photo_id, body = uid(), jpeg(b"in the bucket")
    finding_id, _ = manager.finding(world.site1, [photo_id])
    assert manager.upload(photo_id, body).status_code == 201

    head = bucket.client.head_object(Bucket=bucket.name, Key=PREFIX + photo_id)
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentLength"] == len(body)
    assert head["Metadata"] == {"sha256": hashlib.sha256(body).hexdigest()}
    assert shelf.read(photo_id) == body
    assert shelf.names() == [photo_id]

    status, data, response = fetch(manager, photo_id)
    assert (status, data, response.mimetype) == (200, body, "image/jpeg")
    assert response.headers["ETag"] == head["ETag"]
    with app.app_context():
        assert db.session.get(Photo, photo_id).path == photo_id


def test_the_same_bytes_again_rewrite_nothing(app, manager, world, shelf, bucket):
    """A retry after a lost answer: 200, the record unbumped, and no second write to the bucket."""
    photo_id, body = uid(), jpeg(b"twice")
    finding_id, _ = manager.finding(world.site1, [photo_id])
    with Calls(bucket.client) as calls:
        assert manager.upload(photo_id, body).status_code == 201
        with app.app_context():
            version = db.session.get(Finding, finding_id).version
        again = manager.upload(photo_id, body)
    assert again.status_code == 200
    assert len(calls.named("PutObject")) == 1
    assert calls.named("PutObject")[0]["IfNoneMatch"] == "*"
    assert shelf.versions(photo_id) == 1
    with app.app_context():
        assert db.session.get(Finding, finding_id).version == version


def test_other_bytes_are_a_conflict_and_the_object_is_untouched(app, manager, shelf):
    photo_id = uid()
    assert manager.upload(photo_id, jpeg(b"first")).status_code == 201
    response = manager.upload(photo_id, jpeg(b"second"))
    assert response.status_code == 409
    assert response.json["error"]["details"] == {"id": photo_id}
    assert shelf.read(photo_id) == jpeg(b"first")
    assert shelf.versions(photo_id) == 1
    assert fetch(manager, photo_id)[1] == jpeg(b"first")


def _database_fails_after_the_write(monkeypatch):
    """The object is written, then the database fails before the row is committed."""
    mark_arrived = photos_view._mark_arrived

    def mark_then_fail(*args, **kwargs):
        mark_arrived(*args, **kwargs)
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(photos_view, "_mark_arrived", mark_then_fail)


def test_a_retry_after_the_database_failed_marks_the_object_already_there(
        app, manager, world, shelf, monkeypatch):
    """Cut off between the bucket and the database: 500, nothing marked; the retry is a 201."""
    photo_id, body = uid(), jpeg(b"cut off")
    finding_id, _ = manager.finding(world.site1, [photo_id])
    with app.app_context():
        version = db.session.get(Finding, finding_id).version

    with monkeypatch.context() as patch:
        _database_fails_after_the_write(patch)
        response = manager.upload(photo_id, body)
    assert response.status_code == 500
    assert response.json["error"]["code"] == "server_error"
    assert shelf.read(photo_id) == body
    with app.app_context():
        assert db.session.get(Photo, photo_id).uploaded is False
        assert db.session.get(Finding, finding_id).version == version

    retry = manager.upload(photo_id, body)
    assert retry.status_code == 201  # this request is the one that marked it
    assert retry.json["uploaded"] is True and retry.json["size"] == len(body)
    assert shelf.versions(photo_id) == 1
    with app.app_context():
        assert db.session.get(Finding, finding_id).version == version + 1
    assert fetch(manager, photo_id)[1] == body


def test_other_bytes_after_the_database_failed_are_a_conflict(app, manager, world, shelf, monkeypatch):
    """The object written first stands even unmarked: the phone's retry is the same bytes."""
    photo_id = uid()
    manager.finding(world.site1, [photo_id])
    with monkeypatch.context() as patch:
        _database_fails_after_the_write(patch)
        assert manager.upload(photo_id, jpeg(b"first")).status_code == 500
    assert manager.upload(photo_id, jpeg(b"other")).status_code == 409
    with app.app_context():
        assert db.session.get(Photo, photo_id).uploaded is False
    assert manager.upload(photo_id, jpeg(b"first")).status_code == 201
    assert shelf.read(photo_id) == jpeg(b"first")


@pytest.mark.parametrize("winner, expected", [(b"racer", DIFFERENT), (b"mine", SAME)])
def test_a_write_that_loses_the_race_compares_with_the_winner(shelf, bucket, winner, expected):
    """Another server puts the object between this one's look and its write: the
    conditional write is refused (412), and the answer comes from the winner's bytes."""
    store, photo_id = shelf.store, uid()
    raced = []

    def racer(params, model, **kw):
        if model.name == "PutObject" and not raced:
            raced.append(True)
            bucket.client.put_object(Bucket=bucket.name, Key=PREFIX + photo_id, Body=jpeg(winner),
                                     Metadata={"sha256": hashlib.sha256(jpeg(winner)).hexdigest()})

    bucket.client.meta.events.register("provide-client-params.s3.PutObject", racer)
    try:
        assert store.put_if_absent(photo_id, jpeg(b"mine"), "image/jpeg") == expected
    finally:
        bucket.client.meta.events.unregister("provide-client-params.s3.PutObject", racer)
    assert raced
    assert shelf.read(photo_id) == jpeg(winner)
    assert shelf.versions(photo_id) == 1


def test_objects_copied_in_without_a_hash_are_compared_by_their_bytes(app, manager, shelf, bucket):
    """A ``PHOTO_DIR`` copied into the bucket by hand: same bytes mark it, other bytes are refused."""
    same, other = uid(), uid()
    for photo_id in (same, other):
        bucket.client.put_object(Bucket=bucket.name, Key=PREFIX + photo_id, Body=jpeg(b"copied"))
    assert manager.upload(same, jpeg(b"copied")).status_code == 201
    assert manager.upload(other, jpeg(b"copieD")).status_code == 409
    assert shelf.versions(same) == shelf.versions(other) == 1
    assert fetch(manager, same)[1] == jpeg(b"copied")


def test_a_bucket_that_fails_fails_the_upload_whole(app, manager, bucket, monkeypatch):
    """The bucket refuses (here: it does not exist): 500, no row; the phone's retry works later."""
    photo_id = uid()
    monkeypatch.setitem(app.extensions, "photo_store",
                        S3PhotoStore(bucket.name + "-missing", "photos", client=bucket.client))
    response = manager.upload(photo_id, jpeg())
    assert response.status_code == 500
    assert response.json["error"]["code"] == "server_error"
    with app.app_context():
        assert db.session.get(Photo, photo_id) is None

    monkeypatch.setitem(app.extensions, "photo_store", S3PhotoStore(bucket.name, "photos", client=bucket.client))
    assert manager.upload(photo_id, jpeg()).status_code == 201


def test_the_environment_selects_the_bucket(bucket, world, monkeypatch):
    """``PHOTO_STORE=s3`` and ``S3_*`` in the environment: an app whose uploads land in the bucket."""
    from app import create_app
    from tests.conftest import make_config

    for name, value in bucket.server.settings(bucket.name, S3_PREFIX="/estate/photos/").items():
        monkeypatch.setenv(name, value)
    config = make_config()
    del config["PHOTO_STORE"]  # the tests pin the disk; this app takes the environment's
    s3_app = create_app(config)
    try:
        store = s3_app.extensions["photo_store"]
        assert isinstance(store, S3PhotoStore)
        assert (store.bucket, store.prefix) == (bucket.name, "estate/photos/")
        assert store.client.meta.config.s3["addressing_style"] == "path"
        phone = FieldPhone(s3_app.test_client(), "manager1")
        photo_id = uid()
        assert phone.upload(photo_id, jpeg(b"env")).status_code == 201
        got = bucket.client.get_object(Bucket=bucket.name, Key=f"estate/photos/{photo_id}")
        assert got["Body"].read() == jpeg(b"env")
        assert fetch(phone, photo_id)[1] == jpeg(b"env")
    finally:
        with s3_app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_without_conditional_writes_a_look_comes_first(shelf, bucket):
    """``S3_CONDITIONAL_PUT=0`` for a service that refuses ``If-None-Match``: a plain PUT
    after a HEAD; a retry and other bytes are still told apart."""
    store = from_config({**bucket.server.settings(bucket.name), "S3_CONDITIONAL_PUT": "0"})
    assert store.conditional_put is False
    photo_id = uid()
    with Calls(store.client) as calls:
        assert store.put_if_absent(photo_id, jpeg(b"plain"), "image/jpeg") == CREATED
        assert store.put_if_absent(photo_id, jpeg(b"plain"), "image/jpeg") == SAME
        assert store.put_if_absent(photo_id, jpeg(b"other"), "image/jpeg") == DIFFERENT
    [put] = calls.named("PutObject")
    assert "IfNoneMatch" not in put
    assert [name for name, _ in calls.seen] == ["HeadObject", "PutObject", "HeadObject", "HeadObject"]


@pytest.mark.parametrize("settings, message", [
    ({"PHOTO_STORE": "s3"}, "PHOTO_STORE=s3 needs S3_BUCKET"),
    ({"PHOTO_STORE": "ftp"}, "PHOTO_STORE must be 'disk' or 's3', not 'ftp'"),
    ({"PHOTO_STORE": "s3", "S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "dns"},
     "S3_ADDRESSING_STYLE must be 'auto', 'path' or 'virtual', not 'dns'"),
])
def test_a_wrong_setting_stops_the_start(settings, message):
    with pytest.raises(RuntimeError, match=message):
        from_config({"PHOTO_DIR": "/nowhere", **settings})


def test_the_disk_is_the_default(tmp_path):
    store = from_config({"PHOTO_DIR": str(tmp_path), "PHOTO_STORE": None})
    assert isinstance(store, DiskPhotoStore) and store.directory == tmp_path


@pytest.mark.parametrize("raw, prefix", [
    ("", ""), (None, ""), ("photos", "photos/"), ("/photos/", "photos/"), ("a/b", "a/b/"), ("/", ""),
])
def test_the_prefix_is_a_folder(raw, prefix):
    assert normal_prefix(raw) == prefix
