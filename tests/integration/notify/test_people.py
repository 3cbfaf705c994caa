"""Each person's notifications at the desk: their own only, linked to what they may open,
marked read; their settings: channels muted, quiet hours, e-mail."""
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models import NotifySettings
from tests import factories
from tests.integration.notify.conftest import add_notice
from tests.integration.notify.conftest import run_worker


def test_a_person_reads_their_own_notices_with_links(app, world):
    with app.app_context():
        mine = add_notice(world.site1, world.users["repair1"], title="3号楼漏水")
        add_notice(world.site1, world.users["clean1"], title="别人的事")
        subject = db.session.get(Notification, mine).subject_id
        run_worker()
    desk = factories.desk_client(app, "repair1")
    page = desk.get("/notifications").get_data(as_text=True)
    assert "跟进分派给您" in page and "3号楼漏水 — 截止 2026-12-04 18:00。" in page
    assert "别人的事" not in page
    assert f'href="/followups/{subject}"' in page
    assert "仅在此列出（未设渠道）" in page and 'class="notice notice-followup-assigned unread"' in page

    token = factories.csrf_from(desk.get("/notifications"))
    assert desk.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        read = {n.user_id: n.read_at is not None for n in db.session.scalars(select(Notification))}
    assert read == {world.users["repair1"]: True, world.users["clean1"]: False}


def test_a_guard_reads_a_watch_notice_without_a_link_to_the_visit_page(app, world):
    with app.app_context():
        notice = Notification(key="k-watch", site_id=world.site1, user_id=world.users["lead1"],
                              event="gate.watch_match", subject_type="visit", subject_id="v1",
                              msgid="Visitor %(name)s matches the watch list by %(what)s (%(value)s) at %(at)s.",
                              params={"name": "钱*", "what": {"msgid": "phone number", "params": {}},
                                      "value": "139****1111", "at": "2026-12-04 09:58"},
                              at_once=True, status="pending", attempts=0)
        db.session.add(notice)
        db.session.commit()
    page = factories.desk_client(app, "lead1").get("/notifications").get_data(as_text=True)
    assert "访客 钱* 的手机号（139****1111）与关注名单相符，时间 2026-12-04 09:58。" in page
    assert "/gate/visits/" not in page and "待发送" in page


def test_settings_are_ones_own_and_bad_input_changes_nothing(app, world):
    desk = factories.desk_client(app, "repair1")
    token = factories.csrf_from(desk.get("/notifications/settings"))
    bad = desk.post("/notifications/settings", data={"csrf_token": token, "quiet_start": "25:00", "quiet_end": "07:00"})
    half = desk.post("/notifications/settings", data={"csrf_token": token, "quiet_start": "22:00"})
    mail = desk.post("/notifications/settings", data={"csrf_token": token, "email": "不是邮箱"})
    assert (bad.status_code, half.status_code, mail.status_code) == (422, 422, 422)
    assert "免打扰时段请同时填写开始和结束" in half.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(NotifySettings)) is None

    good = desk.post("/notifications/settings", data={
        "csrf_token": token, "muted": ["wecom", "email"], "quiet_start": "22:00", "quiet_end": "07:00",
        "email": "repair1@estate.example.com", "user_id": world.users["clean1"]})
    assert good.status_code == 302
    with app.app_context():
        (saved,) = db.session.scalars(select(NotifySettings))
        assert (saved.user_id, saved.muted, saved.quiet_start, saved.quiet_end, saved.email) == (
            world.users["repair1"], ["email", "wecom"], "22:00", "07:00", "repair1@estate.example.com")
    page = desk.get("/notifications/settings").get_data(as_text=True)
    assert 'value="22:00"' in page and "checked" in page
