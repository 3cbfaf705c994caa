"""Retention: ``flask privacy purge`` removes the ID and phone numbers of visits checked in
before each site's ``privacy_retention_days``, with their journal copies, and nothing else;
a dry run changes nothing, a second run finds nothing, two at once do the work once."""
import threading
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalRow
from app.models import Site
from app.models import Visit
from app.privacy import purge
from tests.integration.admin.test_sites import settings_data
from tests.integration.sync.helpers import check_in

OLD_PHONE, OLD_ID, REUSED = "13800000001", "110101198001030011", "13800000009"
NEW_PHONE, NEW_ID = "13900000002", "110101199001180022"
KEPT_PHONE = "13700000003"  # site 2 keeps numbers 120 days
REFUSED_PHONE = "13600000004"


def now() -> datetime:
    return datetime.now(timezone.utc)


def at(days: int) -> datetime:
    return now() - timedelta(days=days)


@pytest.fixture()
def scene(app, world, phone_for):
    with app.app_context():
        site = db.session.get(Site, world.site2)
        site.settings = {**(site.settings or {}), "privacy_retention_days": 120}
        db.session.commit()
    guard1, lead1, guard2 = phone_for("guard1"), phone_for("lead1"), phone_for("guard2")

    def visit(phone, site, **data):
        mutation = phone.mutation("visit.check_in", {"site_id": site, "visitor_name": "访客", "purpose": "visit",
                                                     "party_size": 1, **data.pop("body", {})}, **data)
        assert phone.push([mutation]).json["results"][0]["status"] == "applied"
        return mutation

    old = visit(guard1, world.site1, at=at(100), body={"visitor_name": "老访客", "phone": OLD_PHONE,
                                                        "id_number": OLD_ID})
    reused = {**old, "data": {**old["data"], "phone": REUSED}}
    assert guard1.push([reused]).json["results"][0]["code"] == "mutation_id_reused"
    out = lead1.mutation("visit.check_out", entity_id=old["entity_id"], at=at(100) + timedelta(hours=1))
    assert lead1.push([out]).json["results"][0]["status"] == "applied"
    new = visit(guard1, world.site1, at=at(10), body={"visitor_name": "新访客", "phone": NEW_PHONE,
                                                       "id_number": NEW_ID})
    kept = visit(guard2, world.site2, at=at(100), body={"visitor_name": "金桂苑访客", "phone": KEPT_PHONE})
    refused = check_in(guard1.outbox, world.site1, purpose="party", phone=REFUSED_PHONE)
    assert guard1.push([refused]).json["results"][0]["status"] == "rejected"
    return {"old": old, "new": new, "kept": kept, "refused": refused, "out": out}


def run(app, *args):
    return app.test_cli_runner().invoke(args=["privacy", "purge", *args])


def table_text(app) -> str:
    with app.app_context(), db.engine.connect() as conn:
        return " ".join(str(v) for table in ("visits", "sync_journal")
                        for row in conn.execute(sa.text(f"SELECT * FROM {table}")) for v in row)


def numbers_of(app, visit_id):
    with app.app_context():
        row = db.session.get(Visit, visit_id)
        return row.visitor_name, row.phone, row.id_number, row.phone_mac, row.id_mac, row.phone_tail


def journal_numbers(app, mutation_id):
    with app.app_context():
        row = db.session.get(JournalRow, mutation_id)
        return ([row.raw["data"].get("phone"), row.raw["data"].get("id_number")]
                + [r["raw"]["data"].get("phone") for r in row.reuses], row.has_numbers)


def test_numbers_past_the_sites_retention_are_removed_with_their_journal_copies(app, world, scene):
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "S1 翠湖花园: removed the numbers of 1 visit(s) and 1 journal row(s)" in result.output
    assert "(90 days)" in result.output and "(120 days)" in result.output
    assert "S2 金桂苑: removed the numbers of 0 visit(s) and 0 journal row(s)" in result.output
    assert "journal rows of no visit: removed the numbers of 0" in result.output

    assert numbers_of(app, scene["old"]["entity_id"]) == ("老访客", None, None, None, None, None)
    assert journal_numbers(app, scene["old"]["id"]) == ([None, None, None], False)
    name, phone, id_number, *_ = numbers_of(app, scene["new"]["entity_id"])
    assert (name, phone, id_number) == ("新访客", NEW_PHONE, NEW_ID)
    assert numbers_of(app, scene["kept"]["entity_id"])[1] == KEPT_PHONE
    assert journal_numbers(app, scene["new"]["id"]) == ([NEW_PHONE, NEW_ID], True)
    assert journal_numbers(app, scene["refused"]["id"]) == ([REFUSED_PHONE, None], True)

    # Counts stay: every visit is still there, checked out as it was.
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 3
        assert db.session.get(Visit, scene["old"]["entity_id"]).checked_out_mutation_id == scene["out"]["id"]
    # Neither ciphertext nor a MAC of the old numbers is left, and they no longer find the visit.
    with app.app_context():
        stored = db.session.execute(sa.text("SELECT phone, phone_mac FROM visits WHERE id = :i"),
                                    {"i": scene["old"]["entity_id"]}).one()
        assert tuple(stored) == (None, None)
        raw = db.session.execute(sa.text("SELECT raw FROM sync_journal WHERE mutation_id = :i"),
                                 {"i": scene["old"]["id"]}).scalar()
        assert "v1:" not in str(raw)


