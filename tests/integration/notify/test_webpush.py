"""Web Push, where a phone granted it: the subscription kept by the API, the message
encrypted for it and decryptable with its keys, sent once, with no full number; a
subscription the push service forgot is ended."""
import base64
import json
import os

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from sqlalchemy import select

from app.extensions import db
from app.models import Delivery
from app.models import PushSubscription
from tests import factories
from tests.integration.notify.conftest import add_notice
from tests.integration.notify.conftest import notices
from tests.integration.notify.conftest import run_worker


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture()
def vapid(app):
    key = Vapid02()
    key.generate_keys()
    der = key.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    app.config.update(VAPID_PRIVATE_KEY=b64(der), VAPID_SUBJECT="mailto:ops@estate.example.com")
    yield key
    app.config.update(VAPID_PRIVATE_KEY=None, VAPID_SUBJECT=None)


class Browser:
    """A browser's push keys, as ``PushManager.subscribe`` makes them."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)
        self.json = {"endpoint": endpoint, "keys": {"p256dh": b64(public), "auth": b64(self.auth)}}

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def test_a_phone_subscribes_and_gets_each_notice_once_encrypted_for_it(app, client, world, vapid, receiver):
    phone = factories.Phone(client)
    assert phone.sign_in("repair1").status_code == 200
    public = phone.get("/api/v1/push/key").json["public_key"]
    assert base64.urlsafe_b64decode(public + "==")[0] == 4  # an uncompressed P-256 point
    browser = Browser("https://push.example.com/push/abc")
    bad = phone.put("/api/v1/push/subscription", json={"endpoint": "https://x", "keys": {"p256dh": "<>", "auth": ""}})
    plain = phone.put("/api/v1/push/subscription", json={**browser.json, "endpoint": "http://push.example.com/x"})
    assert (bad.status_code, plain.status_code) == (422, 422)
    assert phone.put("/api/v1/push/subscription", json=browser.json).status_code == 204
    assert phone.put("/api/v1/push/subscription", json=browser.json).status_code == 204  # again: replaces it
    with app.app_context():
        subs = list(db.session.scalars(select(PushSubscription).order_by(PushSubscription.created_at)))
        assert [s.ended_at is None for s in subs] == [False, True]
        assert (subs[1].user_id, subs[1].device_id) == (world.users["repair1"], phone.device_id)
        # The test's push service has no TLS: point the subscription at it.
        subs[1].endpoint = f"{receiver.url}/push/abc"
        db.session.commit()
        from sync.notify_rules import scrub
        ident = add_notice(world.site1, world.users["repair1"], title=scrub("业主13812345678报漏水"))
        assert run_worker() == {"done": 1}
        assert run_worker() == {}
        (got,) = receiver.received
        assert got.path == "/push/abc", got.headers
        assert got.headers["content-encoding"] == "aes128gcm" and got.headers["authorization"].startswith("vapid t=")
        from sync.notify_rules import delivery_key
        (delivery,) = db.session.scalars(select(Delivery))
        assert got.headers["topic"] == delivery_key(ident, delivery.subscription_id).replace("-", "")[:32]
        message = browser.read(got.raw)
        assert message == {"title": "跟进分派给您", "url": "/m/notifications",
                           "body": "repair1：业主138****5678报漏水 — 截止 2026-12-04 18:00。"}
        assert b"13812345678" not in got.raw

    assert phone.delete("/api/v1/session").status_code == 204  # signing out ends this phone's subscription
    with app.app_context():
        assert all(s.ended_at is not None for s in db.session.scalars(select(PushSubscription)))


def test_a_subscription_the_push_service_forgot_is_ended_not_retried(app, world, ctx, vapid):
    from tests.integration.notify.receiver import Receiver

    with Receiver() as service:
        browser = Browser(f"{service.url}/push/gone")
        sub = PushSubscription(user_id=world.users["repair1"], device_id="d1", endpoint=browser.json["endpoint"],
                               p256dh=browser.json["keys"]["p256dh"], auth=browser.json["keys"]["auth"])
        db.session.add(sub)
        db.session.commit()
        ident = sub.id
        service.status = 410
        add_notice(world.site1, world.users["repair1"])
        assert run_worker() == {"done": 1}
    assert db.session.get(PushSubscription, ident).ended_at is not None
    assert notices()[0].status == "done" and db.session.scalar(select(Delivery)) is None


def test_no_key_no_push(app, client, world):
    phone = factories.Phone(client)
    phone.sign_in("repair1")
    answer = phone.get("/api/v1/push/key")
    assert (answer.status_code, answer.json) == (200, {"public_key": None})
    sub = Browser("https://push.example.com/x").json
    assert phone.put("/api/v1/push/subscription", json=sub).status_code == 422
