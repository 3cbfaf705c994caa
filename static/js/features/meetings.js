/**
 * Morning and weekly meetings (晨会 / 周例会) on the phone's home screen, offline: the chair
 * (a manager, supervisor, admin or team lead) picks the kind, ticks who attended from the
 * site's people, writes who is missing, today's assignments and yesterday's summary, and
 * saves a ``meeting.record`` mutation to the outbox. The form is checked with
 * ``/m/rules.json`` (the server's own rules, ``sync/meeting_rules.py``) before it is saved;
 * the time it is saved is the meeting's start, as the server counts it.
 */
import { all } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { record } from "../lib/outbox.js";
import { rows } from "../lib/refdata.js";
import { check, formRules, maxLengths } from "../lib/rules.js";
import { clock, isoNow, uuid } from "../lib/util.js";
import { chipValue, chips, clearErrors, field, h, once, showErrors, toastAfterRender } from "../ui/dom.js";
import { localDay } from "./attendance.js";

/** Whether ``user`` chairs meetings, as ``meeting_rules.may_record``. */
export function mayChair(meta, user) {
  return Boolean(user && (meta.chair_roles.includes(user.role) || user.is_team_lead));
}

/** The problems of a filled-in form: the server's field rules, and what a morning meeting needs. */
export function problems(rules, data) {
  const errors = check(rules, "meeting.record", data);
  if (data.kind === "morning") {
    if (!data.assignments && !errors.assignments) errors.assignments = t(rules.meeting.assignments_required.message);
    if (!data.yesterday_summary && !errors.yesterday_summary) {
      errors.yesterday_summary = t(rules.meeting.summary_required.message);
    }
  }
  return errors;
}

/** The meetings this chair recorded today at this site: pulled, or waiting to be sent. */
async function heldToday(user, siteId, timeZone) {
  const day = localDay(new Date(), timeZone);
  const mine = (r) => r.site_id === siteId && (!r.chaired_by || r.chaired_by === user.id) && r.started_at
    && localDay(new Date(r.started_at), timeZone) === day;
  const byId = new Map();
  for (const r of (await rows("meeting")).filter(mine)) byId.set(r.id, { ...r, meeting_kind: r.kind });
  for (const r of (await all("records")).filter((r) => r.kind === "meeting" && r.user_id === user.id && mine(r))) {
    byId.set(r.id, r);
  }
  return [...byId.values()].sort((a, b) => (a.started_at < b.started_at ? -1 : 1));
}

const KINDS = () => [["morning", t("Morning meeting")], ["weekly", t("Weekly meeting")]];

/** "晨会 / 周例会": the form (folded until opened), or nothing for someone who chairs none. */
export async function meetingCard(user, siteId, timeZone, again) {
  const rules = await formRules();
  const meta = rules && rules.meeting;
  if (!meta || !mayChair(meta, user)) return null;
  const people = (await rows("user"))
    .filter((p) => p.id !== user.id && p.role !== "post" && (p.site_ids || []).includes(siteId))
    .sort((a, b) => (a.display_name < b.display_name ? -1 : 1));
  const held = await heldToday(user, siteId, timeZone);
  const longest = maxLengths(rules, "meeting.record");
  const area = (name, rowsCount, placeholder) => h("textarea", { name, id: `meeting-${name}`, rows: String(rowsCount),
    maxlength: String(longest[name] || 2000), placeholder });
  const absent = area("absent_note", 2, t("e.g. the repair worker is on leave"));
  const assignments = area("assignments", 3, t("Who does what today"));
  const summary = area("yesterday_summary", 3, "");
  const notes = area("notes", 2, "");
  const summaryLabel = h("span", {});
  const kind = chips("kind", KINDS(), { value: "morning", legend: t("Meeting"), prefix: "meeting-",
    onchange: (value) => label(value) });
  const label = (value) => {
    summaryLabel.textContent = value === "weekly" ? t("Summary of the week") : t("Summary of yesterday");
  };
  label("morning");
  const attendees = h("fieldset", { class: "chips attendees", id: "meeting-attendees" },
    h("legend", {}, t("Who attended")),
    people.map((p) => [
      h("input", { type: "checkbox", name: "attendee_ids", id: `meeting-person-${p.id}`, value: p.id }),
      h("label", { for: `meeting-person-${p.id}` }, p.display_name)]));
  const everyone = h("button", { type: "button", class: "secondary", id: "meeting-everyone",
    onclick: () => attendees.querySelectorAll("input").forEach((box) => { box.checked = true; }) },
  t("Everyone attended"));
  const message = h("div", { id: "meeting-message" });
  const summaryField = field(summaryLabel, summary);
  const form = h("form", { class: "meeting-form", novalidate: true },
    kind, attendees, everyone,
    field(t("Absent, and why"), absent),
    field(t("Today's assignments"), assignments, { hint: t("Required for a morning meeting.") }),
    summaryField,
    field(t("Notes"), notes), message,
    h("button", { type: "submit", class: "block primary", id: "meeting-save" }, t("Save the meeting")));
  form.addEventListener("submit", once(async () => {
    clearErrors(form);
    const text = (el) => el.value.trim() || null;
    const data = { site_id: siteId, kind: chipValue(form, "kind"),
      attendee_ids: [...attendees.querySelectorAll("input:checked")].map((box) => box.value),
      absent_note: text(absent), assignments: text(assignments), yesterday_summary: text(summary), notes: text(notes) };
    if (showErrors(form, problems(rules, data), message)) return;
    const id = uuid();
    const at = isoNow();
    await record({
      mutations: [{ type: "meeting.record", entity_id: id, at, data }],
      // ``kind`` names the record's type in ``records``; the meeting's own kind is ``meeting_kind``
      records: [{ ...data, id, kind: "meeting", meeting_kind: data.kind, started_at: at, chaired_by: user.id, at }],
    });
    window.dispatchEvent(new Event("estate-recorded"));
    toastAfterRender(t("Saved: the meeting will be sent at the next sync."));
    await again();
  }));
  const names = Object.fromEntries(KINDS());
  return h("section", { class: "card meeting-card", id: "meeting" },
    h("details", { id: "meeting-details" },
      h("summary", { class: "button block", id: "meeting-open" }, t("Record a meeting")),
      form),
    held.length
      ? h("ul", { class: "meeting-held", id: "meeting-held" }, held.map((r) => h("li", {},
        `${names[r.meeting_kind] || r.meeting_kind} ${clock(new Date(r.started_at), timeZone)} · `,
        t("%(count)s people", { count: (r.attendee_ids || []).length }))))
      : h("p", { class: "meta" }, t("No meeting recorded today yet.")));
}
