"""Gate posts' shared phones over HTTP: registered by a one-time code, people working on
them in shifts with PINs, and the server accepting records only within a shift."""
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from sqlalchemy import select

from app import pins
from app.extensions import db
from app.models import JournalRow
from app.models import Shift
from app.models import User
from app.models import Visit
from tests.factories import PASSWORD
from tests.factories import Phone
from tests.integration.sync.helpers import Outbox
from tests.integration.sync.helpers import check_in


def ago(minutes):
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)


def register_code(desk, post_id) -> str:
    page = desk.post(f"/admin/posts/{post_id}/register", {})
    assert page.status_code == 200
    return re.search(r'id="enrol-code"><code>([A-Z0-9-]+)</code>', page.get_data(as_text=True)).group(1)


class PostPhone(Phone):
    """A phone registered to a post; its outbox records in the name of the person on shift."""

    def register(self, code):
        self.client.delete_cookie("session")  # a phone has no desk cookie
        response = self.client.post("/api/v1/session/post", json={"code": code, "device_id": self.device_id})
        if response.status_code == 200:
            self.token, self.user = response.json["token"], response.json["user"]
        return response

    def as_(self, user_id) -> Outbox:
        outbox = Outbox(user_id, self.device_id)
        outbox.seq = self.seq
        return outbox

    def push(self, mutations):
        self.seq += len(mutations)
        return self.post("/api/v1/sync", json=Outbox("", self.device_id).request(mutations))


def test_a_phone_registers_to_a_post_once_per_code_and_no_password_opens_a_post(app, client, world, desk_for):
    desk = desk_for("admin1")
    code = register_code(desk, world.users["post1"])
    phone = PostPhone(app.test_client())
    answer = phone.register(code.lower().replace("-", " "))
    assert answer.status_code == 200, answer.json
    assert answer.json["user"]["role"] == "post" and answer.json["user"]["site_ids"] == [world.site1]
    again = PostPhone(app.test_client()).register(code)
    assert again.status_code == 401 and again.json["error"]["code"] == "invalid_credentials"
    assert PostPhone(app.test_client()).register("").status_code == 422
    assert PostPhone(app.test_client()).register("ABCD-EFGH-JKMN").status_code == 401
    assert Phone(app.test_client()).sign_in("post1").status_code == 401  # a post has no password to try


def test_a_pin_is_set_by_the_admin_and_reaches_only_post_phones(app, client, world, desk_for):
    desk = desk_for("admin1")
    guard = world.users["guard1"]
    refused = desk.post(f"/admin/users/{guard}/pin", {"pin": "12a4"})
    assert refused.status_code == 422 and "当班密码为 4 至 6 位数字" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, guard).pin_hash is None
    assert desk.post(f"/admin/users/{guard}/pin", {"pin": "2468"}).status_code == 302
    with app.app_context():
        assert pins.check_pin(db.session.get(User, guard).pin_hash, "2468")
    post = PostPhone(app.test_client())
    assert post.register(register_code(desk, world.users["post1"])).status_code == 200
    people = {c["id"]: c["data"] for c in post.push([]).json["changes"] if c["type"] == "user"}
    assert pins.check_pin(people[guard]["pin_hash"], "2468")
    assert world.users["guard2"] not in people
    colleague = Phone(app.test_client())
    colleague.sign_in("lead1")
    theirs = {c["id"]: c["data"] for c in colleague.post("/api/v1/sync", json=Outbox("", colleague.device_id).request())
              .json["changes"] if c["type"] == "user"}
    assert guard in theirs and "pin_hash" not in theirs[guard]
    assert world.users["post1"] not in theirs  # a post is nobody's colleague


def test_records_are_accepted_within_a_shift_on_that_phone_only(app, client, world, desk_for):
    desk = desk_for("admin1")
    post = PostPhone(app.test_client())
    assert post.register(register_code(desk, world.users["post1"])).status_code == 200
    guard, lead, other = (post.as_(world.users[n]) for n in ("guard1", "lead1", "guard2"))
    shift = guard.mutation("shift.start", {"site_id": world.site1}, at=ago(60))
    visit = guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "王五", "purpose": "visit",
                                               "party_size": 1}, at=ago(50))
    outside = check_in(lead, world.site1)  # the lead has no shift open
    stranger = other.mutation("shift.start", {"site_id": world.site1}, at=ago(40))
    end = guard.mutation("shift.end", {"handover_note": "王五在场", "inside_count": 1}, entity_id=shift["entity_id"],
                         at=ago(30))
    results = post.push([shift, visit, outside, stranger, end]).json["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "rejected", "applied"]
    assert results[2]["errors"] == {"user_id": ["当时此人未在本手机上当班。"]}
    assert results[3]["errors"] == {"user_id": ["此人不在本岗位所属小区工作。"]}
    with app.app_context():
        stored = db.session.get(Visit, visit["entity_id"])
        assert (stored.user_id, stored.device_id) == (world.users["guard1"], post.device_id)
        assert db.session.get(JournalRow, visit["id"]).user_id == world.users["post1"]
        row = db.session.get(Shift, shift["entity_id"])
        assert row.post_id == world.users["post1"] and row.handover_note == "王五在场" and row.ended_at
    # The same person on another phone of the post has no shift there.
    second = PostPhone(app.test_client())
    assert second.register(register_code(desk, world.users["post1"])).status_code == 200
    late = second.as_(world.users["guard1"]).mutation("visit.check_out", entity_id=visit["entity_id"])
    assert second.push([late]).json["results"][0]["status"] == "rejected"


def test_a_signed_out_post_phone_is_refused_whole(app, client, world, desk_for):
    desk = desk_for("admin1")
    post = PostPhone(app.test_client())
    assert post.register(register_code(desk, world.users["post1"])).status_code == 200
    with app.app_context():
        from app.models import DeviceToken
        token = db.session.scalar(select(DeviceToken).where(DeviceToken.device_id == post.device_id))
        token_id = token.id
    assert desk.post(f"/admin/posts/{world.users['post1']}/phones/{token_id}/revoke", {}).status_code == 302
    assert post.push([]).status_code == 401


def test_people_set_their_own_pin_with_their_password(app, client, world):
    phone = Phone(app.test_client())
    assert phone.sign_in("store1").status_code == 200
    keeper = world.users["store1"]
    wrong = phone.client.put("/api/v1/session/pin", headers=phone.headers(), json={"pin": "1357", "password": "nope"})
    assert wrong.status_code == 422 and wrong.json["error"]["details"] == {"password": ["密码错误。"]}
    short = phone.client.put("/api/v1/session/pin", headers=phone.headers(), json={"pin": "12", "password": "x"})
    assert short.status_code == 422 and "pin" in short.json["error"]["details"]
    with app.app_context():
        assert db.session.get(User, keeper).pin_hash is None
    ok = phone.client.put("/api/v1/session/pin", headers=phone.headers(), json={"pin": "1357", "password": PASSWORD})
    assert ok.status_code == 204
    with app.app_context():
        assert pins.check_pin(db.session.get(User, keeper).pin_hash, "1357")
    supervisor = Phone(app.test_client())
    assert supervisor.sign_in("supervisor1").status_code == 200
    assert supervisor.client.put("/api/v1/session/pin", headers=supervisor.headers(),
                                 json={"pin": "1357", "password": PASSWORD}).status_code == 403
