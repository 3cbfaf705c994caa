"""Each channel's exact message, against a local robot webhook and a local SMTP server;
no full phone or ID number in any of them."""
import base64
import hashlib
import hmac
import json
import socket
from email.header import decode_header
from email.header import make_header

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from app.extensions import db
from app.models import Delivery
from app.models import NotifySettings
from tests.integration.notify.conftest import NOW
from tests.integration.notify.conftest import add_channel
from tests.integration.notify.conftest import add_notice
from tests.integration.notify.conftest import notices
from tests.integration.notify.conftest import run_worker

TITLE = "业主13812345678报漏水，身份证110101199003070011"
TEXT = "3号楼漏水，业主138****5678报，身份证110101********0011 — 截止 2026-12-04 18:00。"
NUMBERS = ("13812345678", "110101199003070011")


def expected_markdown(notice_id):
    return (f"**跟进分派给您**\n\nrepair1：{TEXT}\n\n"
            f"[打开记录](https://estate.example.com/followups/{notice_id})")


def scrubbed_notice(world):
    """A notice whose follow-up title carried numbers, as the rules leave it (masked)."""
    from sync.notify_rules import scrub

    return add_notice(world.site1, world.users["repair1"], title=scrub("3号楼漏水，业主13812345678报，身份证110101199003070011"))


def no_numbers(raw: bytes | str):
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    assert not any(number in text for number in NUMBERS), text


def test_wecom_gets_a_markdown_message(app, world, ctx, receiver):
    channel = add_channel(world.site1, "wecom", f"{receiver.url}/cgi-bin/webhook/send?key=abc")
    ident = scrubbed_notice(world)
    assert run_worker() == {"done": 1}
    (got,) = receiver.received
    subject = notices()[0].subject_id
    assert got.path == "/cgi-bin/webhook/send" and got.query == {"key": "abc"}
    assert got.body == {"msgtype": "markdown", "markdown": {"content": expected_markdown(subject)}}
    from sync.notify_rules import delivery_key
    assert got.headers["Idempotency-Key"] == delivery_key(ident, channel)
    no_numbers(got.raw)
    assert db.session.query(Delivery).count() == 1


def test_dingtalk_signs_with_its_secret(app, world, ctx, receiver):
    """The query carries ``timestamp`` and the URL-encoded ``sign`` (a base64 '+' or '/' survives)."""
    secret = "SEC0123456789abcdef"
    add_channel(world.site1, "dingtalk", f"{receiver.url}/robot/send?access_token=tok", secret)
    scrubbed_notice(world)
    assert run_worker() == {"done": 1}
    (got,) = receiver.received
    timestamp = int(NOW.timestamp() * 1000)
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert got.query == {"access_token": "tok", "timestamp": str(timestamp),
                         "sign": base64.b64encode(digest).decode()}
    subject = notices()[0].subject_id
    assert got.body == {"msgtype": "markdown", "markdown": {"title": "跟进分派给您",
                                                            "text": expected_markdown(subject)}}
    no_numbers(got.raw)


def test_feishu_signs_in_the_body(app, world, ctx, receiver):
    secret = "feishu-secret"
    add_channel(world.site1, "feishu", f"{receiver.url}/open-apis/bot/v2/hook/xyz", secret)
    scrubbed_notice(world)
    assert run_worker() == {"done": 1}
    (got,) = receiver.received
    timestamp = int(NOW.timestamp())
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    subject = notices()[0].subject_id
    assert got.body == {"timestamp": str(timestamp), "sign": base64.b64encode(digest).decode(),
                        "msg_type": "interactive", "card": {
                            "header": {"title": {"tag": "plain_text", "content": "跟进分派给您"}},
                            "elements": [{"tag": "markdown", "content": expected_markdown(subject)}]}}
    no_numbers(got.raw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox(MessageHandler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def test_email_through_the_sites_mail_server(app, world, ctx):
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        channel = add_channel(world.site1, "email", host="127.0.0.1", port=port, sender="notice@estate.example.com")
        db.session.add(NotifySettings(user_id=world.users["repair1"], muted=[], email="repair1@estate.example.com"))
        db.session.commit()
        ident = scrubbed_notice(world)
        add_notice(world.site1, world.users["clean1"])  # no address given: nothing to mail, still done
        assert run_worker() == {"done": 2}
    finally:
        server.stop()
    (mail,) = inbox.messages
    from sync.notify_rules import delivery_key
    assert mail["To"] == "repair1@estate.example.com" and mail["From"] == "notice@estate.example.com"
    assert mail["Message-ID"] == f"<{delivery_key(ident, channel)}@estate-patrol>"
    assert str(make_header(decode_header(mail["Subject"]))) == "跟进分派给您"
    body = mail.get_payload(decode=True).decode("utf-8")
    assert TEXT in body and "repair1：" in body
    no_numbers(mail.as_string())
    no_numbers(body)
    assert json.dumps([d.channel_id for d in db.session.query(Delivery)]) == json.dumps([channel])
