"""Desktop sessions end on the server: a copy of the cookie is worth nothing afterwards.

Before session versions, a session cookie copied before any of these steps still opened
every page for up to 31 days.
"""
import pytest
from app.auth.sessions import SEEN_AT
from app.auth.sessions import SIGNED_IN_AT
from app.extensions import db
from app.models import User
from tests.factories import Phone

NEW = "correct horse battery"


def assert_ended(client):
    """The copied cookie opens no page and no API: sign in again."""
    page = client.get("/review")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    login = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "您的登录已失效，请重新登录。" in login
    assert client.get("/api/v1/session").status_code == 401


def test_a_copied_cookie_works_while_the_session_lasts(browser, replay, world):
    """Guards the tests below: the copy is a real working session until it is ended."""
    desk = browser()
    assert desk.login("manager1").status_code == 302
    copy = replay(desk.cookie())
    assert copy.get("/review").status_code == 200
    assert copy.get("/api/v1/session").json["user"]["username"] == "manager1"


def test_sign_out_ends_the_copy_and_every_other_session(browser, replay, world):
    """Is a cookie replayed after sign-out refused, and are the person's other browsers
    signed out with it?"""
    desk, other = browser(), browser()
    assert desk.login("manager1").status_code == 302
    assert other.login("manager1").status_code == 302
    copy = replay(desk.cookie())
    assert desk.post("/logout").status_code == 302
    assert_ended(copy)
    assert other.status() == 302
    # Someone else's session is not touched.
    supervisor = browser()
    supervisor.login("supervisor1")
    assert supervisor.status() == 200


