"""The front desk's registers in the demo: decoration permits and rental households.

Two permits in force at each site (one of them named by a worker's visit in the browser
tests), one finished; rental households of the units marked as rented, in mixed states,
so that the awareness rate is short of its 100 % target and the page has people to call.
Dates are relative to the day the demo is seeded.
"""
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import Unit
from app.models import utcnow
from app.models.frontdesk import DecorationPermit
from app.models.frontdesk import RentalHousehold

PERMITS = [
    # unit, applicant, company, workers, first day (days from today), length, status
    ("2-1-502", "陈业主", "美家装饰工程有限公司", ["张建军", "李师傅", "王小明"], -5, 40, "active"),
    ("3-2-801", "黄女士", "安居家装", ["赵木工", "钱电工"], -12, 30, "active"),
    ("1-2-301", "周先生", "美家装饰工程有限公司", ["孙油漆"], -60, 45, "finished"),
]
# (tenants, informed, registered): the states rental households are in.
HOUSEHOLDS = [
    (["刘洋", "刘晨"], True, True), (["何静"], True, True), (["马超", "马丽", "马小宝"], True, False),
    (["吴磊"], False, False), (["郑爽"], True, True), (["冯刚", "冯芳"], False, False),
]


def seed_front_desk(site) -> None:
    """Permits and rental households of one demo site (called once, with the site)."""
    db.session.flush()
    today = utcnow().astimezone(ZoneInfo(site.timezone)).date()
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.site_id == site.id))}
    for code, applicant, company, workers, first, length, status in PERMITS:
        unit = units.get(code)
        if unit is None:
            continue
        start = today + timedelta(days=first)
        db.session.add(DecorationPermit(
            site_id=site.id, unit_id=unit.id, applicant_name=applicant, applicant_phone="13800138000",
            contractor=company, contractor_phone="020-88886666", workers=workers, start_date=start,
            end_date=start + timedelta(days=length), hours_start="08:00", hours_end="18:00",
            deposit=Decimal("3000.00"), deposit_returned=status == "finished",
            deposit_returned_on=start + timedelta(days=length) if status == "finished" else None,
            rules_signed=True, rules_signed_on=start - timedelta(days=1), status=status,
            closed_on=start + timedelta(days=length) if status == "finished" else None))
    rented = sorted((u for u in units.values() if u.occupancy == "tenant"), key=lambda u: u.code)
    for n, (unit, (tenants, informed, registered)) in enumerate(zip(rented, HOUSEHOLDS)):
        moved_in = today - timedelta(days=30 + 20 * n)
        db.session.add(RentalHousehold(
            site_id=site.id, unit_id=unit.id, tenant_names=tenants, tenant_count=len(tenants),
            move_in_on=moved_in, informed=informed, informed_on=moved_in + timedelta(days=2) if informed else None,
            registered=registered, registered_on=moved_in + timedelta(days=5) if registered else None))
