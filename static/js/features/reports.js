/**
 * A manager's daily report (日清) and weekly summary (周总结) on the phone's home screen,
 * offline: the kind, the day (or the week's Monday), what was done, what remains and the
 * plan. The form is checked with ``/m/rules.json`` (the server's own rules,
 * ``sync/manager_reports.py``) and saved as a ``report.submit`` mutation in the outbox; the
 * server judges it kept or late by the time it was written, not the time it syncs.
 */
import { t } from "../lib/i18n.js";
import { record } from "../lib/outbox.js";
import { check, formRules, maxLengths } from "../lib/rules.js";
import { isoNow, uuid } from "../lib/util.js";
import { clearErrors, field, h, once, showErrors, toastAfterRender } from "../ui/dom.js";
import { localDay } from "./attendance.js";

/** Whether ``user`` writes reports, as ``manager_reports.may_write``. */
export function mayWrite(meta, user) {
  return meta.writer_roles.includes(user.role) || Boolean(user.is_team_lead);
}

/** The Monday of the ISO week of a ``YYYY-MM-DD`` day, as ``YYYY-MM-DD``. */
export function mondayOf(day) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** The problems of a filled-in form: the server's field rules, a week's Monday, no future. */
export function problems(rules, data, today) {
  const errors = check(rules, "report.submit", data);
  const meta = rules.report;
  if (!errors.period && /^\d{4}-\d{2}-\d{2}$/.test(data.period || "")) {
    if (data.kind === "weekly" && mondayOf(data.period) !== data.period) errors.period = t(meta.not_monday.message);
    else if (data.period > today) errors.period = t(meta.future.message);
  }
  return errors;
}

/** "日清 / 周总结": the form, or nothing for someone who writes none. */
export async function reportCard(user, siteId, timeZone, again) {
  const rules = await formRules();
  const meta = rules && rules.report;
  if (!meta || !mayWrite(meta, user)) return null;
  const longest = maxLengths(rules, "report.submit");
  const today = localDay(new Date(), timeZone);
  const kind = h("select", { name: "kind", id: "report-kind" },
    h("option", { value: "daily" }, t("Daily report (日清)")),
    h("option", { value: "weekly" }, t("Weekly summary (周总结)")));
  const period = h("input", { type: "date", name: "period", id: "report-period", value: today, max: today });
  const area = (name, rows, placeholder) => h("textarea", { name, id: `report-${name.replace("_", "-")}`, rows,
    maxlength: String(longest[name] || 4000), placeholder });
  const done = area("done", "3", t("What was done today"));
  const open = area("open_items", "2", t("What remains, and what to follow up"));
  const plan = area("plan", "2", t("Tomorrow's plan"));
  const message = h("div", { id: "report-message" });
  // A complaint about the day or the kind no longer holds once either is changed.
  const stale = () => { clearErrors(form); message.replaceChildren(); };
  period.addEventListener("change", stale);
  kind.addEventListener("change", () => {
    stale();
    const weekly = kind.value === "weekly";
    period.value = weekly ? mondayOf(today) : today;
    done.placeholder = weekly ? t("What was done this week") : t("What was done today");
    plan.placeholder = weekly ? t("Next week's plan") : t("Tomorrow's plan");
  });
  const form = h("form", { class: "report-form", novalidate: true },
    field(t("Daily or weekly"), kind),
    field(t("Day, or the Monday of the week"), period),
    field(t("Work completed"), done),
    field(t("Open items and follow-ups"), open),
    field(t("Plan"), plan), message,
    h("button", { type: "submit", class: "block", id: "report-save" }, t("Save report")));
  form.addEventListener("submit", once(async () => {
    clearErrors(form);
    const data = { site_id: siteId, kind: kind.value, period: period.value, done: done.value.trim(),
      open_items: open.value.trim() || null, plan: plan.value.trim() || null };
    if (showErrors(form, problems(rules, data, localDay(new Date(), timeZone)), message)) return;
    const id = uuid();
    const at = isoNow();
    await record({
      mutations: [{ type: "report.submit", entity_id: id, at, data }],
      records: [{ id, kind: "manager_report", ...data, submitted_at: at }],
    });
    window.dispatchEvent(new Event("estate-recorded"));
    toastAfterRender(t("Saved: the report will be sent at the next sync."));
    await again();
  }));
  return h("section", { class: "card report-card", id: "report" },
    h("details", { id: "report-details" },
      h("summary", { class: "button block", id: "report-write" }, t("Daily report / weekly summary")), form));
}
