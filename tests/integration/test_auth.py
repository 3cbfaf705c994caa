"""Sign-in on the desktop and from the phone, throttling, tokens and CSRF."""
import pytest

from tests.factories import Phone


def test_login_page_is_chinese_by_default(client):
    """Does a newcomer see Chinese without choosing anything?"""
    page = client.get("/login")
    assert page.status_code == 200
    assert "登录" in page.get_data(as_text=True)
    assert 'lang="zh-CN"' in page.get_data(as_text=True)


def test_language_switch_to_english(client, auth, world):
    token = auth.csrf("/login")
    response = client.post("/lang/en", data={"csrf_token": token, "next": "/login"})
    assert response.status_code == 302
    assert "Sign in" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("username", ["guard1", "manager1", "supervisor1", "admin1"])
def test_each_role_signs_in_at_login(auth, client, world, username):
    response = auth.login(username)
    assert response.status_code == 302
    assert client.get("/", follow_redirects=True).status_code == 200


def test_wrong_password_is_refused_in_chinese(auth, world):
    response = auth.login("guard1", "nope")
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_login_without_csrf_is_refused(client, world):
    response = client.post("/login", data={"username": "guard1", "password": "demo1234"})
    assert response.status_code in (400, 422)
    assert client.get("/").status_code == 302


def test_logout_needs_post_and_signs_out(auth, client, world):
    auth.login("guard1")
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_five_failures_then_429_on_form_and_api(auth, client, world):
    """After 5 failures for one user from one address, even the right password waits."""
    for _ in range(5):
        assert auth.login("guard1", "wrong").status_code == 422
    response = auth.login("guard1")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    api = client.post("/api/v1/session", json={"username": "guard1", "password": "demo1234",
                                               "device_id": "dev-12345678"})
    assert api.status_code == 429
    assert api.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in api.headers
    # another user from the same address is not affected
    assert auth.login("manager1").status_code == 302


def test_session_api_issues_a_token(client, world):
    phone = Phone(client)
    response = phone.sign_in("guard1")
    assert response.status_code == 200
    body = response.json
    assert set(body["user"]) >= {"id", "username", "display_name", "role", "site_ids"}
    assert body["user"]["site_ids"] == [world.site1]
    assert body["token"] and body["expires_at"].endswith("Z")
    assert phone.get("/api/v1/session").json["user"]["username"] == "guard1"


def test_token_is_stored_only_as_hash(app, client, world):
    from app.extensions import db
    from app.models import DeviceToken

    phone = Phone(client)
    phone.sign_in("guard1")
    with app.app_context():
        rows = db.session.query(DeviceToken).all()
        assert len(rows) == 1
        assert phone.token not in (rows[0].token_hash, rows[0].device_id)


@pytest.mark.parametrize("body,field", [
    ({"password": "x", "device_id": "dev-12345678"}, "username"),
    ({"username": "guard1", "device_id": "dev-12345678"}, "password"),
    ({"username": "guard1", "password": "x"}, "device_id"),
    ({"username": "guard1", "password": "x", "device_id": "a b"}, "device_id"),
    ({"username": "x" * 10000, "password": "x", "device_id": "dev-12345678"}, "username"),
    ({"username": 5, "password": "x", "device_id": "dev-12345678"}, "username"),
])
def test_session_api_bad_input(client, world, body, field):
    response = client.post("/api/v1/session", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["details"]
    assert response.json["error"]["message"]


def test_session_api_not_json(client, world):
    response = client.post("/api/v1/session", data="nope", content_type="text/plain")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_session_api_wrong_password_is_401(client, world):
    response = client.post("/api/v1/session", json={"username": "guard1", "password": "bad",
                                                    "device_id": "dev-12345678"})
    assert response.status_code == 401
    assert set(response.json["error"]) == {"code", "message", "details"}


def test_delete_revokes_own_token(client, world):
    phone = Phone(client)
    phone.sign_in("guard1")
    assert phone.delete("/api/v1/session").status_code == 204
    assert phone.get("/api/v1/session").status_code == 401


def test_expired_token_is_401(app, client, world):
    from datetime import timedelta

    from app.extensions import db
    from app.models import DeviceToken
    from app.models import utcnow

    phone = Phone(client)
    phone.sign_in("guard1")
    with app.app_context():
        row = db.session.query(DeviceToken).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert phone.get("/api/v1/session").status_code == 401


def test_deactivated_user_token_stops_working(app, client, world):
    from app.extensions import db
    from app.models import User

    phone = Phone(client)
    phone.sign_in("guard1")
    with app.app_context():
        db.session.get(User, world.users["guard1"]).active = False
        db.session.commit()
    assert phone.get("/api/v1/session").status_code == 401


def test_cookie_session_api_change_needs_csrf(auth, client, world):
    """A desktop cookie alone may not change anything through the API."""
    auth.login("supervisor1")
    assert client.get("/api/v1/session").status_code == 200
    refused = client.delete("/api/v1/session")
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == "csrf_failed"
    token = auth.csrf("/")
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": token}).status_code == 204


def test_session_cookie_flags(auth, world):
    response = auth.login("guard1")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_open_redirect_is_ignored(client, auth, world):
    token = auth.csrf("/login")
    response = client.post("/login?next=//evil.example/x", data={
        "username": "guard1", "password": "demo1234", "csrf_token": token})
    assert response.headers["Location"] == "/"



def test_cookies_are_secure_behind_https(app, world):
    """Served over HTTPS (PREFERRED_URL_SCHEME=https), the session cookie is Secure."""
    from app import create_app
    from tests.conftest import Auth
    from tests.conftest import make_config

    https = create_app(make_config(PREFERRED_URL_SCHEME="https"))
    client = https.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/login"})
    try:
        response = Auth(client).login("guard1")
        assert response.status_code == 302
        assert "Secure" in response.headers.get("Set-Cookie", "")
    finally:
        from app.extensions import db
        with https.app_context():
            db.engine.dispose()
