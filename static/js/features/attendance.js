/**
 * Sign-in and sign-out (签到 / 签退) and the day's work-log notes (《个人工作日志》) on the
 * phone's home screen, offline: each tap is an ``attendance.*`` or ``worklog.note``
 * mutation in the outbox, with the phone's time; the verdict shown here follows the same
 * rule as the server's (``sync/attendance_rules.py``), which has the last word at sync.
 */
import { all } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { record } from "../lib/outbox.js";
import { rows } from "../lib/refdata.js";
import { check, formRules, maxLengths } from "../lib/rules.js";
import { setting } from "../lib/site.js";
import { clock, isoNow, parseHM, uuid } from "../lib/util.js";
import { clearErrors, h, once, showErrors, toastAfterRender } from "../ui/dom.js";

const days = new Map();

/** ``YYYY-MM-DD`` of a date on the site's clock. */
export function localDay(date, timeZone) {
  let format = days.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    days.set(timeZone, format);
  }
  return format.format(date);
}

function minutes(date, timeZone) {
  const [hh, mm] = clock(date, timeZone).split(":").map(Number);
  return (hh % 24) * 60 + mm;
}

/** ``[verdict, "HH:MM"]`` as ``sync.attendance_rules`` judges it. */
export function verdict(action, date, site, timeZone) {
  const now = minutes(date, timeZone);
  if (action === "in") {
    const by = setting(site, "sign_in_by");
    return [now <= parseHM(by) ? "on_time" : "late", by];
  }
  const month = Number(localDay(date, timeZone).slice(5, 7));
  const summer = (setting(site, "summer_months") || []).map(Number).includes(month);
  const after = setting(site, summer ? "sign_out_after_summer" : "sign_out_after_winter");
  return [now >= parseHM(after) ? "ok" : "early", after];
}

/** Today's sign-ins, sign-outs and notes of this person at this site: recorded here or pulled. */
async function today(user, siteId, timeZone) {
  const day = localDay(new Date(), timeZone);
  const mine = (r) => r.site_id === siteId && r.day === day && (!r.user_id || r.user_id === user.id);
  const local = (await all("records")).filter((r) => r.user_id === user.id);
  const byId = new Map();
  for (const r of (await rows("attendance")).filter(mine)) byId.set(r.id, { ...r, kind: "attendance" });
  for (const r of (await rows("worklog_note")).filter(mine)) byId.set(r.id, { ...r, kind: "worklog_note" });
  for (const r of local.filter((r) => (r.kind === "attendance" || r.kind === "worklog_note") && mine(r))) {
    byId.set(r.id, r);
  }
  const list = [...byId.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const ins = list.filter((r) => r.kind === "attendance" && r.action === "in");
  const outs = list.filter((r) => r.kind === "attendance" && r.action === "out");
  return { day, signIn: ins[0] || null, signOut: outs[outs.length - 1] || null,
    notes: list.filter((r) => r.kind === "worklog_note") };
}

function mark(action, row, timeZone) {
  const bad = row.verdict === "late" || row.verdict === "early";
  const word = { on_time: t("on time"), late: t("late"), ok: t("ok"), early: t("early") }[row.verdict] || "";
  return h("p", { class: "attendance-line", id: `attendance-${action}` },
    h("span", { class: "label" }, action === "in" ? t("Clock-in") : t("Clock-out")), " ",
    h("strong", { class: "time" }, clock(new Date(row.at), timeZone)), " ",
    h("span", { class: bad ? "pill bad" : "pill ok" }, word),
    action === "in" && row.uniform === false ? h("span", { class: "meta" }, " ", t("Not in uniform")) : null);
}

/** The card with the big button: 签到 before, 签退 after; today's times and marks. */
export async function attendanceCard(user, siteId, site, timeZone, again) {
  const state = await today(user, siteId, timeZone);
  const tap = (action) => once(async () => {
    const at = isoNow();
    const [judged, expected] = verdict(action, new Date(), site, timeZone);
    const data = { site_id: siteId };
    if (action === "in") data.uniform = document.getElementById("uniform").checked;
    const id = uuid();
    await record({
      mutations: [{ type: action === "in" ? "attendance.sign_in" : "attendance.sign_out", entity_id: id, at, data }],
      records: [{ id, kind: "attendance", site_id: siteId, action, day: state.day, at, uniform: data.uniform ?? null,
        verdict: judged, expected }],
    });
    window.dispatchEvent(new Event("estate-recorded"));
    toastAfterRender(action === "in" ? t("Saved: clocked in at %(time)s.", { time: clock(new Date(at), timeZone) })
      : t("Saved: clocked out at %(time)s.", { time: clock(new Date(at), timeZone) }));
    await again();
  });
  const parts = [h("h2", {}, t("Attendance"))];
  if (state.signIn) parts.push(mark("in", state.signIn, timeZone));
  if (state.signOut) parts.push(mark("out", state.signOut, timeZone));
  if (!state.signIn) {
    parts.push(
      h("label", { class: "check-line" }, h("input", { type: "checkbox", id: "uniform", checked: true }),
        " ", t("In uniform, badge worn")),
      h("button", { type: "button", class: "primary block big-button", id: "sign-in", onclick: tap("in") },
        t("Clock in")),
      h("p", { class: "meta" }, t("Clock in by %(time)s.", { time: setting(site, "sign_in_by") })));
  } else {
    const [, after] = verdict("out", new Date(), site, timeZone);
    parts.push(
      h("button", { type: "button", class: state.signOut ? "block big-button" : "primary block big-button",
        id: "sign-out", onclick: tap("out") }, state.signOut ? t("Clock out again") : t("Clock out")),
      h("p", { class: "meta" }, t("Clock out after %(time)s.", { time: after })));
  }
  return h("section", { class: "card attendance-card", id: "attendance" }, parts);
}

/** "工作日志": today's notes and a field to append one. */
export async function worklogCard(user, siteId, timeZone, again) {
  const [state, rules] = await Promise.all([today(user, siteId, timeZone), formRules()]);
  const longest = maxLengths(rules, "worklog.note");
  const text = h("textarea", { name: "text", id: "worklog-text", rows: "3", maxlength: String(longest.text || 2000),
    placeholder: t("What you did, saw or arranged today") });
  const message = h("div", { id: "worklog-message" });
  const form = h("form", { class: "worklog-form", novalidate: true },
    h("label", { for: "worklog-text" }, t("Add to today's work log")), text, message,
    h("button", { type: "submit", class: "block", id: "worklog-add" }, t("Add note")));
  form.addEventListener("submit", once(async () => {
    clearErrors(form);
    const data = { site_id: siteId, day: state.day, text: text.value.trim() };
    if (showErrors(form, check(rules, "worklog.note", data), message)) return;
    const id = uuid();
    const at = isoNow();
    await record({
      mutations: [{ type: "worklog.note", entity_id: id, at, data }],
      records: [{ id, kind: "worklog_note", site_id: siteId, day: state.day, text: data.text, at }],
    });
    window.dispatchEvent(new Event("estate-recorded"));
    toastAfterRender(t("Saved: added to today's work log."));
    await again();
  }));
  return h("section", { class: "card worklog-card", id: "worklog" },
    h("h2", {}, t("Work log")),
    state.notes.length
      ? h("ol", { class: "worklog-notes" }, state.notes.map((n) => h("li", {},
        h("span", { class: "meta" }, clock(new Date(n.at), timeZone)), " ", n.text)))
      : h("p", { class: "meta" }, t("Nothing added today yet.")),
    form);
}
