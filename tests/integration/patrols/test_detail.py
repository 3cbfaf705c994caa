"""``GET /patrols/<id>``: one round as a reviewer reads it.

The phone's clock is 10 minutes slow, the round was walked out of order (stop 2 before
stop 1, and again later), stop 3 was missed, a checkpoint off the route was scanned, and two findings were
recorded, one with a photo and a follow-up, one handled on the spot.
"""
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Checkpoint
from app.models import Finding
from tests.integration.patrols.conftest import Stop
from tests.integration.patrols.conftest import ago


@pytest.fixture()
def garage(app, world):
    with app.app_context():
        checkpoint = Checkpoint(site_id=world.site1, name="地下车库入口", code="S1-CP9")
        db.session.add(checkpoint)
        db.session.commit()
        return checkpoint.id


@pytest.fixture()
def walked(app, world, phone, garage):
    guard = phone("guard1", clock_offset=timedelta(minutes=10))
    photo = guard.photo()
    cp1, cp2, _cp3 = world.checkpoints1
    pid = guard.walk(world.site1, ago(hours=3), world.route1,
                     stops=[Stop(cp2, 2, "manual", None), Stop(cp1, 5, "qr", 12.4), Stop(garage, 8),
                            Stop(cp2, 11)],
                     findings=[{"photo_ids": [photo], "checkpoint_id": cp1, "severity": "high",
                                "description": "消防通道堵塞", "minutes": 3},
                               {"handled_on_spot": True, "action_taken": "已当场清理", "description": "垃圾外溢",
                                "minutes": 6}],
                     end_minutes=25)
    with app.app_context():
        findings = {f.description: f.followup_id for f in db.session.query(Finding)}
    return pid, photo, findings


def page(desk, pid) -> str:
    return desk.text(f"/patrols/{pid}")


def stop_rows(text) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr class="(\w+)" data-checkpoint="([^"]+)">(.*?)</tr>', text, re.S)


def test_the_stops_in_route_order_with_gaps_and_the_missed_one(desk_for, walked, world):
    text = page(desk_for("supervisor1"), walked[0])
    found = stop_rows(text)
    assert [cp for _, cp, _ in found] == world.checkpoints1              # route order, not visit order
    assert [state for state, _, _ in found] == ["reached", "reached", "missed"]
    first, second, third = (cells for _, _, cells in found)
    assert "5 分钟" in first and "扫码" in first and "误差 12 米" in first  # 5 min after the start
    assert "早于上一点" in second and "手动" in second and "无定位" in second  # reached before stop 1
    assert "（到达 2 次）" in second
    assert "漏巡" in third
    assert "漏巡 1 个巡更点" in text


def test_checkpoints_reached_off_the_route(desk_for, walked, garage):
    text = page(desk_for("manager1"), walked[0])
    assert f'data-off-route="{garage}"' in text and "地下车库入口" in text


def test_findings_with_photos_and_the_follow_up_link(desk_for, walked):
    pid, photo, followups = walked
    text = page(desk_for("manager1"), pid)
    assert text.count(f'/api/v1/photos/{photo}') == 2                    # a thumbnail inside a link to the photo
    assert re.search(rf'<a href="/api/v1/photos/{photo}" target="_blank"[^>]*><img src="/api/v1/photos/{photo}"', text)
    assert followups["消防通道堵塞"] and followups["垃圾外溢"] is None
    assert f'href="/followups/{followups["消防通道堵塞"]}"' in text
    assert text.count('class="followup-link"') == 1                       # none for the one handled on the spot
    assert "已当场清理" in text and "当场处理" in text
    assert text.index("消防通道堵塞") < text.index("垃圾外溢")              # in the order they were found


def test_the_photo_link_opens_the_photo(desk_for, walked):
    desk = desk_for("manager1")
    with desk.get(f"/api/v1/photos/{walked[1]}") as response:
        assert response.status_code == 200 and response.mimetype == "image/png"


def test_phone_time_corrected_time_and_a_late_sync(app, desk_for, walked):
    from app.models import Patrol
    text = page(desk_for("manager1"), walked[0])
    with app.app_context():
        patrol = db.session.get(Patrol, walked[0])
        started, on_phone = patrol.started_at, patrol.started_at_phone
    assert abs(started - on_phone - timedelta(minutes=10)) < timedelta(seconds=3)  # the phone was 10 minutes slow
    assert text.count("+10 分钟（手机时间偏慢）") == 2                    # the start's and the end's push
    assert "手机时间有偏差" in text                                       # flagged: more than 5 minutes off
    assert "延迟同步" in text and "3 小时" in text                        # reached the server 3 hours later


def test_a_round_synced_at_once_with_a_right_clock_says_so(desk_for, world, phone):
    pid = phone("manager1").walk(world.site1, ago(minutes=20), world.route1,
                                 stops=[Stop(cp, 3) for cp in world.checkpoints1], end_minutes=15)
    text = page(desk_for("manager1"), pid)
    assert "延迟同步" not in text
    assert "无：手机时间准确" in text
    assert "所有巡更点均已到达。" in text
    assert "本轮巡视未发现问题。" in text


def test_a_round_under_way_has_stops_not_reached_yet(desk_for, world, phone):
    pid = phone("guard1").walk(world.site1, ago(minutes=20), world.route1, stops=[Stop(world.checkpoints1[0], 2)])
    text = page(desk_for("manager1"), pid)
    assert [state for state, _, _ in stop_rows(text)] == ["reached", "pending", "pending"]
    assert "尚未结束" in text and "漏巡" not in text


@pytest.mark.parametrize("username, status", [("guard1", 403), ("lead1", 403), ("manager2", 404),
                                              ("manager1", 200), ("supervisor1", 200), ("admin1", 200)])
def test_who_may_read_a_round(desk_for, walked, username, status):
    with desk_for(username).get(f"/patrols/{walked[0]}") as response:
        assert response.status_code == status


def test_an_unknown_round_is_not_found(desk_for, walked):
    with desk_for("manager1").get("/patrols/0b9e0000-0000-4000-8000-000000000000") as response:
        assert response.status_code == 404
