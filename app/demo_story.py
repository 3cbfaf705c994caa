"""What happens at the two demo estates on each day: the records people make on their phones.

``Story.tell`` fills the phones' outboxes for one day and says when each phone syncs.
Most of a day is drawn from the seeded random source (rounds, findings, visitors); a few
things are fixed on given days, so that every screen of the office has its case:

* each manager patrols the day route at about 08:40 (the morning meeting ends 08:30); one
  day a round misses the locked rooms, another day there is no round at all;
* the team lead walks the night route after 21:00;
* 20 to 40 visitors a day pass each gate, most at the peaks; a visitor flagged at 翠湖花园;
  two visitors still inside past the end of the gate day, one who left the next morning;
* one stock check a month with a short count, a recount, a surplus and defective tubes;
* complaints taken on patrol, at the gate and at the desk (one collective, one repeat);
* repair requests taken by customer service, worked by the repair worker with materials
  from the store and signed off by the owner; older weeks' approved on their Monday, last
  week's waiting for this Monday's approval;
* two phones reassign one follow-up at nearly the same time (a conflict for review);
* 保洁员2's phone stops syncing two days ago with records still on it;
* 保安1's phone loses one answer and sends the same day again.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app import demo_texts as t
from app.api.store import SqlStore
from app.demo_history import SHIFTS
from app.demo_reports import file_reports
from app.extensions import db
from app.models import Checkpoint
from app.models import Item
from app.models import Route
from app.models import Store
from app.models import Unit
from app.models import FollowUp
from sync.context import derived_id
from sync.id_numbers import resident_id
from sync.inspection_rules import checklist
from sync.inspection_rules import week_start

MISSED_DAY = {"CHHY": -9, "JGY": -6}  # the round misses the locked rooms
NO_PATROL_DAY = {"CHHY": -5, "JGY": -11}
LOCKED = ("配电房", "水泵房")
FLAG_DAY = ("CHHY", -4)
STUCK_DAY = ("JGY", -9)
CONFLICT_DAYS = ("CHHY", -3, -2)  # the finding, then the two reassignments
QUIET = ("JGY", "clean", -2, 3)  # the phone, its last sync day, records left on it
QUIET_FINDING_DAYS = (-3, -2)
RESEND = ("CHHY", "guard", -6)
LOCATIONS = {"CHHY": (22.54312, 114.05786), "JGY": (23.12911, 113.26436)}
PLATE_REGION = {"CHHY": "粤B", "JGY": "粤A"}
STOCK_ITEMS = 12
ATTENDANCE_LATE = {"CHHY": -3, "JGY": -8}  # the manager signs in at 08:27
ATTENDANCE_EARLY = {"CHHY": -6, "JGY": -4}  # and out at 17:12
# Morning meetings on workdays: of the past workdays, most recent first, the one at this
# index starts late (08:36) and the one at the other has no meeting at all.
MEETING_LATE = {"CHHY": 1, "JGY": 4}
MEETING_MISSED = {"CHHY": 3, "JGY": 2}
INSPECTED = ("clean", "guard", "repair", "store", "cs")  # whom the manager inspects, in turn
INSPECTION_SHORT = "JGY"  # this site's manager misses last week's Thursday inspection (1 of 2)
REPEAT_AFTER_DAYS = 6  # the same problem noted again at a site only after this many days


class Story:
    """The demo's days, told to the phones of ``history`` (``demo_history.History``)."""

    def __init__(self, history):
        self.h = history
        self.rng = history.rng
        self.places = {site.code: self._places(site) for site in history.sites}
        self.complaints: dict[tuple[int, int], str] = {}  # (site number, day offset) -> complaint id
        self.conflict_finding: str | None = None
        self.seen: dict[str, dict[str, date]] = {}  # findings' descriptions by site: last day seen
        self.stock_plan = self._stock_days()

    def _places(self, site) -> dict:
        checkpoints = list(db.session.scalars(
            select(Checkpoint).where(Checkpoint.site_id == site.id).order_by(Checkpoint.code)))
        routes = {r.name: r for r in db.session.scalars(select(Route).where(Route.site_id == site.id))}
        store = db.session.scalar(select(Store).where(Store.site_id == site.id))
        items = list(db.session.scalars(select(Item).where(Item.store_id == store.id).order_by(Item.sku)))
        units = list(db.session.scalars(select(Unit.code).where(Unit.site_id == site.id).order_by(Unit.code)))
        by_id = {c.id: c for c in checkpoints}
        return {
            "day": routes["日间巡视路线"], "night": routes["夜间巡更路线"],
            "day_stops": [by_id[i] for i in routes["日间巡视路线"].checkpoint_ids],
            "night_stops": [by_id[i] for i in routes["夜间巡更路线"].checkpoint_ids],
            "store": store, "items": items, "units": units,
        }

    # -- a day -------------------------------------------------------------------------------
    def tell(self, day: date, offset: int) -> list:
        """Record the day at both sites; ``(phone, moment)`` of each phone's sync that day."""
        pushes = []
        for n, site in enumerate(self.h.sites, start=1):
            manager_sync = self.day_patrol(site, day, offset)
            self.night_round(site, day, offset)
            self.gate(site, day, offset)
            self.scripted_gate(site, day, offset)
            pushes += self.complaints_of(site, n, day, offset)
            pushes += self.repairs_of(site, n, day, offset)
            self.stock_check(site, day)
            self.reassignments(site, day, offset)
            self.attendance(site, day, offset)
            file_reports(self.h, site, day, offset)
            self.meetings(site, day, offset)
            self.inspection(site, day, offset)
            for post in SHIFTS:
                phone = self.h.phone(site, post)
                if post == "manager":
                    moment = manager_sync
                else:
                    moment = self.h.at(day, SHIFTS[post][2], self.rng.uniform(0, 9))
                if (site.code, post, offset) == RESEND:
                    phone.resend = True
                if (site.code, post, offset) == QUIET[:3]:
                    phone.holding = QUIET[3]
                pushes.append((phone, moment))
        return pushes

    # -- attendance and the work log ------------------------------------------------------
    def attendance(self, site, day: date, offset: int) -> None:
        """The manager signs in before 08:20 and out after the season's time on each past
        day, except on the late and early days; a note in the work log most evenings. A random stream of its
        own, so that the rest of the story draws the same as before it was added."""
        import random

        if offset == 0:  # today's 签到 is left for whoever tries the demo's phone
            return
        rng = random.Random(f"attendance:{site.code}:{offset}")
        phone = self.h.phone(site, "manager")
        late, early = ATTENDANCE_LATE.get(site.code), ATTENDANCE_EARLY.get(site.code)
        start = self.h.at(day, "08:27" if offset == late else "07:52", 0 if offset == late else rng.uniform(0, 26))
        self.h.record(phone, start, "attendance.sign_in", {"site_id": site.id, "uniform": True})
        end = self.h.at(day, "17:12" if offset == early else "18:01", 0 if offset == early else rng.uniform(0, 25))
        self.h.record(phone, end, "attendance.sign_out", {"site_id": site.id})
        if rng.random() < 0.6:
            self.h.record(phone, end - timedelta(minutes=4), "worklog.note",
                          {"site_id": site.id, "day": day.isoformat(), "text": rng.choice(t.WORKLOG_NOTES)})

    # -- meetings ------------------------------------------------------------------------------
    def meetings(self, site, day: date, offset: int) -> None:
        """The manager's morning meeting (晨会) at about 08:22 on each past workday, with the
        site's people ticked as they came, except one day late and one day missed; and the
        weekly meeting (周例会) on Mondays at 15:00. A random stream of its own."""
        import random

        if offset >= 0 or day.weekday() >= 5:  # today's meeting is left for whoever tries the demo
            return
        rng = random.Random(f"meetings:{site.code}:{offset}")
        phone = self.h.phone(site, "manager")
        people = [self.h.phone(site, post).user for post in SHIFTS if post != "manager"]
        # The day's place among the past workdays, counting back from yesterday.
        index = sum(1 for o in range(-1, offset, -1) if self.h.day(o).weekday() < 5)
        if index != MEETING_MISSED.get(site.code):
            late = index == MEETING_LATE.get(site.code)
            start = self.h.at(day, "08:36" if late else "08:18", 0 if late else rng.uniform(0, 9))
            away = [p for p in people if rng.random() < 0.12]
            self.h.record(phone, start, "meeting.record", {
                "site_id": site.id, "kind": "morning", "attendee_ids": [p.id for p in people if p not in away],
                "absent_note": "；".join(f"{p.display_name}{rng.choice(t.MEETING_ABSENCES)}" for p in away) or None,
                "assignments": "；".join(rng.sample(t.MEETING_ASSIGNMENTS, 2)),
                "yesterday_summary": rng.choice(t.MEETING_SUMMARIES)})
        if day.weekday() == 0:
            leads = [self.h.phone(site, post).user for post in ("lead", "cs", "clerk", "repair", "store")]
            self.h.record(phone, self.h.at(day, "15:00", rng.uniform(0, 5)), "meeting.record", {
                "site_id": site.id, "kind": "weekly", "attendee_ids": [p.id for p in leads],
                "assignments": rng.choice(t.WEEKLY_ASSIGNMENTS), "yesterday_summary": rng.choice(t.WEEKLY_SUMMARIES)})
    def inspection(self, site, day: date, offset: int) -> None:
        """书面考核: the manager inspects one of the staff on Tuesdays and Thursdays, in turn,
        an item or two not ok now and then; one site's manager is one short last week. A
        random stream of its own, like the attendance's."""
        import random

        if day.weekday() not in (1, 3):
            return
        last_week = week_start(day - timedelta(days=offset)) - timedelta(days=7)
        if site.code == INSPECTION_SHORT and day.weekday() == 3 and week_start(day) == last_week:
            return
        rng = random.Random(f"inspection:{site.code}:{offset}")
        person = self.h.phone(site, INSPECTED[offset % len(INSPECTED)]).user
        items = checklist(person.post)
        failed = [label for key, label in items if rng.random() < 0.15]
        notes = ("、".join(failed) + "不合格，已当面指出，要求本周内整改。") if failed else "各项符合要求。"
        self.h.record(self.h.phone(site, "manager"), self.h.at(day, "10:30", rng.uniform(0, 40)), "inspection.record", {
            "site_id": site.id, "person_id": person.id, "score": 96 - 9 * len(failed) - rng.randint(0, 4),
            "checklist": {key: label not in failed for key, label in items}, "notes": notes})

    # -- patrols -------------------------------------------------------------------------------
    def day_patrol(self, site, day: date, offset: int) -> datetime:
        """The manager's round of the day route; returns when the manager's phone syncs."""
        phone = self.h.phone(site, "manager")
        places = self.places[site.code]
        if offset == NO_PATROL_DAY[site.code]:
            return self.h.at(day, "16:40", self.rng.uniform(0, 15))
        moment = self.h.at(day, "08:40", self.rng.uniform(0, 8))
        stops = places["day_stops"]
        if offset == MISSED_DAY[site.code]:
            stops = [c for c in stops if c.name not in LOCKED]
        count = self.rng.choices([0, 1, 2, 3], weights=[30, 40, 20, 10])[0]
        pool = [f for f in t.DAY_FINDINGS if f[0] in {c.name for c in stops}]
        findings = self.draw(site, day, pool, count)
        extra = []
        if (site.code, offset) == STUCK_DAY:
            extra.append(t.STUCK_FINDING)
        if site.code == QUIET[0] and offset in QUIET_FINDING_DAYS:
            extra.append(t.QUIET_FINDINGS[QUIET_FINDING_DAYS.index(offset)])
        notes = t.PATROL_MISSED_NOTE if offset == MISSED_DAY[site.code] else None
        end = self.round(phone, places["day"], stops, moment, findings, extra, (3, 7),
                         notes or self.rng.choice(t.PATROL_END_NOTES))
        return end + timedelta(minutes=self.rng.uniform(6, 15))

    def night_round(self, site, day: date, offset: int) -> None:
        phone = self.h.phone(site, "lead")
        places = self.places[site.code]
        moment = self.h.at(day, "21:05", self.rng.uniform(0, 25))
        count = self.rng.choices([0, 1, 2], weights=[65, 30, 5])[0]
        findings = self.draw(site, day, t.NIGHT_FINDINGS, count)
        if (site.code, offset) == CONFLICT_DAYS[:2]:
            findings.setdefault(t.CONFLICT_FINDING[0], []).append(t.CONFLICT_FINDING + ("conflict",))
        self.round(phone, places["night"], places["night_stops"], moment, findings, [], (4, 8),
                   self.rng.choice(t.NIGHT_END_NOTES))

    def draw(self, site, day: date, pool: list, count: int) -> dict[str, list]:
        """``count`` findings by checkpoint name, none seen at this site in the last days."""
        seen = self.seen.setdefault(site.code, {})
        fresh = [f for f in pool if f[3] not in seen or (day - seen[f[3]]).days > REPEAT_AFTER_DAYS]
        findings: dict[str, list] = {}
        for finding in self.rng.sample(fresh, min(count, len(fresh))):
            seen[finding[3]] = day
            findings.setdefault(finding[0], []).append(finding)
        return findings

    def round(self, phone, route, stops, moment: datetime, findings: dict, extra: list,
              gap: tuple[int, int], notes: str | None) -> datetime:
        """Start, a visit per stop (findings where seen), end; returns the end time."""
        h = self.h
        patrol_id = h.record(phone, moment, "patrol.start", {"site_id": phone.site.id, "route_id": route.id})
        lat0, lng0 = LOCATIONS[phone.site.code]
        for index, stop in enumerate(stops):
            moment += timedelta(minutes=self.rng.uniform(*gap))
            number = int(stop.code[-2:])
            method = "qr" if self.rng.random() < 0.9 else "manual"
            data = {"patrol_id": patrol_id, "checkpoint_id": stop.id, "method": method}
            if method == "qr":
                data["location"] = {"lat": round(lat0 + (number % 4) * 0.0004 + self.rng.uniform(-5e-5, 5e-5), 6),
                                    "lng": round(lng0 + (number // 4) * 0.0005 + self.rng.uniform(-5e-5, 5e-5), 6),
                                    "accuracy_m": round(self.rng.uniform(4, 20), 1)}
            h.record(phone, moment, "patrol.checkpoint", data)
            for finding in findings.get(stop.name, []):
                moment += timedelta(minutes=self.rng.uniform(1, 3))
                self.finding(phone, patrol_id, moment, finding[1:5], stop.id,
                             scripted=len(finding) > 5)
            if index == len(stops) // 2:
                for finding in extra:
                    moment += timedelta(minutes=self.rng.uniform(2, 4))
                    self.finding(phone, patrol_id, moment, finding, None, scripted=True)
        moment += timedelta(minutes=self.rng.uniform(1, 3))
        h.record(phone, moment, "patrol.end", {"notes": notes} if notes else {}, entity_id=patrol_id)
        return moment

    def finding(self, phone, patrol_id: str, moment: datetime, what: tuple, checkpoint_id: str | None,
                scripted: bool = False) -> str:
        category, severity, description, action = what
        handled = action is not None and not scripted and self.rng.random() < 0.8
        if handled:
            chance = 0.1
        else:
            chance = 0.6 if severity in ("medium", "high") else 0.3
        photos = [self.h.ids()] if (scripted or self.rng.random() < chance) else []
        data = {"patrol_id": patrol_id, "category": category, "severity": severity,
                "description": description, "handled_on_spot": handled,
                "photo_ids": photos}
        if handled:
            data["action_taken"] = action
        if checkpoint_id:
            data["checkpoint_id"] = checkpoint_id
        ident = self.h.record(phone, moment, "patrol.finding", data, photos=photos)
        if scripted:
            followup = derived_id("followup", "finding", ident)
            if what == t.STUCK_FINDING[:4] or what in [q[:4] for q in t.QUIET_FINDINGS]:
                self.h.work.forced[followup] = "stuck"
            if what == t.CONFLICT_FINDING[1:5]:
                self.conflict_finding = followup
                self.h.work.notes[followup] = t.CONFLICT_HANDLING
        return ident

    # -- the gate ------------------------------------------------------------------------------
    def gate(self, site, day: date, offset: int) -> None:
        """The day's visitors: more at weekends (deliveries and family), 20 to 40 a day."""
        busy = (26, 40) if day.isoweekday() >= 6 else (20, 30)
        for _ in range(self.rng.randint(*busy)):
            minute = self.arrival()
            purpose = self.purpose(minute)
            visit_id = self.h.record(self.on_duty(site, minute), self.h.at(day, "00:00", minute),
                                     "visit.check_in", self.visitor(site, purpose))
            out = max(minute + 3, min(minute + self.stay(purpose, minute), 22 * 60 + 50 - self.rng.uniform(0, 20)))
            self.h.record(self.on_duty(site, out), self.h.at(day, "00:00", out), "visit.check_out",
                          entity_id=visit_id)

    def arrival(self) -> float:
        bands = [(420, 540, 22), (540, 690, 18), (690, 810, 22), (810, 1050, 15), (1050, 1200, 18),
                 (1200, 1320, 5)]
        low, high, _ = self.rng.choices(bands, weights=[b[2] for b in bands])[0]
        return self.rng.uniform(low, high)

    def purpose(self, minute: float) -> str:
        if minute >= 1200:
            table = {"visit": 50, "delivery": 45, "other": 5}
        elif 540 <= minute < 690 or 810 <= minute < 1050:
            table = {"contractor": 25, "decoration": 25, "delivery": 25, "housekeeping": 10, "visit": 10,
                     "other": 5}
        else:
            table = {"delivery": 55, "visit": 15, "housekeeping": 10, "contractor": 5, "decoration": 10,
                     "other": 5}
        purpose = self.rng.choices(list(table), weights=list(table.values()))[0]
        if purpose == "decoration" and not 480 <= minute <= 1020:
            return "delivery"  # no decoration work before 08:00 or after 17:00
        return purpose

    def stay(self, purpose: str, minute: float) -> float:
        if purpose == "decoration":
            return max(60, self.rng.uniform(1050, 1080) - minute)
        low, high = {"delivery": (4, 20), "contractor": (45, 240), "housekeeping": (120, 240),
                     "visit": (40, 240), "other": (15, 90)}[purpose]
        return self.rng.uniform(low, high)

    def on_duty(self, site, minute: float):
        """Who holds the gate at that minute: the peaks are shared (DOMAIN.md)."""
        if 450 <= minute < 510:
            post = self.rng.choice(["cs", "guard", "guard"])
        elif 720 <= minute < 780:
            post = "lead"
        elif 1080 <= minute < 1140:
            post = self.rng.choice(["cs", "lead", "guard"])
        elif minute >= 1180:
            post = "lead"
        else:
            post = "guard"
        return self.h.phone(site, post)

    def visitor(self, site, purpose: str) -> dict:
        rng = self.rng
        data = {"site_id": site.id, "visitor_name": self.name(), "purpose": purpose,
                "party_size": {"decoration": rng.choice([1, 2, 2, 3, 4]), "contractor": rng.choice([1, 1, 2, 3]),
                               "visit": rng.choice([1, 1, 1, 2, 2, 3, 4]), "other": rng.choice([1, 1, 2])}
                .get(purpose, 1)}
        if rng.random() < 0.92:
            data["phone"] = self.mobile()
        if rng.random() < {"contractor": 1, "decoration": 1, "housekeeping": 1, "visit": 0.5,
                           "delivery": 0.2, "other": 0.6}[purpose]:
            data["id_number"] = self.id_number()
        if rng.random() < {"delivery": 0.85, "contractor": 0.4, "other": 0.3}.get(purpose, 1):
            data["unit"] = rng.choice(self.places[site.code]["units"])
        if purpose in ("visit", "housekeeping", "decoration") and rng.random() < 0.8:
            data["host_name"] = rng.choice(t.SURNAMES[:30]) + rng.choice(["先生", "女士"])
        if rng.random() < {"contractor": 0.5, "visit": 0.25, "decoration": 0.15, "delivery": 0.05,
                           "other": 0.1}.get(purpose, 0):
            data["plate"] = self.plate(site)
        note = rng.choice(t.VISIT_NOTES[purpose])
        if note:
            data["note"] = note
        return data

    def name(self) -> str:
        given = "".join(self.rng.choice(t.GIVEN) for _ in range(self.rng.choice([1, 2, 2])))
        return self.rng.choice(t.SURNAMES) + given

    def mobile(self) -> str:
        return self.rng.choice(t.MOBILE_PREFIXES) + "".join(str(self.rng.randint(0, 9)) for _ in range(8))

    def id_number(self) -> str:
        """An 18-digit resident ID number with a valid check digit (GB 11643)."""
        born = date(1965, 1, 1) + timedelta(days=self.rng.randint(0, 37 * 365))
        return resident_id(self.rng.choice(t.ID_REGIONS) + born.strftime("%Y%m%d")
                           + f"{self.rng.randint(0, 999):03d}")

    def plate(self, site) -> str:
        region = PLATE_REGION[site.code] if self.rng.random() < 0.7 else self.rng.choice(t.OTHER_PLATE_REGIONS)
        return (region + self.rng.choice(t.PLATE_LETTERS)
                + "".join(self.rng.choice(t.PLATE_CHARS[:10] if i < 2 else t.PLATE_CHARS) for i in range(4)))

    def scripted_gate(self, site, day: date, offset: int) -> None:
        """The flagged person, the visitors still inside, the one who left the next morning."""
        h = self.h
        if (site.code, offset) == FLAG_DAY:
            guard = h.phone(site, "guard")
            visit_id = h.record(guard, h.at(day, "18:28", 0.4), "visit.check_in", {
                "site_id": site.id, "visitor_name": "赵六", "purpose": "visit", "party_size": 1,
                "phone": "13900001111", "id_number": self.id_number(), "note": "自称找3栋朋友，说不出门牌号"})
            photo = h.ids()
            h.record(guard, h.at(day, "18:40", 0.7), "visit.flag", {
                "site_id": site.id, "visit_id": visit_id, "description": t.FLAG_DESCRIPTION,
                "photo_ids": [photo]}, photos=[photo])
            h.record(guard, h.at(day, "18:49", 0.2), "visit.check_out", entity_id=visit_id)
        if site.code == "CHHY" and offset == -1:
            h.record(h.phone(site, "lead"), h.at(day, "20:40", 0.3), "visit.check_in", {
                "site_id": site.id, "visitor_name": "林晓燕", "purpose": "visit", "party_size": 2,
                "phone": "13760012288", "id_number": self.id_number(), "unit": "2-1-802",
                "host_name": "林先生", "note": "业主亲属，说今晚留宿，已电话联系业主确认"})
        if site.code == "JGY" and offset == -3:
            h.record(h.phone(site, "cs"), h.at(day, "18:25", 0.5), "visit.check_in", {
                "site_id": site.id, "visitor_name": "覃秀兰", "purpose": "housekeeping", "party_size": 1,
                "phone": "15977340216", "id_number": self.id_number(), "unit": "3-2-701",
                "host_name": "周女士", "note": "住家保姆试工"})
        if site.code == "CHHY" and offset == -6:
            visit_id = h.record(h.phone(site, "lead"), h.at(day, "21:10", 0.6), "visit.check_in", {
                "site_id": site.id, "visitor_name": "郑凯", "purpose": "visit", "party_size": 3,
                "phone": "18922076543", "unit": "4-2-602", "host_name": "郑先生", "plate": "粤S7Q25K",
                "note": "朋友聚会"})
            h.record(h.phone(site, "guard"), h.at(day + timedelta(days=1), "08:15", 0.3), "visit.check_out",
                     entity_id=visit_id)

    # -- complaints ----------------------------------------------------------------------------
    def complaints_of(self, site, n: int, day: date, offset: int) -> list:
        """The day's complaints, each synced as soon as it is taken (the 2-hour contact
        clock runs from then); returns those ``(phone, moment)`` syncs."""
        pushes = []
        for when, number, post, hhmm, spec in t.COMPLAINTS:
            if (when, number) != (offset, n):
                continue
            data = {k: v for k, v in spec.items() if k != "repeat"}
            data["site_id"] = site.id
            if "repeat" in spec:
                data["repeat_of"] = self.complaints[(n, spec["repeat"])]
            photos = [self.h.ids()] if spec.get("category") == "parking" else []
            data["photo_ids"] = photos
            taken = self.h.at(day, hhmm, self.rng.uniform(0, 1))
            self.complaints[(n, offset)] = self.h.record(self.h.phone(site, post), taken, "complaint.create",
                                                         data, photos=photos)
            pushes.append((self.h.phone(site, post), taken + timedelta(minutes=2)))
        return pushes

    # -- repair orders -------------------------------------------------------------------------
    def repairs_of(self, site, n: int, day: date, offset: int) -> list:
        """Customer service takes the day's repair requests; the repair worker does them.

        The desk's phone syncs at once (the order must reach the repair phones), and so does
        the worker's after the sign-off; returns those extra ``(phone, moment)`` syncs.
        """
        items = {i.name: i for i in self.places[site.code]["items"]}
        pushes = []
        for when, number, hhmm, spec, work in t.REPAIRS:
            if (when, number) != (offset, n):
                continue
            taken = self.h.at(day, hhmm, self.rng.uniform(0, 1))
            repair_id = self.h.record(self.h.phone(site, "cs"), taken, "repair.create",
                                      {**spec, "site_id": site.id, "photo_ids": []})
            pushes.append((self.h.phone(site, "cs"), taken + timedelta(minutes=2)))
            if work is None:
                continue
            hours, done, materials, satisfaction, opinion = work
            finished = taken + timedelta(hours=hours)
            # A stock check's counts are drawn against the books of its day: no issue that day.
            if (site.code, self.h.local_day(finished)) in self.stock_plan:
                materials = []
            worker = self.h.phone(site, "repair")
            self.h.record(worker, finished, "repair.work", {
                "repair_id": repair_id, "started_at": (finished - timedelta(minutes=40)).isoformat(),
                "finished_at": finished.isoformat(), "work_done": done,
                "materials": [{"item_id": items[name].id, "quantity": qty} for name, qty in materials],
                "before_photo_ids": [], "after_photo_ids": []})
            self.h.record(worker, finished + timedelta(minutes=3), "repair.signoff", {
                "satisfaction": satisfaction, "opinion": opinion, "signed_by": spec["owner_name"]},
                entity_id=repair_id)
            # As the phone does: the sign-off resolves the worker's follow-up, at its version then.
            self.h.record(worker, finished + timedelta(minutes=4), "followup.update",
                          build=lambda r=repair_id: _resolve_repair_followup(r))
            pushes.append((worker, finished + timedelta(minutes=10)))
        return pushes

    # -- the store -----------------------------------------------------------------------------
    def _stock_days(self) -> dict[tuple[str, date], bool]:
        """One check a month in every month whose check day (the 25th) the history reaches.

        The latest month's check is the one with differences; an earlier month's is clean,
        so that the sweep finds no month without a check.
        """
        days = [self.h.day(o) for o in range(self.h.first_offset(), 0)]
        plan = {}
        latest = True
        for year, month in sorted({(d.year, d.month) for d in days}, reverse=True):
            candidates = [d for d in days if (d.year, d.month) == (year, month) and d.day <= 25]
            if not candidates:
                continue
            for n, site in enumerate(self.h.sites):
                plan[(site.code, candidates[min(len(candidates) - 1, len(candidates) // 3 + n)])] = latest
            latest = False
        return plan

    def stock_check(self, site, day: date) -> None:
        if (site.code, day) not in self.stock_plan:
            return
        differences = self.stock_plan[(site.code, day)]
        h, rng = self.h, self.rng
        phone = h.phone(site, "store")
        places = self.places[site.code]
        moment = h.at(day, "14:00", rng.uniform(0, 30))
        check_id = h.record(phone, moment, "stock.check_start",
                            {"site_id": site.id, "store_id": places["store"].id})
        ledger = SqlStore(db.session)
        items = rng.sample(places["items"], STOCK_ITEMS)
        tubes = next(i for i in places["items"] if i.name.startswith("灯管"))
        if tubes not in items:
            items[0] = tubes
        items.sort(key=lambda i: i.sku)
        short = over = None
        recount = []
        for item in items:
            moment += timedelta(minutes=rng.uniform(2, 5))
            book = ledger.book_quantity(item.id, moment)
            data = {"check_id": check_id, "item_id": item.id, "counted_qty": int(book)}
            if differences and item is tubes and book >= 2:
                data.update(defective_qty=2, note=t.STOCK_NOTES["defective"])
            elif differences and short is None and book >= 5:
                short = item
                data.update(counted_qty=int(book) - 2, note=t.STOCK_NOTES["short"])
                recount.append((item, int(book) - 1))
            elif differences and over is None and short is not None and book >= 1:
                over = item
                data.update(counted_qty=int(book) + 1, note=t.STOCK_NOTES["over"])
            h.record(phone, moment, "stock.count", data)
        for item, qty in recount:
            moment += timedelta(minutes=rng.uniform(8, 15))
            h.record(phone, moment, "stock.count", {"check_id": check_id, "item_id": item.id,
                                                    "counted_qty": qty, "note": t.STOCK_NOTES["recount"]})
        h.record(phone, moment + timedelta(minutes=rng.uniform(3, 8)), "stock.check_finish", entity_id=check_id)

    # -- two phones, one follow-up ---------------------------------------------------------------
    def reassignments(self, site, day: date, offset: int) -> None:
        """The customer-service supervisor and the manager give one follow-up to two people."""
        if (site.code, offset) != (CONFLICT_DAYS[0], CONFLICT_DAYS[2]) or self.conflict_finding is None:
            return
        h = self.h
        followup_id = self.conflict_finding
        for post, hhmm, target, note in (("cs", "08:50", "clean", t.CONFLICT_NOTES[0]),
                                         ("manager", "09:20", "lead", t.CONFLICT_NOTES[1])):
            person = h.phone(site, target).user.id
            h.record(h.phone(site, post), h.at(day, hhmm, self.rng.uniform(0, 1)), "followup.update",
                     build=lambda p=person, n=note: (followup_id, {
                         "base_version": db.session.get(FollowUp, followup_id).version,
                         "assignee_id": p, "note": n}))


def _resolve_repair_followup(repair_id: str):
    """``(followup id, data)`` resolving a repair order's follow-up, or ``None`` if it is done."""
    from sync.repairs import followup_id

    followup = db.session.get(FollowUp, followup_id(repair_id))
    if followup is None or followup.status not in ("open", "in_progress"):
        return None
    return followup.id, {"base_version": followup.version, "status": "resolved", "note": t.REPAIR_RESOLVED_NOTE}


def approve_past_repairs(sites, now: datetime) -> None:
    """Each week before last week was approved by the site's manager on its Monday at 09:00;
    last week's orders wait for this Monday's approval (the dashboard counts them)."""
    from app.models import RepairOrder
    from app.models import User
    from app.repairs.weeks import last_week

    for site in sites:
        manager = db.session.scalar(select(User).where(User.role == "manager", User.sites.any(id=site.id))
                                    .order_by(User.username).limit(1))
        start, _ = last_week(now, site.timezone)
        for order in db.session.scalars(select(RepairOrder).where(
                RepairOrder.site_id == site.id, RepairOrder.requested_at < start, RepairOrder.approved_at.is_(None))):
            local = order.requested_at.astimezone(ZoneInfo(site.timezone))
            monday = (local - timedelta(days=local.weekday()) + timedelta(days=7)).replace(hour=9, minute=0, second=0,
                                                                                          microsecond=0)
            order.approved_at = monday.astimezone(timezone.utc)
            order.approved_by = manager.id if manager else None
