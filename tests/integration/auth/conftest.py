"""Fixtures for sign-in security: browsers that sign in, and cookies carried to another."""
import pytest

from app.extensions import db
from app.models import User
from tests.factories import csrf_from


class Browser:
    """One desktop browser: its own test client, signing in through the real form."""

    def __init__(self, app, **environ):
        self.client = app.test_client()
        self.client.environ_base.update(environ)

    def login(self, username: str, password: str = "demo1234", **kw):
        token = csrf_from(self.client.get("/login", **kw))
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token}, **kw)

    def token(self) -> str:
        return csrf_from(self.client.get("/account/password"))

    def post(self, path: str, data: dict | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(path, data=data, **kw)

    def cookie(self, name: str = "session") -> str:
        cookie = self.client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        return cookie.value

    def status(self, path: str = "/review") -> int:
        return self.client.get(path).status_code


@pytest.fixture()
def browser(app):
    """``browser()``: a new desktop browser."""
    return lambda **environ: Browser(app, **environ)


@pytest.fixture()
def replay(app):
    """``replay(cookie)``: another browser presenting a copy of a session cookie."""
    def make(value: str):
        client = app.test_client()
        client.set_cookie("session", value)
        return client
    return make


@pytest.fixture()
def person(app):
    """``person(username)``: the user row as the database has it now."""
    def read(username: str) -> User:
        with app.app_context():
            user = db.session.scalar(db.select(User).where(User.username == username))
            db.session.expunge(user)
            return user
    return read
