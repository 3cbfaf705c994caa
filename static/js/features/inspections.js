/**
 * Staff inspections (书面考核, 《服务过程检验单》) on the phone's home screen, offline: a
 * manager (or a team lead, for their own post) picks a person of the site, ticks the
 * checklist of that person's post, gives a score and notes; the form is checked with
 * ``/m/rules.json`` (the server's own rules, ``sync/inspection_rules.py``) before it is
 * saved as an ``inspection.record`` mutation in the outbox.
 */
import { t } from "../lib/i18n.js";
import { record } from "../lib/outbox.js";
import { rows } from "../lib/refdata.js";
import { check, formRules } from "../lib/rules.js";
import { isoNow, uuid } from "../lib/util.js";
import { clearErrors, field, h, once, showErrors, toastAfterRender } from "../ui/dom.js";
import { localDay } from "./attendance.js";

/** Whether ``user`` may inspect a person of ``post``, as ``inspection_rules.may_record``. */
export function mayInspect(rules, user, post) {
  if (rules.reviewer_roles.includes(user.role)) return true;
  return Boolean(user.is_team_lead && user.post && user.post === post);
}

/** The problems of a filled-in form: the server's field rules, and the checklist's items. */
export function problems(rules, data, post) {
  const errors = check(rules, "inspection.record", data);
  const keys = (rules.inspection.checklists[post] || []).map(([key]) => key);
  const given = Object.keys(data.checklist || {});
  if (!keys.length || given.length !== keys.length || !keys.every((k) => typeof data.checklist[k] === "boolean")) {
    errors.checklist = t(rules.inspection.checklist_invalid.message);
  }
  return errors;
}

/** "书面考核": the form, or nothing for someone who inspects nobody here. */
export async function inspectionCard(user, siteId, timeZone, again) {
  const rules = await formRules();
  const meta = rules && rules.inspection;
  if (!meta) return null;
  const people = (await rows("user"))
    .filter((p) => p.id !== user.id && (p.site_ids || []).includes(siteId) && meta.checklists[p.post]
      && mayInspect(meta, user, p.post))
    .sort((a, b) => (a.display_name < b.display_name ? -1 : 1));
  if (!people.length) return null;
  const person = h("select", { name: "person_id", id: "inspection-person" },
    h("option", { value: "" }, t("Choose the person")),
    people.map((p) => h("option", { value: p.id }, p.display_name)));
  const items = h("fieldset", { class: "inspection-items", id: "inspection-items", name: "checklist" });
  const score = h("input", { type: "number", name: "score", id: "inspection-score", min: "0", max: "100",
    step: "1", inputmode: "numeric", value: "100" });
  const notes = h("textarea", { name: "notes", id: "inspection-notes", rows: "2", maxlength: "2000" });
  const message = h("div", { id: "inspection-message" });
  const postOf = () => (people.find((p) => p.id === person.value) || {}).post;
  const fill = () => {
    items.replaceChildren(h("legend", {}, t("Checklist (ticked = ok)")),
      ...(meta.checklists[postOf()] || []).map(([key, label]) => h("label", { class: "check-line" },
        h("input", { type: "checkbox", name: `item-${key}`, "data-item": key, checked: true }), " ", label)));
  };
  person.addEventListener("change", fill);
  fill();
  const form = h("form", { class: "inspection-form", novalidate: true },
    field(t("Person inspected"), person), items,
    field(t("Score (0–100)"), score),
    field(t("Notes"), notes), message,
    h("button", { type: "submit", class: "block", id: "inspection-save" }, t("Save inspection")));
  form.addEventListener("submit", once(async () => {
    clearErrors(form);
    const checklist = {};
    for (const box of items.querySelectorAll("input[data-item]")) checklist[box.dataset.item] = box.checked;
    const raw = score.value.trim();
    const data = { site_id: siteId, person_id: person.value || null, checklist,
      score: raw === "" ? null : Number(raw), notes: notes.value.trim() || null };
    if (showErrors(form, problems(rules, data, postOf()), message)) return;
    const id = uuid();
    const at = isoNow();
    await record({
      mutations: [{ type: "inspection.record", entity_id: id, at, data }],
      records: [{ id, kind: "inspection", ...data, post: postOf(), day: localDay(new Date(at), timeZone), at }],
    });
    window.dispatchEvent(new Event("estate-recorded"));
    toastAfterRender(t("Saved: the inspection will be sent at the next sync."));
    await again();
  }));
  return h("section", { class: "card inspection-card", id: "inspection" },
    h("details", { id: "inspection-details" },
      h("summary", { class: "button block", id: "inspection-open" }, t("Staff inspection")), form));
}
