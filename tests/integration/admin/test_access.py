"""Who may use /admin: admins only; others get 403, strangers go to the sign-in page."""
import pytest

from app.models import Site

from tests.integration.admin.conftest import Desk


def admin_get_paths(app, world):
    """Every GET page of the admin blueprint, with ids of site 1 filled in."""
    ids = {"site_id": world.site1, "building_id": world.building1, "checkpoint_id": world.checkpoints1[0],
           "route_id": world.route1, "store_id": world.store1, "item_id": world.items1[0],
           "user_id": world.users["guard1"], "unit_id": None, "token_id": "0" * 36}
    paths = []
    with app.test_request_context():
        from flask import url_for
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin.") or "GET" not in rule.methods:
                continue
            if any(ids.get(arg) is None for arg in rule.arguments):
                continue
            paths.append(url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments}))
    assert len(paths) >= 20
    return paths


def test_anonymous_is_sent_to_sign_in(app, client, world):
    for path in admin_get_paths(app, world):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["guard1", "manager1", "cs1", "store1", "supervisor1"])
def test_other_roles_are_forbidden(app, client, auth, world, username):
    assert auth.login(username).status_code == 302
    for path in admin_get_paths(app, world):
        assert client.get(path).status_code == 403, path


def test_other_roles_cannot_post_either(client, auth, world, count):
    auth.login("manager1")
    token = auth.csrf("/")
    before = count(Site)
    response = client.post("/admin/sites/new", data={"csrf_token": token, "name": "新小区", "code": "NEW",
                                                     "timezone": "Asia/Shanghai"})
    assert response.status_code == 403
    assert count(Site) == before


def test_admin_sees_every_page_in_chinese(app, desk, world):
    for path in admin_get_paths(app, world):
        response = desk.get(path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert 'lang="zh-CN"' in text
    assert "系统管理" in desk.text("/admin/")


def test_admin_entry_in_the_top_bar_only_for_admins(client, auth, world):
    auth.login("admin1")
    assert 'href="/admin/"' in client.get("/", follow_redirects=True).get_data(as_text=True)
    auth.logout()
    auth.login("manager1")
    assert 'href="/admin/"' not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_english_when_chosen(desk):
    desk.post("/lang/en", {"next": "/admin/sites"})
    text = desk.text("/admin/sites")
    assert "New site" in text and "新建小区" not in text


def test_post_without_csrf_token_writes_nothing(client, desk, count):
    before = count(Site)
    response = client.post("/admin/sites/new", data={"name": "新小区", "code": "NEW", "timezone": "Asia/Shanghai"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    assert count(Site) == before


def test_admin_of_another_company_sees_none_of_this_one(app, client, auth, world):
    """Admins see every site of their own company, and nothing of another."""
    from app.extensions import db
    from app.models import Company
    from tests.factories import make_user
    with app.app_context():
        other = Company(name="别家物业")
        db.session.add(other)
        db.session.flush()
        make_user(other, "otheradmin", "admin", [])
        db.session.commit()
    desk = Desk(client, auth, "otheradmin")
    assert "翠湖花园" not in desk.text("/admin/")
    assert "guard1" not in desk.text("/admin/users")
    for path in admin_get_paths(app, world):
        if any(part in path for part in ("/new", "/import")) or path.rstrip("/").count("/") <= 2:
            continue
        assert desk.get(path).status_code == 404, path
    assert desk.get(f"/admin/buildings?site={world.site1}").status_code == 404