def test_a_retry_after_the_purge_is_still_a_duplicate(app, world, scene, phone_for):
    assert run(app).exit_code == 0
    guard = phone_for("guard1")
    assert guard.push([scene["old"]]).json["results"][0]["status"] == "duplicate"
    assert journal_numbers(app, scene["old"]["id"])[0] == [None, None, None]


def test_a_dry_run_counts_and_changes_nothing(app, scene):
    before = table_text(app)
    result = run(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "S1 翠湖花园: would remove the numbers of 1 visit(s) and 1 journal row(s)" in result.output
    assert "dry run, nothing changed" in result.output
    assert table_text(app) == before
    assert numbers_of(app, scene["old"]["entity_id"])[1] == OLD_PHONE


def test_a_second_run_finds_nothing_and_later_runs_catch_up(app, world, scene):
    assert run(app).exit_code == 0
    again = run(app)
    assert "S1 翠湖花园: removed the numbers of 0 visit(s) and 0 journal row(s)" in again.output
    # 91 days on, the visit of 10 days ago and the refused check-in (arrived today) are due too.
    later = (now() + timedelta(days=91)).isoformat()
    result = run(app, "--now", later, "--site", "S1")
    assert "S1 翠湖花园: removed the numbers of 1 visit(s) and 1 journal row(s)" in result.output
    assert "journal rows of no visit: removed the numbers of 1" in result.output
    assert "S2" not in result.output
    assert numbers_of(app, scene["new"]["entity_id"])[1:3] == (None, None)
    assert journal_numbers(app, scene["refused"]["id"]) == ([None, None], False)
    assert numbers_of(app, scene["kept"]["entity_id"])[1] == KEPT_PHONE
    for needle in (OLD_PHONE, OLD_ID, REUSED, NEW_PHONE, NEW_ID, REFUSED_PHONE):
        assert needle not in table_text(app)


def test_the_retention_comes_from_the_site_settings(app, world, scene, desk_for):
    admin = desk_for("admin1")
    refused = admin.post(f"/admin/sites/{world.site1}/settings", settings_data(privacy_retention_days="6"))
    assert refused.status_code == 422 and "请填写 7 到 3650 之间的数" in refused.get_data(as_text=True)
    page = admin.text(f"/admin/sites/{world.site1}/settings")
    assert 'name="privacy_retention_days"' in page and 'value="90"' in page
    assert admin.post(f"/admin/sites/{world.site1}/settings",
                      settings_data(privacy_retention_days="7")).status_code == 302
    result = run(app)
    assert "S1 翠湖花园: removed the numbers of 2 visit(s) and 2 journal row(s)" in result.output
    assert "(7 days)" in result.output


def test_two_purges_at_once_do_the_work_once(app, world, scene):
    outcomes, errors = [], []

    def one():
        try:
            with app.app_context():
                outcomes.append(purge.run(now()))
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(outcomes) == 2
    site1 = [next(r for r in o.sites if r.code == "S1") for o in outcomes]
    assert all(r.error is None for r in site1)
    assert sorted((r.visits, r.journal_rows) for r in site1) == [(0, 0), (1, 1)]
    assert numbers_of(app, scene["old"]["entity_id"])[1] is None


def test_bad_options_exit_2(app, world):
    result = run(app, "--site", "NOPE")
    assert result.exit_code == 2 and "no such site: NOPE" in result.output
    result = run(app, "--now", "2026-11-27T08:00:00")
    assert result.exit_code == 2 and "offset" in result.output


def test_the_purge_needs_no_data_key(app, world, scene):
    """Numbers are dropped, never read: a server whose key is unusable can still purge."""
    from app import create_app
    from tests.conftest import make_config

    keyless = create_app(make_config(DATA_KEY="too-short"))
    result = keyless.test_cli_runner().invoke(args=["privacy", "purge"])
    with keyless.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "S1 翠湖花园: removed the numbers of 1 visit(s)" in result.output
