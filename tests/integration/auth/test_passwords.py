"""Passwords: Argon2id, old hashes re-made at sign-in, at least 10 characters."""
import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from app import passwords
from app.extensions import db
from app.models import User
from tests.factories import Phone

NEW = "correct horse battery"


def _store_hash(app, username: str, stored: str) -> None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        user.password_hash = stored
        db.session.commit()


def test_production_parameters():
    """The parameters every hash is made with: RFC 9106's low-memory profile, above OWASP's
    minimum for Argon2id (19 MiB, t=2, p=1)."""
    stored = passwords.hash_password("demo1234")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.MEMORY_COST >= 19 * 1024 and passwords.TIME_COST >= 2
    assert passwords.verify(stored, "demo1234")
    assert not passwords.verify(stored, "demo12345")
    assert not passwords.needs_rehash(stored)


@pytest.mark.parametrize("stored", [
    "", None, "plain-text", "$argon2id$v=19$m=65536,t=3,p=4$broken", "md5$abc$def",
])
def test_unreadable_hashes_match_nothing(stored):
    assert not passwords.verify(stored, "demo1234")


@pytest.mark.parametrize("method", ["pbkdf2:sha256:600000", "scrypt"])
def test_werkzeug_hash_is_rehashed_at_sign_in(app, browser, person, world, method):
    """Do people whose hash predates Argon2 still sign in, and leave with an Argon2id hash?"""
    _store_hash(app, "manager1", generate_password_hash("demo1234", method=method))
    assert browser().login("manager1", "wrong password").status_code == 422
    assert not person("manager1").password_hash.startswith("$argon2id$")  # not on a failure
    assert browser().login("manager1").status_code == 302
    stored = person("manager1").password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert browser().login("manager1").status_code == 302


def test_werkzeug_hash_is_rehashed_at_phone_sign_in(app, person, world):
    _store_hash(app, "guard1", generate_password_hash("demo1234"))
    assert Phone(app.test_client()).sign_in("guard1").status_code == 200
    assert person("guard1").password_hash.startswith("$argon2id$")


def test_argon2_hash_with_other_parameters_is_rehashed(app, browser, person, world):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("demo1234")
    _store_hash(app, "manager1", weak)
    assert browser().login("manager1").status_code == 302
    stored = person("manager1").password_hash
    assert stored != weak and not passwords.needs_rehash(stored)


def test_unknown_username_still_spends_a_hash(browser, world):
    """Unknown usernames are checked against a throwaway hash, so that timing does not tell."""
    passwords._DUMMY.clear()
    assert browser().login("nobody", "whatever123").status_code == 422
    assert passwords._DUMMY["hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")


# --- setting passwords ---------------------------------------------------------------------

@pytest.mark.parametrize("path, extra", [
    ("/admin/users/new", {"username": "guard9", "display_name": "保安9号", "role": "guard",
                          "post": "security"}),
    ("/admin/users/{uid}/password", {}),
])
def test_admin_set_passwords_need_ten_characters(app, browser, person, world, path, extra):
    admin = browser()
    admin.login("admin1")
    data = {**extra, "sites": [world.site1], "password": "nine-char", "confirm": "nine-char"}
    url = path.format(uid=world.users["guard1"])
    response = admin.post(url, data)
    assert response.status_code == 422
    assert "密码长度须为 10 到 200 个字符" in response.get_data(as_text=True)
    data.update(password="ten-chars!", confirm="ten-chars!")
    assert admin.post(url, data).status_code == 302
    username = extra.get("username", "guard1")
    assert person(username).password_hash.startswith("$argon2id$")
    assert Phone(app.test_client()).sign_in(username, "ten-chars!").status_code == 200


def test_cli_needs_ten_characters(app, person, world):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-user", "boss", "--name", "老板", "--role", "admin",
                                "--password", "demo1234"])
    assert short.exit_code != 0 and "10" in short.output
    done = runner.invoke(args=["create-user", "boss", "--name", "老板", "--role", "admin",
                               "--password", NEW])
    assert done.exit_code == 0, done.output
    assert person("boss").password_hash.startswith("$argon2id$")


def test_demo_password_still_signs_in(app, ctx):
    """The demo's documented demo1234 is shorter than 10 characters and still works."""
    from app.demo import seed_company

    seed_company()
    db.session.commit()
    user = db.session.scalar(db.select(User).where(User.username == "guard1"))
    assert user.password_hash.startswith("$argon2id$")
    assert Phone(app.test_client()).sign_in("guard1", "demo1234").status_code == 200