def test_own_password_change_ends_the_copy_but_not_this_browser(app, browser, replay, world):
    desk = browser()
    desk.login("manager1")
    copy = replay(desk.cookie())
    phone = Phone(app.test_client())
    assert phone.sign_in("manager1").status_code == 200
    response = desk.post("/account/password", {"current": "demo1234", "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert desk.status() == 200  # the browser that changed it goes on
    assert_ended(copy)
    assert phone.get("/api/v1/session").status_code == 401  # the phone signs in again
    assert phone.sign_in("manager1", NEW).status_code == 200


def test_admin_reset_ends_the_copy_and_the_phones(app, browser, replay, person, world):
    desk, admin = browser(), browser()
    desk.login("manager1")
    admin.login("admin1")
    copy = replay(desk.cookie())
    phone = Phone(app.test_client())
    phone.sign_in("manager1")
    uid = world.users["manager1"]
    assert admin.post(f"/admin/users/{uid}/password", {"password": NEW, "confirm": NEW}).status_code == 302
    assert_ended(copy)
    assert desk.status() == 302
    assert phone.get("/api/v1/session").status_code == 401
    assert person("manager1").must_change_password


def test_deactivation_then_reactivation_does_not_revive_the_copy(browser, replay, world):
    desk, admin = browser(), browser()
    desk.login("manager1")
    admin.login("admin1")
    copy = replay(desk.cookie())
    uid = world.users["manager1"]
    assert admin.post(f"/admin/users/{uid}/deactivate").status_code == 302
    assert admin.post(f"/admin/users/{uid}/reactivate").status_code == 302
    assert_ended(copy)
    assert browser().login("manager1").status_code == 302  # signing in anew works


def test_role_change_ends_the_copy(browser, replay, world):
    desk, admin = browser(), browser()
    desk.login("manager1")
    admin.login("admin1")
    copy = replay(desk.cookie())
    uid = world.users["manager1"]
    form = {"username": "manager1", "display_name": "经理", "role": "supervisor", "post": "",
            "sites": [world.site1]}
    assert admin.post(f"/admin/users/{uid}/edit", form).status_code == 302
    assert_ended(copy)


def test_other_edits_leave_sessions_alone(browser, world):
    """A new name or site is no reason to sign someone out."""
    desk, admin = browser(), browser()
    desk.login("manager1")
    admin.login("admin1")
    uid = world.users["manager1"]
    form = {"username": "manager1", "display_name": "新名字", "role": "manager", "post": "",
            "sites": [world.site1, world.site2]}
    assert admin.post(f"/admin/users/{uid}/edit", form).status_code == 302
    assert desk.status() == 200


def test_a_cookie_from_before_session_versions_is_refused(app, browser, world):
    """Cookies that name the user without a version (made before this release) end."""
    desk = browser()
    desk.login("manager1")
    with desk.client.session_transaction() as session:
        session["_user_id"] = world.users["manager1"]
    assert desk.status() == 302


def test_phone_sign_out_from_the_desk_api_ends_the_sessions(browser, replay, world):
    """DELETE /api/v1/session with the cookie is a sign-out like the button."""
    desk = browser()
    desk.login("manager1")
    copy = replay(desk.cookie())
    token = desk.token()
    assert desk.client.delete("/api/v1/session", headers={"X-CSRFToken": token}).status_code == 204
    assert_ended(copy)


def test_signing_out_does_not_sign_out_the_phones(app, browser, world):
    phone = Phone(app.test_client())
    phone.sign_in("manager1")
    desk = browser()
    desk.login("manager1")
    desk.post("/logout")
    assert phone.get("/api/v1/session").status_code == 200


def test_sign_out_is_not_a_change_phones_pull(app, browser, world):
    """The session version moves without a new version of the user row."""
    before = _user_version(app, world)
    desk = browser()
    desk.login("manager1")
    desk.post("/logout")
    assert _user_version(app, world) == before


def _user_version(app, world) -> int:
    with app.app_context():
        return db.session.get(User, world.users["manager1"]).version


# --- timeouts ----------------------------------------------------------------------------

def _shift(client, key: str, seconds: int) -> None:
    with client.session_transaction() as session:
        session[key] -= seconds


@pytest.mark.parametrize("key, seconds, ended", [
    (SEEN_AT, 29 * 60, False),
    (SEEN_AT, 31 * 60, True),  # idle for more than 30 minutes
    (SIGNED_IN_AT, 11 * 3600, False),
    (SIGNED_IN_AT, 12 * 3600 + 60, True),  # 12 hours after sign-in, however busy
])
def test_idle_and_absolute_timeouts(browser, world, key, seconds, ended):
    desk = browser()
    desk.login("manager1")
    _shift(desk.client, key, seconds)
    page = desk.client.get("/review")
    if not ended:
        assert page.status_code == 200
        return
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=/review")
    assert "您的登录已失效，请重新登录。" in desk.client.get(page.headers["Location"]).get_data(as_text=True)
    assert desk.status() == 302  # and it stays ended


def test_busy_session_keeps_going_past_the_idle_limit(browser, world):
    """Each request moves last-seen: 20 minutes idle, a request, 20 more, still signed in."""
    desk = browser()
    desk.login("manager1")
    _shift(desk.client, SEEN_AT, 20 * 60)
    assert desk.status() == 200
    _shift(desk.client, SEEN_AT, 20 * 60)
    assert desk.status() == 200


def test_busy_session_still_ends_after_twelve_hours(browser, world):
    desk = browser()
    desk.login("manager1")
    _shift(desk.client, SIGNED_IN_AT, 12 * 3600 + 60)
    assert desk.status() == 302


def test_timeouts_come_from_config(app, world):
    from app import create_app
    from tests.conftest import make_config
    from tests.integration.auth.conftest import Browser

    short = create_app(make_config(SESSION_IDLE_MINUTES=5))
    try:
        desk = Browser(short)
        desk.login("manager1")
        _shift(desk.client, SEEN_AT, 6 * 60)
        assert desk.status() == 302
    finally:
        with short.app_context():
            db.engine.dispose()


def test_an_expired_session_gives_401_to_the_api(browser, world):
    desk = browser()
    desk.login("manager1")
    _shift(desk.client, SEEN_AT, 31 * 60)
    assert desk.client.get("/api/v1/session").status_code == 401


def test_a_phone_token_is_not_held_to_the_desktop_clock(app, browser, world):
    """A bearer-token request goes by its token, whatever desktop cookie comes with it."""
    phone = Phone(app.test_client())
    phone.sign_in("guard1")
    desk = browser()
    desk.login("guard1")
    _shift(desk.client, SEEN_AT, 31 * 60)
    response = desk.client.get("/api/v1/session", headers=phone.headers())
    assert response.status_code == 200
