"""``PUT``/``GET /api/v1/photos/<uuid>``: uploads before or after the record, idempotent,
checked by their bytes, limited in size, kept to their site, and seen by the phone's pull.

Every test runs on both photo stores: the disk, and an S3 bucket on moto's server."""
import logging
import threading

import pytest

from app.extensions import db
from app.models import ChangeLog
from app.models import Finding
from app.models import Photo
from app.photostore import CREATED
from app.photostore import DIFFERENT
from app.photostore import SAME
from tests.browser.images import png
from tests.factories import Phone
from tests.factories import desk_client
from tests.integration.sync.helpers import Outbox
from tests.integration.sync.helpers import uid

MIB = 1024 * 1024

pytestmark = pytest.mark.usefixtures("shelf")


def jpeg(marker: bytes = b"", size: int = 600) -> bytes:
    """Bytes that start like a JPEG (the server checks the signature, not the pixels)."""
    body = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + marker
    return body + b"\x00" * max(0, size - len(body) - 2) + b"\xff\xd9"


class FieldPhone(Phone):
    """A signed-in phone that pushes its outbox and uploads photos."""

    def __init__(self, client, username):
        super().__init__(client)
        assert self.sign_in(username).status_code == 200
        self.outbox = Outbox(self.user["id"], self.device_id)
        self.cursor = None

    def push(self, mutations=()):
        response = self.post("/api/v1/sync", json=self.outbox.request(mutations, cursor=self.cursor))
        assert response.status_code == 200, response.json
        self.cursor = response.json["cursor"]
        return response.json

    def upload(self, photo_id, body, content_type="image/jpeg"):
        return self.put(f"/api/v1/photos/{photo_id}", data=body, content_type=content_type)

    def finding(self, site_id, photo_ids):
        """A patrol with one finding naming ``photo_ids``; returns the finding's id."""
        patrol = self.outbox.mutation("patrol.start", {"site_id": site_id})
        found = self.outbox.mutation("patrol.finding", {
            "patrol_id": patrol["entity_id"], "category": "repair", "severity": "low",
            "description": "路灯不亮", "handled_on_spot": True, "photo_ids": photo_ids})
        body = self.push([patrol, found])
        assert [r["status"] for r in body["results"]] == ["applied", "applied"], body["results"]
        return found["entity_id"], body


@pytest.fixture()
def manager(client, world):
    return FieldPhone(client, "manager1")


def fetch(client_or_phone, photo_id):
    """GET a photo and close the response (it streams from the store): (status, bytes, response)."""
    response = client_or_phone.get(f"/api/v1/photos/{photo_id}")
    try:
        return response.status_code, response.get_data(), response
    finally:
        response.close()


def finding_changes(body, finding_id):
    return [c for c in body["changes"] if c["type"] == "finding" and c["id"] == finding_id]


def test_record_first_then_photos_the_pull_counts_what_is_missing(app, manager, world, shelf):
    """Does the phone see "2 missing", then "1 missing", then "complete" as photos arrive?"""
    first, second = uid(), uid()
    finding_id, body = manager.finding(world.site1, [first, second])
    [change] = finding_changes(body, finding_id)
    assert change["data"]["photos"] == {"named": 2, "missing": 2, "complete": False}
    version = change["version"]

    response = manager.upload(first, jpeg(b"one"))
    assert response.status_code == 201, response.json
    assert response.json["uploaded"] is True
    assert response.json["record_type"] == "finding" and response.json["record_id"] == finding_id
    assert response.json["content_type"] == "image/jpeg"
    [change] = finding_changes(manager.push(), finding_id)
    assert change["data"]["photos"] == {"named": 2, "missing": 1, "complete": False}
    assert change["version"] == version + 1

    assert manager.upload(second, png(4, 3)).status_code == 201
    [change] = finding_changes(manager.push(), finding_id)
    assert change["data"]["photos"] == {"named": 2, "missing": 0, "complete": True}
    assert shelf.read(second) == png(4, 3)
    with app.app_context():
        photo = db.session.get(Photo, second)
        assert (photo.uploaded, photo.content_type, photo.size) == (True, "image/png", len(png(4, 3)))


def test_photo_first_then_record(app, manager, world):
    """May a photo arrive before the record that names it, and is the record complete at once?"""
    photo_id = uid()
    response = manager.upload(photo_id, jpeg())
    assert response.status_code == 201
    assert response.json["record_id"] is None
    assert fetch(manager, photo_id)[0] == 200  # the uploader's own

    finding_id, body = manager.finding(world.site1, [photo_id])
    [change] = finding_changes(body, finding_id)
    assert change["data"]["photos"] == {"named": 1, "missing": 0, "complete": True}
    with app.app_context():
        photo = db.session.get(Photo, photo_id)
        assert (photo.site_id, photo.record_type, photo.record_id) == (world.site1, "finding", finding_id)


