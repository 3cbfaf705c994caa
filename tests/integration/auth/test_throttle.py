"""Sign-in throttling by username and by address, with the client's address taken from the
reverse proxy only when there is one (``PROXY_COUNT``).

Before, failures were counted per username and address as the app saw it: behind a proxy
every client had the proxy's address, so five wrong passwords locked the person out for
everyone, while tries from many addresses were never limited.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app import create_app
from app.auth.throttle import address_key
from app.extensions import db
from app.models import LoginAttempt
from tests.conftest import make_config
from tests.integration.auth.conftest import Browser

A, B, C = "203.0.113.10", "198.51.100.20", "192.0.2.30"


@pytest.fixture()
def proxied(app):
    """The app behind one reverse proxy that sets X-Forwarded-For."""
    behind = create_app(make_config(PROXY_COUNT=1))
    yield behind
    with behind.app_context():
        db.engine.dispose()


def from_address(app, address: str) -> Browser:
    """A browser whose requests reach the app through the proxy, from ``address``."""
    return Browser(app, HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="10.0.0.2")


def attempts(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            select(LoginAttempt.username, LoginAttempt.address).order_by(LoginAttempt.at))]


def age_attempts(app, seconds: int) -> None:
    """Move every recorded failure ``seconds`` into the past."""
    with app.app_context():
        for row in db.session.scalars(select(LoginAttempt)):
            row.at -= timedelta(seconds=seconds)
        db.session.commit()


def test_wrong_passwords_from_one_address_do_not_lock_out_another(proxied, world):
    """Behind the proxy: 5 wrong from A stop A, and the right password from B gets in."""
    attacker = from_address(proxied, A)
    for _ in range(5):
        assert attacker.login("manager1", "wrong password").status_code == 422
    refused = attacker.login("manager1")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert from_address(proxied, B).login("manager1").status_code == 302
    assert set(attempts(proxied)) == {("manager1", A)}


def test_many_addresses_cannot_try_one_username_without_end(proxied, world):
    """10 failures from anywhere stop tries at that username from everywhere else, too."""
    for n in range(10):
        address = f"203.0.113.{100 + n // 2}"  # two tries from each of five addresses
        assert from_address(proxied, address).login("manager1", "wrong password").status_code == 422
    refused = from_address(proxied, C).login("manager1")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) <= 15 * 60
    # Another person is not affected.
    assert from_address(proxied, C).login("supervisor1").status_code == 302


def test_the_username_lock_never_outlasts_the_window(proxied, world):
    """Refused tries do not count, so the lock ends 15 minutes after it began at the latest."""
    for n in range(10):
        from_address(proxied, f"203.0.113.{100 + n}").login("manager1", "wrong password")
    for n in range(5):
        assert from_address(proxied, f"198.51.100.{n}").login("manager1", "wrong again").status_code == 429
    assert len(attempts(proxied)) == 10
    age_attempts(proxied, 14 * 60)
    refused = from_address(proxied, C).login("manager1")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 61
    age_attempts(proxied, 61)
    assert from_address(proxied, C).login("manager1").status_code == 302


def test_a_browser_that_signed_in_before_is_not_locked_out_from_elsewhere(proxied, world):
    """The person's own browser is spared the username lock that others' tries set off."""
    own = from_address(proxied, B)
    assert own.login("manager1").status_code == 302
    own.post("/logout")
    for n in range(10):
        from_address(proxied, f"203.0.113.{100 + n // 2}").login("manager1", "wrong password")
    assert from_address(proxied, C).login("manager1").status_code == 429
    assert own.login("manager1").status_code == 302
    # The cookie is signed: a made-up one spares nobody.
    forged = from_address(proxied, C)
    forged.client.set_cookie("known_signin", own.cookie("known_signin")[:-4] + "AAAA")
    assert forged.login("manager1").status_code == 429


def test_the_known_browser_cookie_does_not_lift_the_address_limits(proxied, world):
    own = from_address(proxied, B)
    own.login("manager1")
    own.post("/logout")
    for _ in range(5):
        own.login("manager1", "wrong password")
    assert own.login("manager1").status_code == 429


def test_one_address_cannot_try_many_usernames_without_end(proxied, world):
    """30 failures from one address, whatever the usernames, stop that address only."""
    attacker = from_address(proxied, A)
    for n in range(30):
        assert attacker.login(f"someone{n}", "wrong password").status_code == 422
    assert attacker.login("manager1").status_code == 429
    assert from_address(proxied, B).login("manager1").status_code == 302


def test_phone_sign_in_shares_the_throttle(proxied, world):
    """POST /api/v1/session counts and obeys the same limits as the form."""
    client = proxied.test_client()
    body = {"username": "guard1", "password": "wrong password", "device_id": "dev-12345678"}
    for _ in range(5):
        assert client.post("/api/v1/session", json=body,
                           headers={"X-Forwarded-For": A}).status_code == 401
    right = dict(body, password="demo1234")
    refused = client.post("/api/v1/session", json=right, headers={"X-Forwarded-For": A})
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in refused.headers
    assert from_address(proxied, A).login("guard1").status_code == 429
    assert client.post("/api/v1/session", json=right, headers={"X-Forwarded-For": B}).status_code == 200


def test_without_a_proxy_x_forwarded_for_is_ignored(app, world):
    """With PROXY_COUNT=0 anyone can send the header, so it must not pick the address."""
    for n in range(5):
        liar = Browser(app, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", REMOTE_ADDR=A)
        assert liar.login("manager1", "wrong password").status_code == 422
    liar = Browser(app, HTTP_X_FORWARDED_FOR=C, REMOTE_ADDR=A)
    assert liar.login("manager1").status_code == 429
    assert set(attempts(app)) == {("manager1", A)}
    assert Browser(app, REMOTE_ADDR=B).login("manager1").status_code == 302


@pytest.mark.parametrize("proxies, seen", [(0, ("http", "10.0.0.2")), (1, ("https", A))])
def test_the_proxy_headers_are_believed_only_behind_a_proxy(app, proxies, seen):
    """X-Forwarded-For and -Proto decide the address and scheme only with PROXY_COUNT set."""
    from flask import request

    probe = create_app(make_config(PROXY_COUNT=proxies))
    probe.add_url_rule("/__seen", "seen", lambda: {"seen": [request.scheme, request.remote_addr]})
    try:
        response = probe.test_client().get("/__seen", environ_base={"REMOTE_ADDR": "10.0.0.2"},
                                           headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": A})
        assert tuple(response.json["seen"]) == seen
    finally:
        with probe.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("address, key", [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("not an address", "not an address"),
    ("", ""),
])
def test_ipv6_addresses_count_by_network(address, key):
    """One machine can hold a whole IPv6 /64; it counts as one address."""
    assert address_key(address) == key


def test_failures_are_stored_by_network(app, world):
    for suffix in ("1", "2", "3", "4", "5"):
        Browser(app, REMOTE_ADDR=f"2001:db8:1:2::{suffix}").login("manager1", "wrong password")
    assert Browser(app, REMOTE_ADDR="2001:db8:1:2::99").login("manager1").status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count(func.distinct(LoginAttempt.address)))) == 1
