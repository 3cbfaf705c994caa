"""Staff inspections (书面考核, 《服务过程检验单》): the checklist of each post, who may
inspect whom, and the week an inspection counts in.

作业指导书: 每周对所考核的人员及其工作情况进行检查，书面考核不少于2次 — a manager
writes at least ``REQUIRED_PER_WEEK`` inspections a week. A week is Monday to Sunday in
the site's days (its time zone), so an inspection at 23:50 on Sunday in Shanghai counts in
that week though it is already Monday in no zone that matters.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import Iterable

from sync.attendance_rules import local_day

REQUIRED_PER_WEEK = 2
SCORE_MIN, SCORE_MAX = 0, 100
REVIEWER_ROLES = ("manager", "supervisor", "admin")

# Five short items per post, in the order the 检验单 prints them; the keys are kept.
CHECKLISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "security": (("uniform", "着装整齐、佩戴工牌"), ("post", "按时到岗、不脱岗"),
                 ("patrol", "按路线巡逻、记录完整"), ("visitors", "来访登记规范"),
                 ("fire", "消防通道畅通、会用器材")),
    "customer_service": (("manner", "接待礼貌、用语规范"), ("records", "报修投诉登记及时"),
                         ("followup", "按时回访业主"), ("desk", "前台整洁有序"),
                         ("notices", "通知公告及时张贴")),
    "repair": (("response", "接单后按时到场"), ("safety", "安全操作、持证上岗"),
               ("quality", "维修质量合格"), ("clean", "完工后清理现场"),
               ("materials", "材料领用登记")),
    "cleaning": (("floors", "楼道地面干净"), ("bins", "垃圾桶清运及时"),
                 ("glass", "门窗玻璃无污渍"), ("tools", "工具摆放整齐"),
                 ("schedule", "按作业时间表完成")),
    "store": (("ledger", "账物相符"), ("inout", "出入库手续齐全"),
              ("order", "物品分类摆放"), ("safety", "仓库防火防潮"),
              ("check", "定期盘点")),
}


def checklist(post: str | None) -> tuple[tuple[str, str], ...]:
    """The items ``(key, 中文)`` a person of ``post`` is inspected on; none for no post."""
    return CHECKLISTS.get(post or "", ())


def checklist_problem(post: str | None, answers: Any) -> str | None:
    """``None`` if ``answers`` marks every item of the post ok or not, and nothing else;
    else ``"no_post"``, ``"shape"`` (not a mapping of item to true/false) or ``"items"``."""
    items = checklist(post)
    if not items:
        return "no_post"
    if not isinstance(answers, dict) or not all(isinstance(v, bool) for v in answers.values()):
        return "shape"
    if set(answers) != {key for key, _ in items}:
        return "items"
    return None


def score_ok(score: Any) -> bool:
    """A whole number from 0 to 100 (not a bool, not a string)."""
    return isinstance(score, int) and not isinstance(score, bool) and SCORE_MIN <= score <= SCORE_MAX


def may_record(role: str, post: str | None, is_team_lead: bool, person_post: str | None) -> bool:
    """Managers, supervisors and admins inspect anyone; a team lead only their own post."""
    if role in REVIEWER_ROLES:
        return True
    return bool(is_team_lead and post and post == person_post)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_of(at: datetime, timezone: str | None) -> tuple[date, date]:
    """Monday and Sunday of the site's week that ``at`` falls in."""
    monday = week_start(local_day(at, timezone))
    return monday, monday + timedelta(days=6)


def counts(rows: Iterable[dict[str, Any]], monday: date) -> dict[str, int]:
    """How many inspections each inspector (``user_id``) wrote in the week from ``monday``
    (rows carry their site-local ``day``); withdrawn rows do not count."""
    first, last = monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    out: dict[str, int] = {}
    for r in rows:
        if r.get("deleted_at") is None and first <= r["day"] <= last:
            out[r["user_id"]] = out.get(r["user_id"], 0) + 1
    return out


def kept(count: int) -> bool:
    """At least two written inspections in the week."""
    return count >= REQUIRED_PER_WEEK
