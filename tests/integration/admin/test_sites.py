"""Sites and their settings: create, edit, validate; settings merge with the defaults."""
import re

import pytest

from app.models import DEFAULT_SITE_SETTINGS
from app.models import Site


def settings_data(**changes):
    """A complete, valid settings form as the page would post it."""
    data = {
        "gate_windows-0-start": "07:30", "gate_windows-0-end": "08:30",
        "gate_windows-0-posts": ["customer_service", "security"], "gate_windows-0-team_lead": "y",
        "gate_windows-1-start": "12:00", "gate_windows-1-end": "13:00", "gate_windows-1-team_lead": "y",
        "gate_windows-2-start": "", "gate_windows-2-end": "",
        "gate_day_end": "23:00", "visit_max_minutes": "240", "patrol_start": "08:40",
        "patrol_day_end": "23:59", "route_grace_minutes": "60", "stock_check_day": "25",
        "device_token_days": "30", "stock_tolerance_default": "0", "privacy_retention_days": "90",
        "stock_blind": "y", "sign_in_by": "08:20", "sign_out_after_winter": "17:30",
        "sign_out_after_summer": "18:00", "summer_months": "5,6,7,8,9",
        "morning_meeting_start": "08:20", "morning_meeting_end": "08:30", "weekly_meeting_weekday": "1",
    }
    for key, minutes in DEFAULT_SITE_SETTINGS["clocks"].items():
        data[f"clocks-{key}"] = str(minutes)
    data.update(changes)
    return data


def test_list_shows_both_sites(desk):
    text = desk.text("/admin/sites")
    assert "翠湖花园" in text and "金桂苑" in text
    assert "07:30–08:30" in text


