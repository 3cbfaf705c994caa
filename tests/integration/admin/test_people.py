"""People: accounts, roles and sites, password resets, deactivation and lost phones."""
import pytest

from app.models import DeviceToken
from app.models import User
from tests.factories import Phone


def new_person(**changes):
    data = {"username": "guard9", "display_name": "保安9号", "role": "guard", "post": "security",
            "sites": [], "password": "secret-123", "confirm": "secret-123"}
    data.update(changes)
    return data


def test_list_filters_by_site_and_role(desk, world):
    text = desk.text(f"/admin/users?site={world.site2}")
    assert "guard2" in text and "guard1" not in text
    text = desk.text("/admin/users?role=manager")
    assert "manager1" in text and "guard1" not in text
    assert "supervisor1" in desk.text("/admin/users?q=super")


def test_create_person_who_then_signs_in(app, desk, count, world):
    response = desk.post("/admin/users/new", new_person(username=" Guard9 ", sites=[world.site1],
                                                        is_team_lead="y"))
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db
        user = db.session.scalar(db.select(User).where(User.username == "guard9"))
        assert user.site_ids == [world.site1] and user.is_team_lead and user.post == "security"
        assert user.company_id == world.company_id
    phone = Phone(app.test_client())
    assert phone.sign_in("guard9", "secret-123").status_code == 200


@pytest.mark.parametrize("changes, message", [
    ({"username": "guard1"}, "该值已被使用"),
    ({"username": "保安"}, "只能使用小写字母"),
    ({"username": "a" * 65}, "最多 64 个字符"),
    ({"display_name": "名" * 10_000}, "最多 60 个字符"),
    ({"display_name": ""}, "此项为必填项"),
    ({"role": "king"}, "不是有效的选择"),
    ({"post": "chef"}, "不是有效的选择"),
    ({"sites": []}, "请至少选择一个小区"),
    ({"sites": ["not-a-site"]}, "请从列出的小区中选择"),
    ({"password": "short", "confirm": "short"}, "密码长度须为 10 到 200 个字符"),
    ({"confirm": "different"}, "两次输入的密码不一致"),
])
def test_bad_person_is_refused(desk, count, world, changes, message):
    data = new_person(sites=[world.site1])
    data.update(changes)
    before = count(User)
    response = desk.post("/admin/users/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(User) == before


def test_admin_needs_no_site(desk, count, world):
    assert desk.post("/admin/users/new", new_person(username="admin9", role="admin", post="")).status_code == 302
    assert count(User, username="admin9", role="admin") == 1


def test_edit_person_moves_them_to_another_site(desk, fetch, world, app):
    uid = world.users["guard1"]
    assert "保安" in desk.text(f"/admin/users/{uid}/edit")
    response = desk.post(f"/admin/users/{uid}/edit", {"username": "guard1", "display_name": "老王",
                                                      "role": "guard", "post": "security",
                                                      "sites": [world.site2]})
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db
        user = db.session.get(User, uid)
        assert (user.display_name, user.site_ids) == ("老王", [world.site2])


def test_admin_cannot_demote_or_deactivate_themselves(desk, fetch, world):
    me = world.users["admin1"]
    response = desk.post(f"/admin/users/{me}/edit", {"username": "admin1", "display_name": "x",
                                                     "role": "guard", "sites": [world.site1]})
    assert response.status_code == 422
    assert fetch(User, me).role == "admin"
    response = desk.post(f"/admin/users/{me}/deactivate")
    assert response.status_code == 422
    assert "不能停用您自己的账号" in response.get_data(as_text=True)
    assert fetch(User, me).active


def test_reset_password(app, desk, world):
    uid = world.users["guard1"]
    assert desk.post(f"/admin/users/{uid}/password", {"password": "new-pass-1", "confirm": "nope"}).status_code == 422
    assert desk.post(f"/admin/users/{uid}/password", {"password": "new-pass-1", "confirm": "new-pass-1"}).status_code == 302
    phone = Phone(app.test_client())
    assert phone.sign_in("guard1").status_code == 401
    assert phone.sign_in("guard1", "new-pass-1").status_code == 200


def test_deactivating_signs_out_every_phone(app, desk, count, fetch, world):
    uid = world.users["guard1"]
    phones = [Phone(app.test_client()) for _ in range(2)]
    for phone in phones:
        assert phone.sign_in("guard1").status_code == 200
    assert desk.post(f"/admin/users/{uid}/deactivate").status_code == 302
    assert not fetch(User, uid).active
    for phone in phones:
        assert phone.get("/api/v1/session").status_code == 401
    assert count(DeviceToken, user_id=uid, revoked_at=None) == 0
    assert "已停用" in desk.text(f"/admin/users/{uid}/edit")
    assert "guard1" not in desk.text("/admin/users")
    assert "guard1" in desk.text("/admin/users?status=inactive")
    # Back again: they sign in anew (the old tokens stay revoked).
    assert desk.post(f"/admin/users/{uid}/reactivate").status_code == 302
    assert phones[0].get("/api/v1/session").status_code == 401
    assert phones[0].sign_in("guard1").status_code == 200


def test_revoke_one_lost_phone(app, desk, world):
    uid = world.users["guard1"]
    lost, kept = Phone(app.test_client()), Phone(app.test_client())
    lost.sign_in("guard1")
    kept.sign_in("guard1")
    with app.app_context():
        from app.extensions import db
        token_id = db.session.scalar(db.select(DeviceToken.id).where(DeviceToken.device_id == lost.device_id))
    assert lost.device_id[:13] in desk.text(f"/admin/users/{uid}/edit")
    assert desk.post(f"/admin/users/{uid}/devices/{token_id}/revoke").status_code == 302
    assert lost.get("/api/v1/session").status_code == 401
    assert kept.get("/api/v1/session").status_code == 200


def test_token_of_someone_else_cannot_be_revoked_through_another_person(app, desk, world):
    phone = Phone(app.test_client())
    phone.sign_in("guard2")
    with app.app_context():
        from app.extensions import db
        token_id = db.session.scalar(db.select(DeviceToken.id).where(DeviceToken.device_id == phone.device_id))
    response = desk.post(f"/admin/users/{world.users['guard1']}/devices/{token_id}/revoke")
    assert response.status_code == 404
    assert phone.get("/api/v1/session").status_code == 200


def test_unknown_person_is_404(desk):
    assert desk.get("/admin/users/nobody/edit").status_code == 404
    assert desk.post("/admin/users/nobody/deactivate").status_code == 404


def test_the_people_list_as_a_file_with_its_filters(desk, world):
    import io

    import openpyxl
    response = desk.get(f"/admin/users?site={world.site1}&role=manager&format=xlsx")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()]
    assert rows[0] == ["名称", "用户名", "角色", "岗位", "队长", "小区", "状态"]
    assert [r[1] for r in rows[1:]] == ["manager1"]
    assert rows[1][5] == "翠湖花园" and rows[1][6] == "在用"
    text = desk.get("/admin/users?role=guard&format=csv").get_data().decode("utf-8")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "名称,用户名,角色,岗位,队长,小区,状态"
    assert sorted(line.split(",")[1] for line in lines[1:]) == ["guard1", "guard2", "lead1", "lead2"]
    assert "password" not in text.lower() and "$argon2" not in text
