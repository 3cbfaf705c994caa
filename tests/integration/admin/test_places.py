"""Checkpoints, routes and the A4 sheet of QR codes; each printed code must scan back to its checkpoint."""
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp

from app.models import Checkpoint
from app.models import Route


def route_codes(app, route_id) -> list[str]:
    with app.app_context():
        from app.extensions import db
        route = db.session.get(Route, route_id)
        return [stop.checkpoint.code for stop in route.stops]


# --- checkpoints -------------------------------------------------------------------------

def test_checkpoints_listed_per_site(desk, world):
    text = desk.text(f"/admin/checkpoints?site={world.site2}")
    assert "S2-CP1" in text and "S1-CP1" not in text


def test_create_edit_and_deactivate_checkpoint(app, desk, count, fetch, world):
    response = desk.post("/admin/checkpoints/new", {"site_id": world.site1, "name": "东门岗", "code": "S1-GATE",
                                                    "lat": "30.25", "lng": "120.16"})
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db
        point = db.session.scalar(db.select(Checkpoint).where(Checkpoint.code == "S1-GATE"))
        point_id, version = point.id, point.version
        assert (point.site_id, point.lat, point.active) == (world.site1, 30.25, True)
    response = desk.post(f"/admin/checkpoints/{point_id}/edit", {"name": "东门", "code": "S1-GATE",
                                                                  "description": "岗亭外墙"})
    assert response.status_code == 302
    assert fetch(Checkpoint, point_id).description == "岗亭外墙"
    assert desk.post(f"/admin/checkpoints/{point_id}/deactivate").status_code == 302
    after = fetch(Checkpoint, point_id)
    assert not after.active and after.version > version
    assert "<code>S1-GATE</code>" not in desk.text("/admin/checkpoints")
    assert "<code>S1-GATE</code>" in desk.text("/admin/checkpoints?status=inactive")
    assert desk.post(f"/admin/checkpoints/{point_id}/activate").status_code == 302
    assert fetch(Checkpoint, point_id).active


