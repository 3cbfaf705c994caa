"""The front desk over HTTP: a clerk takes a complaint, classifies it, contacts and answers
the owner with a scan of the signed form, merges households into a collective event; the
duty log, the month's summary and its CSV; bad input refused in Chinese, changing nothing."""
import csv
import io
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import Complaint
from app.models import ComplaintReply
from app.models import FollowUp
from app.models import JournalRow
from app.models import Photo

SH = ZoneInfo("Asia/Shanghai")
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def take(desk, world, **form):
    data = {"site_id": world.site1, "channel": "phone", "kind": "valid", "households": "1",
            "unit": "3-2-501", "owner_name": "李女士", "owner_phone": "13912345678",
            "category": "repair", "description": "楼道灯坏了三天没人修"}
    data.update(form)
    return desk.post("/complaints/new", data)


def rows(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_clerk_lands_on_the_duty_log_and_takes_a_complaint(app, world, desk_for):
    desk = desk_for("clerk1")
    landing = desk.get("/")
    assert landing.status_code == 302 and "/complaints/duty" in landing.headers["Location"]
    response = take(desk, world)
    assert response.status_code == 302
    ident = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        complaint = db.session.get(Complaint, ident)
        followup = db.session.get(FollowUp, complaint.followup_id)
        assert complaint.user_id == world.users["clerk1"] and complaint.channel == "phone"
        assert followup.assignee_id == world.users["clerk1"]
        journal = db.session.scalar(select(JournalRow).where(JournalRow.entity_id == ident))
        assert journal.device_id == f"desktop:{world.users['clerk1']}" and journal.status == "applied"
    page = desk.text(f"/complaints/{ident}")
    assert 'data-clock="contact"' in page and 'data-clock="reply"' in page
    assert "139****5678" in page and "13912345678" not in page
    log = desk.text("/complaints/duty")
    row = log[log.index("楼道灯坏了三天没人修"):]
    row = row[:row.index("</tr>")]
    assert ">clerk1<" in row  # who took it, on the same line


@pytest.mark.parametrize("form, field, message", [
    ({"description": ""}, "description", "请填写投诉内容。"),
    ({"channel": "pigeon"}, "channel", "请选择投诉方式。"),
    ({"owner_phone": "电话没问"}, "owner_phone", "号码"),
    ({"kind": "collective", "households": "3"}, "households", "五户或五户以上"),
    ({"households": "很多"}, "households", "请填写投诉户数"),
    ({"site_id": "not-a-site"}, "site_id", "引用的记录编号无效。"),
    ({"description": "长" * 2001}, "description", "内容太长了。"),
])
def test_bad_intake_is_refused_beside_its_field_and_changes_nothing(app, world, desk_for, form, field, message):
    desk = desk_for("clerk1")
    before = (rows(app, Complaint), rows(app, FollowUp), rows(app, JournalRow))
    response = take(desk, world, **form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="error-{field}"' in body and message in body
    assert (rows(app, Complaint), rows(app, FollowUp), rows(app, JournalRow)) == before


def test_the_other_site_is_refused(app, world, desk_for):
    response = take(desk_for("clerk1"), world, site_id=world.site2)
    assert response.status_code == 422 and rows(app, Complaint) == 0


def test_contact_agreed_time_and_reply_with_the_signed_form(app, world, desk_for):
    desk = desk_for("clerk1")
    ident = take(desk, world).headers["Location"].rsplit("/", 1)[1]
    agreed = (datetime.now(SH) + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    response = desk.post(f"/complaints/{ident}/reply", {
        "stage": "contact", "method": "phone", "said": "已致电业户，约定明天上午回复",
        "agreed_reply_at": agreed.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        complaint = db.session.get(Complaint, ident)
        assert complaint.agreed_reply_at == agreed.astimezone(timezone.utc)
        assert db.session.get(FollowUp, complaint.followup_id).due_at == agreed.astimezone(timezone.utc)
    response = desk.post(f"/complaints/{ident}/reply", {
        "stage": "reply", "method": "visit", "said": "已更换灯管", "owner_opinion": "满意",
        "satisfaction": "satisfied", "photo": (io.BytesIO(JPEG), "form.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, ident)
        replies = db.session.scalars(select(ComplaintReply).where(ComplaintReply.complaint_id == ident)
                                     .order_by(ComplaintReply.replied_at)).all()
        assert [r.stage for r in replies] == ["contact", "reply"]
        assert replies[1].satisfaction == "satisfied" and len(replies[1].photo_ids) == 1
        photo = db.session.get(Photo, replies[1].photo_ids[0])
        assert photo.uploaded and photo.record_type == "complaint_reply" and photo.site_id == world.site1
        assert db.session.get(FollowUp, complaint.followup_id).status == "resolved"
    page = desk.text(f"/complaints/{ident}")
    assert 'data-stage="reply"' in page and "已更换灯管" in page and 'id="verdict"' in page
    with desk.get(f"/api/v1/photos/{replies[1].photo_ids[0]}") as photo_response:
        assert photo_response.status_code == 200


def test_a_reply_that_breaks_a_rule_is_refused_and_nothing_is_kept(app, world, desk_for):
    desk = desk_for("clerk1")
    ident = take(desk, world, channel="written").headers["Location"].rsplit("/", 1)[1]
    before = (rows(app, ComplaintReply), rows(app, Photo))
    response = desk.post(f"/complaints/{ident}/reply", {
        "stage": "reply", "method": "phone", "said": "电话答复", "photo": (io.BytesIO(JPEG), "f.jpg")},
        content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "书面投诉必须以书面方式回复" in body and 'id="error-method"' in body
    assert (rows(app, ComplaintReply), rows(app, Photo)) == before
    response = desk.post(f"/complaints/{ident}/reply", {"stage": "contact", "method": "phone", "said": ""})
    assert response.status_code == 422 and "请填写与业户沟通的内容" in response.get_data(as_text=True)
    response = desk.post(f"/complaints/{ident}/reply", {"stage": "contact", "method": "phone", "said": "x",
                                                        "agreed_reply_at": "明天"})
    assert response.status_code == 422 and 'id="error-agreed_reply_at"' in response.get_data(as_text=True)
    response = desk.post(f"/complaints/{ident}/reply", {"stage": "contact", "method": "phone", "said": "x",
                                                        "photo": (io.BytesIO(b"GIF89a..."), "x.gif")},
                         content_type="multipart/form-data")
    assert response.status_code == 422 and "JPEG" in response.get_data(as_text=True)
    assert rows(app, ComplaintReply) == 0


def test_classify_valid_goes_to_the_supervisor_and_is_marked_for_the_report(app, world, desk_for):
    desk = desk_for("clerk1")
    ident = take(desk, world, kind="assisted").headers["Location"].rsplit("/", 1)[1]
    response = desk.post(f"/complaints/{ident}/classify", {"kind": "valid", "category": "repair",
                                                           "households": "1", "common_interest": "on"})
    assert response.status_code == 302
    with app.app_context():
        complaint = db.session.get(Complaint, ident)
        assert complaint.kind == "valid" and complaint.common_interest and complaint.classified_by == world.users["clerk1"]
        assert db.session.get(FollowUp, complaint.followup_id).assignee_id == world.users["cs1"]
    response = desk.post(f"/complaints/{ident}/classify", {"kind": "collective", "households": "2"})
    assert response.status_code == 422 and "五户" in response.get_data(as_text=True)


def test_a_guard_cannot_use_the_desk(world, desk_for):
    assert desk_for("guard1").get("/complaints/new").status_code == 403


def test_five_households_are_suggested_and_merged_four_are_not(app, world, desk_for, lodge):
    desk = desk_for("clerk1")
    now = datetime.now(timezone.utc)
    ids = [lodge("clerk1", category="security", unit=f"2-1-{100 + i}", description=f"夜里有陌生人{i}",
                 at=now - timedelta(hours=10 * i)) for i in range(4)]
    assert "households-suggestion" not in desk.text("/complaints") and 'class="card suggestion"' not in desk.text("/complaints")
    ids.append(lodge("clerk1", category="security", unit="2-1-200", description="夜里有陌生人4",
                     at=now - timedelta(hours=1)))
    page = desk.text("/complaints")
    assert 'class="card suggestion"' in page and all(i in page for i in ids)
    response = desk.post("/complaints/merge", {"complaint_id": ids, "description": "多户反映夜间有陌生人"})
    assert response.status_code == 302
    event = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        row = db.session.get(Complaint, event)
        assert row.kind == "collective" and row.households == 5 and row.collective
        assert db.session.get(FollowUp, row.followup_id).assignee_id == world.users["manager1"]
        merged = db.session.scalars(select(Complaint).where(Complaint.merged_into == event)).all()
        assert sorted(c.id for c in merged) == sorted(ids)
    assert 'class="card suggestion"' not in desk.text("/complaints")
    assert all(i in desk.text(f"/complaints/{event}") for i in ids)


def test_the_month_summary_and_its_csv(app, world, desk_for, lodge):
    desk = desk_for("clerk1")
    now = datetime.now(timezone.utc)
    late = lodge("clerk1", description="迟了的投诉", at=now - timedelta(hours=3))
    on_time = take(desk, world, description="及时的投诉", unit="5-5-505").headers["Location"].rsplit("/", 1)[1]
    desk.post(f"/complaints/{on_time}/reply", {"stage": "reply", "method": "phone", "said": "已处理",
                                               "satisfaction": "satisfied"})
    desk.post(f"/complaints/{on_time}/classify", {"kind": "valid", "households": "1", "common_interest": "on"})
    month = datetime.now(SH).strftime("%Y-%m")
    page = desk.text(f"/complaints/summary?site={world.site1}&month={month}")
    assert 'data-rate="0.5000"' in page and "迟了的投诉" in page and 'id="common"' in page
    late_only = desk.text(f"/complaints/summary?site={world.site1}&month={month}&late=1")
    assert "迟了的投诉" in late_only and "及时的投诉" not in late_only.split('id="summary"')[1].split("</table>")[0]
    response = desk.get(f"/complaints/summary?site={world.site1}&month={month}&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(table) == 3 and table[0][0] == "投诉时间"
    by_text = {row[6]: row for row in table[1:]}
    assert by_text["迟了的投诉"][10] == "逾期" and by_text["及时的投诉"][10] == "及时"
    assert by_text["及时的投诉"][11] == "是"
    assert late in late_only  # the late one links its page


def test_a_bad_month_or_day_is_said_not_failed(world, desk_for):
    desk = desk_for("clerk1")
    assert "月份无效" in desk.text(f"/complaints/summary?site={world.site1}&month=2026-13")
    assert "日期无效" in desk.text(f"/complaints/duty?site={world.site1}&day=昨天")


def test_the_duty_log_lists_the_day_in_order(app, world, desk_for, lodge):
    desk = desk_for("clerk1")
    day = datetime.now(SH).date()
    start = datetime.combine(day, datetime.min.time(), tzinfo=SH)
    first = lodge("clerk1", description="第一条", at=start.astimezone(timezone.utc) + timedelta(minutes=1))
    yesterday = lodge("clerk1", description="昨天的", at=start.astimezone(timezone.utc) - timedelta(minutes=1))
    page = desk.text(f"/complaints/duty?site={world.site1}&day={day.isoformat()}")
    assert "第一条" in page and "昨天的" not in page
    earlier = desk.text(f"/complaints/duty?site={world.site1}&day={(day - timedelta(days=1)).isoformat()}")
    assert "昨天的" in earlier and "第一条" not in earlier
    assert first in page and yesterday in earlier  # each line links its complaint


def test_the_dashboard_shows_each_site_s_month_rate_against_its_line(app, world, desk_for, lodge):
    now = datetime.now(timezone.utc)
    lodge("clerk1", description="没人联系", at=now - timedelta(hours=3))
    page = desk_for("supervisor1").text("/review")
    block = page.split('id="complaint-rates"')[1].split("</div>\n\n")[0]
    assert "翠湖花园" in block and "金桂苑" in block
    assert "0%" in block and "kpi bad" in block and "逾期 1" in block
    assert f"/complaints/summary?site={world.site1}" in block
