"""Signing in and out (签到 / 签退) and notes in the work log (《个人工作日志》).

``attendance.sign_in`` and ``attendance.sign_out`` each make one ``attendance`` row: the
site, the person, the site-local day, the corrected time and the verdict of
``attendance_rules`` (kept with the threshold it was judged against, so that a later
change of the site's settings does not rewrite history). A person has one sign-in and one
sign-out per site and day: a second one (another mutation, another entity) is applied and
kept, but the earliest sign-in and the latest sign-out count, and the other is listed as
a conflict for review — the same whichever order they arrive in.

``worklog.note`` appends a note to a person's day. Nothing edits or deletes a note: the
work log of a past day changes only by notes added later, which show as added later.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sync import attendance_rules as rules
from sync import messages as m
from sync.context import Context
from sync.errors import reject
from sync.handlers import handler
from sync.schemas import AttendanceSignInSchema
from sync.schemas import AttendanceSignOutSchema
from sync.schemas import WorklogNoteSchema
from sync.store import POST_ROLE


def _person(ctx: Context) -> None:
    if ctx.actor.role == POST_ROLE:
        raise reject("entity_id", m.ATTENDANCE_NOT_FOR_POSTS)


def _record(ctx: Context, site, action: str, verdict: tuple[str, str], uniform: bool | None) -> None:
    day = rules.local_day(ctx.at, site.timezone).isoformat()
    row = {
        "id": ctx.entity_id, "site_id": site.id, "action": action, "day": day, "at": ctx.at,
        "at_phone": ctx.at_phone, "uniform": uniform, "verdict": verdict[0], "expected": verdict[1],
        **ctx.stamp(),
    }
    same_day = [r for r in ctx.store.find("attendance", user_id=ctx.actor.id, site_id=site.id, day=day)
                if r["action"] == action and r["id"] != row["id"]]
    ctx.store.add("attendance", row)
    if not same_day:
        return
    winner = rules.counted(same_day + [row], action)
    losers = [r for r in same_day + [row] if r["id"] != winner["id"]]
    reason = m.CONFLICT_SECOND_SIGN_IN if action == "in" else m.CONFLICT_SECOND_SIGN_OUT
    for loser in losers:
        ctx.conflict(entity_type="attendance", entity_id=loser["id"], site_id=site.id,
                     field="signed_in_at" if action == "in" else "signed_out_at",
                     kept=winner["at"], lost=loser["at"], reason=reason,
                     loser_mutation_id=loser["mutation_id"], winner_mutation_id=winner["mutation_id"])


@handler("attendance.sign_in", "attendance", AttendanceSignInSchema)
def sign_in(ctx: Context, data: dict[str, Any]) -> None:
    """签到: on time until the site's ``sign_in_by``; in uniform or not, as the person says."""
    _person(ctx)
    site = ctx.require_site(data["site_id"])
    ctx.ensure_new("attendance")
    _record(ctx, site, "in", rules.sign_in_verdict(ctx.at, site.settings, site.timezone), data["uniform"])


@handler("attendance.sign_out", "attendance", AttendanceSignOutSchema)
def sign_out(ctx: Context, data: dict[str, Any]) -> None:
    """签退: early before the season's ``sign_out_after_*``."""
    _person(ctx)
    site = ctx.require_site(data["site_id"])
    ctx.ensure_new("attendance")
    _record(ctx, site, "out", rules.sign_out_verdict(ctx.at, site.settings, site.timezone), None)


@handler("worklog.note", "worklog_note", WorklogNoteSchema)
def note(ctx: Context, data: dict[str, Any]) -> None:
    """A note appended to the writer's day; a note for an earlier day is marked added later."""
    _person(ctx)
    site = ctx.require_site(data["site_id"])
    ctx.ensure_new("worklog_note")
    today = rules.local_day(ctx.at, site.timezone)
    day = date.fromisoformat(data["day"])
    if day > today:
        raise reject("day", m.WORKLOG_DAY_FUTURE)
    ctx.store.add("worklog_note", {
        "id": ctx.entity_id, "site_id": site.id, "day": data["day"], "text": data["text"],
        "at": ctx.at, "at_phone": ctx.at_phone, "added_later": day < today, **ctx.stamp(),
    })