def test_same_bytes_again_change_nothing(app, manager, world, shelf):
    """Is a repeated upload (a retry after a lost answer) a 200 with no second change?"""
    photo_id = uid()
    finding_id, _ = manager.finding(world.site1, [photo_id])
    assert manager.upload(photo_id, jpeg(b"x")).status_code == 201
    with app.app_context():
        version = db.session.get(Finding, finding_id).version
        log_rows = db.session.query(ChangeLog).count()
    again = manager.upload(photo_id, jpeg(b"x"))
    assert again.status_code == 200
    assert again.json["uploaded"] is True
    with app.app_context():
        assert db.session.get(Finding, finding_id).version == version
        assert db.session.query(ChangeLog).count() == log_rows
    assert shelf.names() == [photo_id]  # one photo, no stray temporary file


def test_other_bytes_for_the_same_id_are_a_conflict_and_the_first_stands(app, manager, world, shelf):
    photo_id = uid()
    assert manager.upload(photo_id, jpeg(b"first")).status_code == 201
    response = manager.upload(photo_id, jpeg(b"second"))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert response.json["error"]["message"] == "该编号下已上传过另一张照片，系统保留最先上传的那张。"
    assert response.json["error"]["details"] == {"id": photo_id}
    assert shelf.read(photo_id) == jpeg(b"first")
    assert fetch(manager, photo_id)[1] == jpeg(b"first")


@pytest.mark.parametrize("body, content_type", [
    (b"GIF89a" + b"\x00" * 100, "image/jpeg"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"),
    (b"\xff\xd8", "image/jpeg"),  # too short to be a JPEG
    (b"%PDF-1.7", "application/octet-stream"),
])
def test_only_jpeg_or_png_by_their_bytes(app, manager, shelf, body, content_type):
    """Is the header ignored and the signature trusted, with nothing kept of a refused file?"""
    photo_id = uid()
    response = manager.upload(photo_id, body, content_type)
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media"
    assert response.json["error"]["message"] == "只能上传 JPEG 或 PNG 格式的照片。"
    assert shelf.names() == []
    with app.app_context():
        assert db.session.get(Photo, photo_id) is None


def test_five_mib_is_the_limit(app, manager, shelf):
    exactly = uid()
    assert manager.upload(exactly, jpeg(size=5 * MIB)).status_code == 201
    assert len(shelf.read(exactly)) == 5 * MIB
    over = uid()
    response = manager.upload(over, jpeg(size=5 * MIB + 1))
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert response.json["error"]["details"] == {"max_bytes": 5 * MIB}
    assert shelf.read(over) is None
    with app.app_context():
        assert db.session.get(Photo, over) is None


def test_empty_body_is_a_bad_request(manager):
    response = manager.upload(uid(), b"")
    assert response.status_code == 400
    assert response.json["error"]["message"] == "没有收到照片。"


@pytest.mark.parametrize("photo_id", ["not-a-uuid", "12345678-1234-1234-1234-12345678901", "..%2f..%2fetc",
                                      "12345678-1234-4234-8234-123456789012%0A"])
def test_a_malformed_id_is_not_found(manager, shelf, photo_id):
    before = shelf.names()
    response = manager.upload(photo_id, jpeg())
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert fetch(manager, photo_id)[0] == 404
    assert shelf.names() == before


def test_upper_case_id_is_the_same_photo(manager, shelf):
    photo_id = uid()
    assert manager.upload(photo_id.upper(), jpeg()).status_code == 201
    assert shelf.names() == [photo_id]
    assert shelf.store.exists(photo_id) and not shelf.store.exists(photo_id.upper())
    assert manager.upload(photo_id, jpeg()).status_code == 200


def test_upload_needs_a_device_token(client, auth, world):
    """A phone's token only: no token is 401, and so is the desktop's cookie session."""
    response = client.put(f"/api/v1/photos/{uid()}", data=jpeg(), content_type="image/jpeg")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    auth.login("manager1")
    response = client.put(f"/api/v1/photos/{uid()}", data=jpeg(), content_type="image/jpeg",
                          headers={"X-CSRFToken": auth.csrf()})
    assert response.status_code == 401
    response = client.put(f"/api/v1/photos/{uid()}", data=jpeg(), content_type="image/jpeg",
                          headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_another_sites_photo_can_be_neither_read_nor_written(app, client, manager, world, shelf):
    photo_id = uid()
    manager.finding(world.site1, [photo_id])
    assert manager.upload(photo_id, jpeg(b"site1")).status_code == 201

    stranger = Phone(app.test_client())
    stranger.sign_in("guard2")
    assert fetch(stranger, photo_id)[0] == 404
    response = stranger.put(f"/api/v1/photos/{photo_id}", data=jpeg(b"other"), content_type="image/jpeg")
    assert response.status_code == 404
    assert shelf.read(photo_id) == jpeg(b"site1")

    unnamed = uid()
    assert manager.upload(unnamed, jpeg(b"mine")).status_code == 201
    assert fetch(stranger, unnamed)[0] == 404  # not named by a record yet

    supervisor = Phone(app.test_client())
    supervisor.sign_in("supervisor1")
    assert fetch(supervisor, photo_id)[1] == jpeg(b"site1")


def test_the_desktop_reads_photos_of_its_sites(app, auth, client, manager, world):
    photo_id, missing = uid(), uid()
    manager.finding(world.site1, [photo_id, missing])
    manager.upload(photo_id, png(2, 2))
    desktop = app.test_client()
    from tests.conftest import Auth
    Auth(desktop).login("cs1")
    status, data, response = fetch(desktop, photo_id)
    assert status == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert data == png(2, 2)
    assert fetch(desktop, missing)[0] == 404  # named, not arrived
    Auth(desktop).logout()
    Auth(desktop).login("cs2")
    assert fetch(desktop, photo_id)[0] == 404


def test_a_photo_whose_bytes_are_gone_is_not_found_and_logged(app, manager, shelf, caplog):
    """Marked uploaded, but the file or object went missing: a 404 like any absent photo."""
    photo_id = uid()
    assert manager.upload(photo_id, jpeg(b"gone")).status_code == 201
    shelf.remove(photo_id)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        status, _, response = fetch(manager, photo_id)
    assert status == 404
    assert response.json["error"]["code"] == "not_found"
    assert [r.getMessage() for r in caplog.records if r.name == app.logger.name] == [
        f"photo {photo_id} is marked uploaded but its file is missing"]


def test_a_browser_that_has_the_photo_gets_304_and_a_range_gets_206(app, manager, world):
    """The desk's thumbnails revalidate cheaply; the answer carries length and validators."""
    photo_id, body = uid(), jpeg(b"cached", size=4000)
    manager.finding(world.site1, [photo_id])
    assert manager.upload(photo_id, body).status_code == 201
    desk = desk_client(app, "manager1")
    status, data, response = fetch(desk, photo_id)
    assert (status, data) == (200, body)
    assert response.content_length == len(body)
    assert response.headers["Cache-Control"] == "private, max-age=86400"
    assert response.headers["Accept-Ranges"] == "bytes"
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]

    for validator in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        again = desk.get(f"/api/v1/photos/{photo_id}", headers=validator)
        assert (again.status_code, again.get_data()) == (304, b""), validator
        again.close()
    part = desk.get(f"/api/v1/photos/{photo_id}", headers={"Range": "bytes=10-19"})
    assert (part.status_code, part.get_data()) == (206, body[10:20])
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(body)}"
    part.close()
    beyond = desk.get(f"/api/v1/photos/{photo_id}", headers={"Range": f"bytes={len(body)}-"})
    assert beyond.status_code == 416
    beyond.close()