def test_create_site(desk, count, app):
    response = desk.post("/admin/sites/new", {"name": "  桂花园 ", "code": "GHY", "address": "桂花路1号",
                                              "timezone": "Asia/Shanghai"})
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db
        site = db.session.scalar(db.select(Site).where(Site.code == "GHY"))
        assert site.name == "桂花园" and site.settings == {}
        assert site.setting("visit_max_minutes") == 240


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "code": "X1", "timezone": "Asia/Shanghai"}, "name", "此项为必填项"),
    ({"name": "名" * 10_000, "code": "X1", "timezone": "Asia/Shanghai"}, "name", "最多 120 个字符"),
    ({"name": "好", "code": "a b", "timezone": "Asia/Shanghai"}, "code", "只能使用字母、数字"),
    ({"name": "好", "code": "S1", "timezone": "Asia/Shanghai"}, "code", "该值已被使用"),
    ({"name": "好", "code": "s1", "timezone": "Asia/Shanghai"}, "code", "该值已被使用"),
    ({"name": "好", "code": "X1", "timezone": "Mars/Olympus"}, "timezone", "无法识别的时区"),
    ({"name": "好", "code": "X1", "timezone": "Asia/Shanghai", "address": "路" * 256}, "address", "最多 255 个字符"),
])
def test_bad_site_is_refused_in_chinese_and_nothing_written(desk, count, data, field, message):
    before = count(Site)
    response = desk.post("/admin/sites/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Site) == before


def test_edit_site(desk, fetch, world):
    response = desk.post(f"/admin/sites/{world.site1}/edit", {"name": "翠湖花园一期", "code": "S1",
                                                                "address": "", "timezone": "Asia/Urumqi"})
    assert response.status_code == 302
    site = fetch(Site, world.site1)
    assert (site.name, site.timezone, site.address) == ("翠湖花园一期", "Asia/Urumqi", None)


def test_edit_unknown_site_is_404(desk):
    assert desk.get("/admin/sites/nope/edit").status_code == 404
    assert desk.post("/admin/sites/" + "x" * 5000 + "/edit", {"name": "a"}).status_code == 404


def test_settings_page_shows_defaults(desk, world):
    text = desk.text(f"/admin/sites/{world.site1}/settings")
    assert 'value="07:30"' in text and 'value="1440"' in text
    assert "投诉：联系业主" in text


def test_settings_saved_merged_and_unknown_keys_kept(app, desk, world, fetch):
    with app.app_context():
        from app.extensions import db
        site = db.session.get(Site, world.site1)
        site.settings = {"future_setting": 7, "clocks": {"future_clock": 99}}
        db.session.commit()
    response = desk.post(f"/admin/sites/{world.site1}/settings",
                         settings_data(**{"clocks-high": "90", "visit_max_minutes": "300",
                                          "stock_tolerance_default": "0.5",
                                          "gate_windows-2-start": "17:45", "gate_windows-2-end": "19:15",
                                          "gate_windows-2-posts": "security"}))
    assert response.status_code == 302
    site = fetch(Site, world.site1)
    assert site.settings["future_setting"] == 7
    assert site.setting("clocks")["high"] == 90
    assert site.setting("clocks")["future_clock"] == 99
    assert site.setting("clocks")["medium"] == 1440
    assert site.setting("visit_max_minutes") == 300
    assert site.setting("stock_tolerance")["default"] == 0.5
    assert site.setting("gate_windows") == [
        {"start": "07:30", "end": "08:30", "posts": ["customer_service", "security"], "team_lead": True},
        {"start": "12:00", "end": "13:00", "posts": [], "team_lead": True},
        {"start": "17:45", "end": "19:15", "posts": ["security"], "team_lead": False},
    ]


def test_attendance_times_are_settings_of_the_site_and_reach_the_phones(desk, world, fetch):
    data = settings_data(sign_in_by="08:30", sign_out_after_winter="17:00", summer_months="6, 7，8")
    assert desk.post(f"/admin/sites/{world.site1}/settings", data).status_code == 302
    site = fetch(Site, world.site1)
    assert site.setting("sign_in_by") == "08:30" and site.setting("sign_out_after_winter") == "17:00"
    assert site.setting("summer_months") == [6, 7, 8]
    from app.api.changes import _site
    assert _site(site, None)["settings"]["sign_in_by"] == "08:30"
    assert 'value="6,7,8"' in desk.get(f"/admin/sites/{world.site1}/settings").get_data(as_text=True)


def test_meeting_times_are_settings_of_the_site_and_reach_the_phones(desk, world, fetch):
    data = settings_data(morning_meeting_start="08:10", morning_meeting_end="08:45", weekly_meeting_weekday="3")
    assert desk.post(f"/admin/sites/{world.site1}/settings", data).status_code == 302
    site = fetch(Site, world.site1)
    assert (site.setting("morning_meeting_start"), site.setting("morning_meeting_end"),
            site.setting("weekly_meeting_weekday")) == ("08:10", "08:45", 3)
    from app.api.changes import _site
    assert _site(site, None)["settings"]["weekly_meeting_weekday"] == 3
    assert fetch(Site, world.site2).setting("morning_meeting_end") == "08:30"  # the default, untouched


def test_blind_counting_is_the_sites_and_reaches_the_phones(desk, world, fetch, app):
    assert fetch(Site, world.site1).setting("stock_blind") is True
    page = desk.get(f"/admin/sites/{world.site1}/settings").get_data(as_text=True)
    [box] = re.findall(r'<input[^>]*name="stock_blind"[^>]*>', page)
    assert "checked" in box and 'type="checkbox"' in box
    data = settings_data()
    del data["stock_blind"]
    assert desk.post(f"/admin/sites/{world.site1}/settings", data).status_code == 302
    site = fetch(Site, world.site1)
    assert site.setting("stock_blind") is False
    from app.api.changes import _site
    assert _site(site, None)["settings"]["stock_blind"] is False


@pytest.mark.parametrize("changes, message", [
    ({"gate_windows-0-start": "7:30"}, "请按 时:分 填写时间"),
    ({"gate_windows-0-start": "25:00"}, "请按 时:分 填写时间"),
    ({"gate_windows-0-end": ""}, "请同时填写开始和结束时间"),
    ({"gate_windows-0-start": "09:00"}, "结束时间必须晚于开始时间"),
    ({"gate_day_end": "noon"}, "请按 时:分 填写时间"),
    ({"visit_max_minutes": "0"}, "请填写 1 到 525600 之间的数"),
    ({"visit_max_minutes": "-5"}, "请填写 1 到 525600 之间的数"),
    ({"visit_max_minutes": "abc"}, "不是有效的整数"),
    ({"visit_max_minutes": "9" * 10_000}, "不是有效的整数"),
    ({"clocks-high": "1.5"}, "不是有效的整数"),
    ({"clocks-low": ""}, "此项为必填项"),
    ({"stock_check_day": "31"}, "请填写 1 到 28 之间的数"),
    ({"device_token_days": "0"}, "请填写 1 到 365 之间的数"),
    ({"stock_tolerance_default": "-1"}, "请填写 0 到"),
    ({"stock_tolerance_default": "NaN"}, "请输入数字"),
    ({"stock_tolerance_default": "0.0001"}, "最多 3 位小数"),
    ({"sign_in_by": "8:20"}, "请按 时:分 填写时间"),
    ({"sign_out_after_summer": ""}, "此项为必填项"),
    ({"summer_months": "5,6,13"}, "请用 1 到 12 的数字表示月份"),
    ({"summer_months": "五月"}, "请用 1 到 12 的数字表示月份"),
    ({"morning_meeting_end": "8:31"}, "请按 时:分 填写时间"),
    ({"morning_meeting_start": ""}, "此项为必填项"),
    ({"weekly_meeting_weekday": "8"}, "请填写 1 到 7 之间的数"),
    ({"weekly_meeting_weekday": "0"}, "请填写 1 到 7 之间的数"),
])
def test_bad_settings_are_refused_and_nothing_written(desk, world, fetch, changes, message):
    before = fetch(Site, world.site1)
    response = desk.post(f"/admin/sites/{world.site1}/settings", settings_data(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    after = fetch(Site, world.site1)
    assert (after.settings, after.version) == (before.settings, before.version)
