"""A list's CSV counts its rows before it streams them: ``X-Export-Rows`` is the number of
lines that follow the header, with the page's filters, over every page of the list."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

from tests.integration.exports.conftest import csv_rows
from tests.integration.sync.conftest import SyncPhone

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def test_the_visitors_csv_says_how_many_rows_follow(app, desk_for, world):
    guard = SyncPhone(app.test_client(), "guard1")
    visits = [guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": f"访客{n}",
                                                "purpose": "delivery", "party_size": 1},
                             at=NOW - timedelta(hours=3, minutes=n)) for n in range(60)]
    assert {r["status"] for r in guard.push(visits).json["results"]} == {"applied"}
    desk = desk_for("supervisor1")
    today = NOW.astimezone(ZoneInfo("Asia/Shanghai")).date()
    days = f"site={world.site1}&from={today - timedelta(days=1)}&to={today}"
    everything = desk.get(f"/gate/visits?{days}&format=csv")
    assert everything.headers["X-Export-Rows"] == "60" and len(csv_rows(everything)) == 61
    filtered = desk.get(f"/gate/visits?{days}&q=访客1&format=csv")
    assert filtered.headers["X-Export-Rows"] == str(len(csv_rows(filtered)) - 1) == "11"  # 访客1, 访客10…19