def test_no_photo_bytes_in_the_log(app, manager, world, caplog):
    marker = b"SECRET-PIXELS-1234"
    photo_id = uid()
    with caplog.at_level(logging.DEBUG):
        manager.upload(photo_id, jpeg(marker))
        manager.upload(photo_id, jpeg(marker + b"!"))
        manager.upload(uid(), b"GIF89a" + marker)
    logged = " ".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "SECRET-PIXELS" not in logged


@pytest.mark.parametrize("shelf", ["disk"], indirect=True)
def test_two_uploads_racing_for_one_id_leave_one_whole_file(shelf):
    """Of two writers racing for one name, one creates the file and the other is told apart.

    On the disk only: moto checks ``If-None-Match`` and writes without a lock between, so
    a race against it would test moto. The S3 store's answer to a lost race is tested in
    ``test_photos_s3.py`` by putting the other object between its look and its write.
    """
    store, photo_id = shelf.store, uid()
    bodies = [jpeg(b"a" * 1000, size=2 * MIB), jpeg(b"b" * 1000, size=2 * MIB)]
    outcomes = {}
    barrier = threading.Barrier(2)

    def write(index):
        barrier.wait()
        outcomes[index] = store.put_if_absent(photo_id, bodies[index], "image/jpeg")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == sorted([CREATED, DIFFERENT])
    winner = next(i for i, outcome in outcomes.items() if outcome == CREATED)
    assert shelf.read(photo_id) == bodies[winner]
    assert store.put_if_absent(photo_id, bodies[winner], "image/jpeg") == SAME
    assert shelf.names() == [photo_id]