@pytest.mark.parametrize("changes, message", [
    ({"code": "S2-CP1"}, "该值已被使用"),
    ({"code": "s2-cp1"}, "该值已被使用"),
    ({"code": "东门"}, "只能使用字母"),
    ({"code": "C" * 41}, "最多 40 个字符"),
    ({"name": "门" * 10_000}, "最多 80 个字符"),
    ({"lat": "91"}, "请填写 -90 到 90 之间的数"),
    ({"lat": "nan"}, "请输入数字"),
    ({"lng": "east"}, "不是有效的浮点数"),
    ({"site_id": "somewhere"}, "不是有效的选择"),
])
def test_bad_checkpoint_is_refused(desk, count, world, changes, message):
    data = {"site_id": world.site1, "name": "东门岗", "code": "S1-NEW"}
    data.update(changes)
    before = count(Checkpoint)
    response = desk.post("/admin/checkpoints/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Checkpoint) == before


# --- routes ------------------------------------------------------------------------------

def test_create_route_keeps_the_order_typed(app, desk, count, world):
    response = desk.post("/admin/routes/new", {"site_id": world.site1, "name": "夜巡", "window_start": "21:00",
                                               "window_end": "23:30", "active": "y",
                                               "codes": "S1-CP3\ns1-cp1，S1-CP2 S1-CP3"})
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db
        route_id = db.session.scalar(db.select(Route.id).where(Route.name == "夜巡"))
    assert route_codes(app, route_id) == ["S1-CP3", "S1-CP1", "S1-CP2", "S1-CP3"]


def test_new_route_page_offers_the_sites_checkpoints(desk, world):
    text = desk.text(f"/admin/routes/new?site={world.site1}")
    assert 'data-code="S1-CP1"' in text and "S2-CP1" not in text


def test_edit_route(app, desk, fetch, world):
    assert "S1-CP1\nS1-CP2\nS1-CP3" in desk.text(f"/admin/routes/{world.route1}/edit")
    response = desk.post(f"/admin/routes/{world.route1}/edit", {"name": "白天", "window_start": "",
                                                                 "window_end": "", "codes": "S1-CP2\nS1-CP1"})
    assert response.status_code == 302
    route = fetch(Route, world.route1)
    assert (route.name, route.window_start, route.active) == ("白天", None, False)
    assert route_codes(app, world.route1) == ["S1-CP2", "S1-CP1"]


@pytest.mark.parametrize("changes, message", [
    ({"codes": "S1-CP1\nS2-CP1"}, "本小区没有编码为 S2-CP1 的巡更点"),
    ({"codes": "NOPE"}, "本小区没有编码为 NOPE 的巡更点"),
    ({"codes": " \n "}, "此项为必填项"),
    ({"codes": "\n".join(["S1-CP1"] * 201)}, "一条路线最多 200 个巡更点"),
    ({"window_start": "08:00", "window_end": ""}, "时段的开始和结束须同时填写或同时留空"),
    ({"window_start": "22:00", "window_end": "22:00"}, "时段的结束时间不能与开始时间相同"),
    ({"window_start": "8点", "window_end": "9点"}, "请按 时:分 填写时间"),
    ({"name": "路" * 10_000}, "最多 80 个字符"),
    ({"site_id": "elsewhere"}, "不是有效的选择"),
])
def test_bad_route_is_refused(app, desk, count, world, changes, message):
    data = {"site_id": world.site1, "name": "新路线", "codes": "S1-CP1"}
    data.update(changes)
    before = count(Route)
    response = desk.post("/admin/routes/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Route) == before


def test_a_night_window_runs_over_midnight(app, desk, world):
    response = desk.post("/admin/routes/new", {"site_id": world.site1, "name": "通宵巡更", "codes": "S1-CP1",
                                               "window_start": "21:00", "window_end": "05:00", "active": "y"})
    assert response.status_code == 302
    from sqlalchemy import select

    from app.extensions import db
    with app.app_context():
        route = db.session.scalar(select(Route).where(Route.name == "通宵巡更"))
        assert (route.window_start, route.window_end) == ("21:00", "05:00")


def test_deactivated_checkpoint_cannot_join_a_route(app, desk, world):
    desk.post(f"/admin/checkpoints/{world.checkpoints1[1]}/deactivate")
    response = desk.post(f"/admin/routes/{world.route1}/edit", {"name": "x", "codes": "S1-CP1\nS1-CP2",
                                                                 "active": "y"})
    assert response.status_code == 422
    assert "巡更点 S1-CP2 已停用" in response.get_data(as_text=True)
    assert route_codes(app, world.route1) == ["S1-CP1", "S1-CP2", "S1-CP3"]


# --- the QR sheet ------------------------------------------------------------------------

def svg_modules(svg: ET.Element) -> tuple[int, set[tuple[int, int]]]:
    """Read segno's path back into dark (x, y) modules, independently of segno."""
    size = int(svg.get("viewBox").split()[2])
    path = next(p for p in svg.iter() if p.tag.endswith("path") and p.get("class") == "qrline")
    dark, x, y = set(), 0.0, 0.0
    for command, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path.get("d")):
        a = float(a)
        if command == "M":
            x, y = a, float(b)
        elif command == "m":
            x, y = x + a, y + float(b)
        else:
            end = a if command == "H" else x + a
            dark.update((int(col), int(y)) for col in range(int(x), int(end)))
            x = end
    return size, dark


def decode(size: int, dark: set[tuple[int, int]], scale: int = 6) -> list[str]:
    """Draw the modules as a greyscale bitmap and let ZXing read it, as a phone camera would."""
    side = size * scale
    pixels = bytearray(b"\xff") * (side * side)
    for col, row in dark:
        for dy in range(scale):
            start = (row * scale + dy) * side + col * scale
            pixels[start:start + scale] = b"\x00" * scale

    class Bitmap:
        __array_interface__ = {"shape": (side, side), "typestr": "|u1", "data": bytes(pixels), "version": 3}

    return [barcode.text for barcode in zxingcpp.read_barcodes(Bitmap())]


def test_qr_sheet_codes_scan_back_to_each_checkpoint(desk, world):
    response = desk.get(f"/admin/routes/{world.route1}/qr")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "@page qr { size: A4" in desk.text("/static/css/admin.css")  # the QR sheet's own margin-free page
    cards = re.findall(r'<article class="qr-card" data-code="([^"]+)">(.*?)</article>', html, re.S)
    assert [code for code, _ in cards] == ["S1-CP1", "S1-CP2", "S1-CP3"]
    for code, card in cards:
        svg = ET.fromstring(re.search(r"<svg.*?</svg>", card, re.S).group(0))
        assert svg.get("width") is None  # sized by the print CSS
        size, dark = svg_modules(svg)
        assert decode(size, dark) == [code]
        assert f'<div class="qr-text">{code}</div>' in card
        assert "巡更点" in card


def test_qr_sheet_puts_six_cards_on_each_page(app, desk, world):
    with app.app_context():
        from app.extensions import db
        route = db.session.get(Route, world.route1)
        extra = [Checkpoint(site_id=world.site1, name=f"点{i}", code=f"S1-X{i}") for i in range(10)]
        db.session.add_all(extra)
        db.session.flush()
        route.set_checkpoints(route.checkpoint_ids + [c.id for c in extra])
        db.session.commit()
    html = desk.text(f"/admin/routes/{world.route1}/qr")
    pages = html.split('<section class="qr-sheet">')[1:]
    assert [page.count('class="qr-card"') for page in pages] == [6, 6, 1]


def test_qr_sheet_leaves_out_deactivated_checkpoints(desk, world):
    desk.post(f"/admin/checkpoints/{world.checkpoints1[0]}/deactivate")
    html = desk.text(f"/admin/routes/{world.route1}/qr")
    assert 'data-code="S1-CP1"' not in html
    assert "以下巡更点已停用，不打印" in html and "S1-CP1" in html
