"""The monthly material feedback from stock counts synced by phones, as Excel-ready CSV."""
import csv
import io
from datetime import datetime
from datetime import timezone

import pytest

from tests.integration.sync.conftest import SyncPhone

# Shanghai is UTC+8: 16:30 UTC on the last day of a month is 00:30 on the 1st of the next.
FIRST_OF_MARCH = datetime(2025, 2, 28, 16, 30, tzinfo=timezone.utc)
LAST_OF_MARCH = datetime(2025, 3, 31, 15, 0, tzinfo=timezone.utc)
FIRST_OF_APRIL = datetime(2025, 3, 31, 16, 30, tzinfo=timezone.utc)


def counted(phone, site_id, counts, at):
    """One stock check with ``counts`` of (item_id, counted, defective, note), pushed."""
    check = phone.mutation("stock.check_start", {"site_id": site_id}, at=at)
    mutations = [check] + [
        phone.mutation("stock.count", {"check_id": check["entity_id"], "item_id": item,
                                       "counted_qty": qty, "defective_qty": bad, "note": note}, at=at)
        for item, qty, bad, note in counts]
    results = phone.push(mutations).json["results"]
    assert [r["status"] for r in results] == ["applied"] * len(mutations), results
    return check


def report(app, *args):
    result = app.test_cli_runner().invoke(args=["reports", "material-feedback", *args])
    return result


def table(output: str) -> list[list[str]]:
    assert output.startswith("\ufeff")
    return list(csv.reader(io.StringIO(output[1:])))


@pytest.fixture()
def keepers(client, world):
    return SyncPhone(client, "store1"), SyncPhone(client, "store2")


def test_defective_pieces_are_summed_over_the_sites_local_month(app, world, keepers):
    one, two = keepers
    bulb, tap, gloves = world.items1
    counted(one, world.site1, [(bulb, 10, 2, "灯丝断"), (tap, 20, 0, None)], FIRST_OF_MARCH)
    counted(one, world.site1, [(bulb, 8, "1.5", "玻璃裂")], LAST_OF_MARCH)
    counted(one, world.site1, [(bulb, 8, 4, "四月的"), (gloves, 30, 3, None)], FIRST_OF_APRIL)
    counted(two, world.site2, [(world.items2[0], 5, 1, None)], LAST_OF_MARCH)

    result = report(app, "--month", "2025-03")
    assert result.exit_code == 0, result.output
    rows = table(result.output)
    assert rows[0] == ["小区", "仓库", "物资", "单位", "不合格数量", "盘点次数", "备注"]
    assert rows[1:] == [
        ["翠湖花园", "翠湖花园仓库", "水龙头", "个", "0", "1", ""],
        ["翠湖花园", "翠湖花园仓库", "灯泡", "个", "3.5", "2", "灯丝断；玻璃裂"],
        ["金桂苑", "金桂苑仓库", "灯泡", "个", "1", "1", ""],
    ]

    april = table(report(app, "--month", "2025-04", "--site", "S1").output)
    assert [r[2:6] for r in april[1:]] == [["手套", "个", "3", "1"], ["灯泡", "个", "4", "1"]]


def test_a_superseded_count_is_left_out(app, world, keepers):
    one, _ = keepers
    bulb = world.items1[0]
    check = one.mutation("stock.check_start", {"site_id": world.site1}, at=FIRST_OF_MARCH)
    first = one.mutation("stock.count", {"check_id": check["entity_id"], "item_id": bulb,
                                         "counted_qty": 9, "defective_qty": 5}, at=FIRST_OF_MARCH)
    later = one.mutation("stock.count", {"check_id": check["entity_id"], "item_id": bulb,
                                         "counted_qty": 10, "defective_qty": 2},
                         at=LAST_OF_MARCH)
    assert [r["status"] for r in one.push([check, first, later]).json["results"]] == ["applied"] * 3
    rows = table(report(app, "--month", "2025-03", "--site", "S1").output)
    assert rows[1:] == [["翠湖花园", "翠湖花园仓库", "灯泡", "个", "2", "1", ""]]


def test_one_site_only_and_a_month_with_nothing(app, world, keepers):
    one, two = keepers
    counted(one, world.site1, [(world.items1[0], 1, 1, None)], LAST_OF_MARCH)
    counted(two, world.site2, [(world.items2[0], 1, 1, None)], LAST_OF_MARCH)
    rows = table(report(app, "--month", "2025-03", "--site", "S2").output)
    assert [r[0] for r in rows[1:]] == ["金桂苑"]
    empty = table(report(app, "--month", "2025-05").output)
    assert len(empty) == 1


def test_a_month_that_is_not_one_is_refused_in_chinese(app, world):
    result = report(app, "--month", "2025-13")
    assert result.exit_code == 2
    assert "请按 YYYY-MM 格式填写月份" in result.output


def test_an_unknown_site_code_is_refused(app, world):
    result = report(app, "--month", "2025-03", "--site", "NOPE")
    assert result.exit_code == 2 and "没有这个编码的小区" in result.output


@pytest.mark.parametrize("note", ["=HYPERLINK(\"http://x\",\"点\")", "+1+1", "-2", "@SUM(A1)"])
def test_a_note_that_a_spreadsheet_would_run_is_written_as_text(app, world, keepers, note):
    one, _ = keepers
    counted(one, world.site1, [(world.items1[0], 10, 1, note)], LAST_OF_MARCH)
    rows = table(report(app, "--month", "2025-03").output)
    assert rows[1][6] == "'" + note
