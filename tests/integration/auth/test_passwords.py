"""Passwords: Argon2id, old hashes re-made at sign-in, at least 10 characters, and the
change an administrator's reset forces."""
import os
import subprocess
import sys
from pathlib import Path

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


# What this run's hashes start with (the suite runs the cheap test profile).
PREFIX = "$argon2id$v=19$m={memory_cost},t={time_cost},p={parallelism}$".format(**passwords.PARAMETERS)


def test_production_parameters():
    """The parameters every hash is made with outside the test suite: RFC 9106's low-memory
    profile, above OWASP's minimum for Argon2id (19 MiB, t=2, p=1)."""
    environment = {k: v for k, v in os.environ.items() if k != "ESTATE_PASSWORD_PROFILE"}
    made = subprocess.run(
        [sys.executable, "-c", "from app import passwords; print(passwords.PROFILE, passwords.hash_password('x'))"],
        env=environment, cwd=Path(__file__).resolve().parents[3], capture_output=True, text=True,
        check=True).stdout.split()
    assert made[0] == "standard"
    assert made[1].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.STANDARD["memory_cost"] >= 19 * 1024 and passwords.STANDARD["time_cost"] >= 2


def test_this_run_hashes_with_its_profile():
    stored = passwords.hash_password("demo1234")
    assert stored.startswith(PREFIX)
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
    assert stored.startswith(PREFIX)
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
    assert passwords._DUMMY["hash"].startswith(PREFIX)


# --- setting passwords ---------------------------------------------------------------------

def test_own_change_stores_argon2id_and_signs_in_with_it(browser, person, world):
    desk = browser()
    desk.login("manager1")
    assert "修改密码" in desk.client.get("/review").get_data(as_text=True)  # in the user menu
    response = desk.post("/account/password", {"current": "demo1234", "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert person("manager1").password_hash.startswith("$argon2id$")
    assert browser().login("manager1").status_code == 422
    assert browser().login("manager1", NEW).status_code == 302


@pytest.mark.parametrize("form, field_error", [
    ({"current": "wrong password", "password": NEW, "confirm": NEW}, "当前密码不正确"),
    ({"current": "demo1234", "password": "short-pw", "confirm": "short-pw"}, "密码长度须为 10 到 200 个字符"),
    ({"current": "demo1234", "password": "x" * 201, "confirm": "x" * 201}, "密码长度须为 10 到 200 个字符"),
    ({"current": "demo1234", "password": NEW, "confirm": NEW + "!"}, "两次输入的密码不一致"),
    ({"current": "", "password": NEW, "confirm": NEW}, "此项为必填项"),
])
def test_own_change_is_refused(browser, person, world, form, field_error):
    desk = browser()
    desk.login("manager1")
    before = person("manager1").password_hash
    response = desk.post("/account/password", form)
    assert response.status_code == 422
    assert field_error in response.get_data(as_text=True)
    assert person("manager1").password_hash == before


def test_own_change_in_english(browser, world):
    desk = browser()
    desk.login("manager1")
    desk.post("/lang/en", {"next": "/"})
    response = desk.post("/account/password", {"current": "demo1234", "password": "short", "confirm": "short"})
    assert "A password needs 10 to 200 characters." in response.get_data(as_text=True)


def test_change_page_needs_a_sign_in(client, world):
    response = client.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_wrong_current_passwords_are_throttled(browser, world):
    """The change page is no way around the sign-in throttle."""
    desk = browser()
    desk.login("manager1")
    for _ in range(5):
        desk.post("/account/password", {"current": "wrong password", "password": NEW, "confirm": NEW})
    response = desk.post("/account/password", {"current": "demo1234", "password": NEW, "confirm": NEW})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


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


# --- the change a reset forces ---------------------------------------------------------

@pytest.fixture()
def reset_manager(browser, world):
    """An administrator has just set manager1's password to NEW."""
    admin = browser()
    admin.login("admin1")
    uid = world.users["manager1"]
    assert admin.post(f"/admin/users/{uid}/password", {"password": NEW, "confirm": NEW}).status_code == 302
    return admin


def test_after_a_reset_only_the_change_page_opens(app, browser, person, reset_manager, world):
    """Can a person whose password an administrator set reach anything before choosing
    their own? (Only the change page, sign-out and the language switch.)"""
    desk = browser()
    response = desk.login("manager1", NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    for path in ("/review", "/", "/followups/", "/admin/users"):
        blocked = desk.client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"] == "/account/password", path
    api = desk.client.get("/api/v1/session")
    assert api.status_code == 403 and api.json["error"]["code"] == "password_change_required"
    page = desk.client.get("/account/password")
    assert page.status_code == 200
    assert "请先设置新密码" in page.get_data(as_text=True)
    # Choosing their own lets them through.
    mine = "my very own password"
    response = desk.post("/account/password", {"current": NEW, "password": mine, "confirm": mine})
    assert response.status_code == 302
    assert desk.status("/review") == 200
    assert not person("manager1").must_change_password


def test_after_a_reset_sign_out_still_works(browser, reset_manager, world):
    desk = browser()
    desk.login("manager1", NEW)
    assert desk.post("/logout").status_code == 302
    assert desk.client.get("/account/password").status_code == 302


def test_after_a_reset_the_phone_still_signs_in(app, reset_manager, world):
    """The phone has no change page: it signs in with the new password and keeps working."""
    phone = Phone(app.test_client())
    assert phone.sign_in("manager1", NEW).status_code == 200
    assert phone.get("/api/v1/session").status_code == 200


def test_an_admin_resetting_their_own_password_is_not_held(browser, person, world):
    admin = browser()
    admin.login("admin1")
    uid = world.users["admin1"]
    assert admin.post(f"/admin/users/{uid}/password", {"password": NEW, "confirm": NEW}).status_code == 302
    assert not person("admin1").must_change_password
    assert admin.status("/admin/users") == 200
