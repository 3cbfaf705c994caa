"""The demo's managers' reports: a 日清 most evenings (one filed after midnight, a few
days with none), a 周总结 each Sunday, and last month's checklist signed off at the desk
(one item late at the first site; one not signed at the second).

Each draws from a random stream of its own, so that the rest of the story draws the same
as before these were added.
"""
from __future__ import annotations

import calendar
import random
from datetime import date
from datetime import timedelta

from sqlalchemy import select

from app.api.store import SqlStore
from app.extensions import db
from app.models import User
from app.office.desk_push import desk_device
from sync import manager_reports
from sync.envelope import REJECTED
from sync.envelope import SyncRequest
from sync.reconcile import apply_batch

REPORT_MISSING = {"CHHY": (-9, -5), "JGY": (-11, -2)}  # no 日清 on these days
REPORT_LATE = {"CHHY": -7, "JGY": -3}  # the 日清 goes in at 00:25 the next day

DONE = (
    "上午巡视全部区域，消防通道畅通；处理3栋楼道灯不亮，已报修。",
    "晨会布置本周保洁重点；检查门岗外来人员登记，记录完整。",
    "陪同业主查看漏水情况，已安排维修；回访两户投诉业主，均表示满意。",
    "检查仓库出入库单据，账物相符；督促绿化班修剪南门灌木。",
    "处理停车位纠纷一起；检查监控室值班记录，交接清楚。",
)
OPEN = (
    "5栋电梯异响，待维保单位明日到场。",
    "地下车库照明两处未修复，跟进中。",
    "",
    "2栋外墙渗水需与开发商沟通。",
)
PLAN = (
    "上午复查电梯维修；下午组织消防演练准备。",
    "检查保洁质量，跟进未完成报修单。",
    "整理本月投诉汇总，准备报管理部。",
)
WEEK_DONE = "本周巡视每日完成；书面考核2次；处理报修12单、投诉3起，均已回访。"
WEEK_PLAN = "下周重点：消防设施月检，催缴物业费，落实绿化补种。"


def file_reports(history, site, day: date, offset: int) -> None:
    """The manager's 日清 of ``day`` near the end of the day, and a 周总结 on Sundays;
    nothing for today, which is left for whoever tries the demo's phone."""
    if offset == 0 or offset in REPORT_MISSING.get(site.code, ()):
        return
    rng = random.Random(f"reports:{site.code}:{offset}")
    phone = history.phone(site, "manager")
    if offset == REPORT_LATE.get(site.code):
        moment = history.at(day + timedelta(days=1), "00:25", rng.uniform(0, 10))
    else:
        moment = history.at(day, "17:40", rng.uniform(0, 15))
    history.record(phone, moment, "report.submit", {
        "site_id": site.id, "kind": "daily", "period": day.isoformat(), "done": rng.choice(DONE),
        **({"open_items": text} if (text := rng.choice(OPEN)) else {}), "plan": rng.choice(PLAN)})
    if day.weekday() == 6:
        history.record(phone, history.at(day, "16:30", rng.uniform(0, 20)), "report.submit", {
            "site_id": site.id, "kind": "weekly", "period": manager_reports.week_start(day).isoformat(),
            "done": WEEK_DONE, "plan": WEEK_PLAN})


# Last month's checklist: (item, day of the month or -1 for its last, "HH:MM"), per site.
SIGNOFFS = {
    "CHHY": (("attendance", 3, "10:12"), ("quality_records", 24, "15:30"), ("purchase_plan", 27, "09:40"),
             ("complaint_summary", -1, "16:05"), ("material_feedback", -1, "16:20")),
    "JGY": (("attendance", 4, "17:05"), ("quality_records", 25, "11:00"), ("purchase_plan", 26, "14:45"),
            ("complaint_summary", -1, "15:10")),
}
NOTES = {"attendance": "已核对考勤表，迟到2人次已谈话。", "purchase_plan": "采购计划延后一天，已说明原因。"}


def sign_last_months_checklist(history) -> None:
    """Each site's manager signs last month's items at the desk, as ``checklist.sign``."""
    first = history.today.replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1)
    last = calendar.monthrange(month.year, month.month)[1]
    for n, site in enumerate(history.sites, start=1):
        manager = db.session.scalar(select(User).where(User.username == f"manager{n}",
                                                       User.company_id == site.company_id))
        for seq, (item, day, hhmm) in enumerate(SIGNOFFS.get(site.code, ()), start=1):
            moment = history.at(month.replace(day=last if day == -1 else day), hhmm)
            data = {"site_id": site.id, "item": item, "year": month.year, "month": month.month}
            if item in NOTES:
                data["note"] = NOTES[item]
            mutation = {"id": history.ids(), "seq": seq, "type": "checklist.sign", "entity_id": history.ids(),
                        "user_id": manager.id, "at": moment.isoformat(), "data": data}
            request = SyncRequest(user_id=manager.id, device_id=desk_device(manager.id), client_time=moment,
                                  mutations=[mutation])
            results = apply_batch(request, SqlStore(db.session), moment, history.server_ids)
            if any(r.status == REJECTED for r in results):
                raise RuntimeError(f"the demo checklist was refused: {results[0].to_json()}")

