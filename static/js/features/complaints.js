/**
 * Complaints (投诉) on the phone, offline: the desk's assistant or a manager out on the
 * estate takes one down as the owner says it, and records each contact and reply
 * (``complaint.create``, ``complaint.reply``). The server classifies the clocks; the list
 * shows what it said at the last sync, and what waits on the phone.
 */
import { all } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { record, waiting } from "../lib/outbox.js";
import { rows } from "../lib/refdata.js";
import { check, formRules, maxLengths } from "../lib/rules.js";
import { context } from "../lib/site.js";
import { CATEGORIES, CHANNELS, COMPLAINT_KINDS, REPLY_METHODS, REPLY_STAGES, SATISFACTION } from "../lib/words.js";
import { dateTime, isoNow, normalisePhone, uuid } from "../lib/util.js";
import {
  chipValue, chips, clearErrors, field, h, notice, once, render, rerender, showErrors, signInFirst, toastAfterRender,
} from "../ui/dom.js";
import { photoPicker } from "../ui/photos.js";

/** Who classifies and answers complaints: the desk and those above it (``sync.complaints.may_handle``). */
const HANDLER_ROLES = ["clerk", "manager", "supervisor", "admin"];
const POST_ROLES = ["guard", "staff", "manager", "clerk"];
export function mayHandle(user) {
  return Boolean(user) && (HANDLER_ROLES.includes(user.role)
    || (user.post === "customer_service" && POST_ROLES.includes(user.role)));
}

function saved(message) {
  window.dispatchEvent(new Event("estate-recorded"));
  toastAfterRender(message);
}

function text(name, max, attrs = {}) {
  return h("input", { name, maxlength: max ? String(max) : null, autocomplete: "off", ...attrs });
}

function blankless(data) {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== "" && v !== null && v !== undefined));
}

function intakeForm(ctx, rules, done) {
  const longest = maxLengths(rules, "complaint.create");
  const description = h("textarea", { name: "description", rows: "4", maxlength: String(longest.description || 2000) });
  const households = text("households", 6, { inputmode: "numeric", value: "1" });
  const form = h("form", { class: "card", id: "complaint-form", novalidate: true },
    h("h2", {}, t("Take a complaint")),
    chips("channel", CHANNELS().filter(([c]) => c !== "developer"), { legend: t("Came in"), value: "in_person" }),
    field(t("Unit"), text("unit", longest.unit, { placeholder: "3-2-1101" })),
    chips("category", CATEGORIES(), { legend: t("Category") }),
    field(t("What the owner said"), description, { required: true }),
    field(t("Owner"), text("owner_name", longest.owner_name)),
    field(t("Owner's phone"), text("owner_phone", longest.owner_phone, { inputmode: "tel", type: "tel" })),
    chips("kind", COMPLAINT_KINDS(), { legend: t("Class"), value: "valid" }),
    field(t("Households"), households, { hint: t("Five or more households about one event: a collective complaint.") }),
    h("div", { id: "complaint-message" }),
    h("button", { type: "submit", class: "primary block" }, t("Save and start the clocks")));
  form.addEventListener("submit", once(async () => {
    const message = form.querySelector("#complaint-message");
    clearErrors(form);
    const count = households.value.trim();
    const data = blankless({
      site_id: ctx.siteId, channel: chipValue(form, "channel"), kind: chipValue(form, "kind"),
      category: chipValue(form, "category"), description: description.value.trim(),
      unit: form.elements.unit.value.trim(), owner_name: form.elements.owner_name.value.trim(),
      owner_phone: normalisePhone(form.elements.owner_phone.value),
      households: /^\d{1,6}$/.test(count) ? Number(count) : (count || 1),
    });
    if (showErrors(form, check(rules, "complaint.create", data), message)) return;
    const id = uuid();
    const at = isoNow();
    await record({
      mutations: [{ type: "complaint.create", entity_id: id, at, data }],
      records: [{ id, kind: "complaint", site_id: ctx.siteId, lodged_at: at, description: data.description,
        unit: data.unit || null, kind_of: data.kind, channel: data.channel, category: data.category || null,
        replies: [] }],
    });
    saved(t("Saved: complaint taken down."));
    await done();
  }));
  return form;
}

function replyForm(complaint, rules, done) {
  const longest = maxLengths(rules, "complaint.reply");
  const said = h("textarea", { name: "said", rows: "3", maxlength: String(longest.said || 2000) });
  const agreed = h("input", { name: "agreed_reply_at", type: "datetime-local" });
  const agreedField = field(t("Reply time agreed with the owner"), agreed);
  const answered = (complaint.replies || []).length > 0 || complaint.replied;
  const method = complaint.collective ? "visit" : complaint.channel === "written" ? "written" : "phone";
  const signed = photoPicker("signed_form", complaint.id);
  const prefix = `r${complaint.id.slice(0, 8)}-`;
  const form = h("form", { class: "reply-form", novalidate: true, dataset: { complaint: complaint.id } },
    chips("stage", REPLY_STAGES().filter(([s]) => (s !== "report_back" || complaint.channel === "developer")
      && (s !== "event_report" || complaint.collective)),
      { legend: t("What this is"), value: answered ? "reply" : "contact", prefix,
        onchange: (value) => { agreedField.hidden = value !== "contact"; } }),
    chips("method", REPLY_METHODS(), { legend: t("How"), value: method, prefix }),
    field(t("What was said"), said, { required: true }),
    agreedField,
    field(t("Owner's opinion"), text("owner_opinion", longest.owner_opinion)),
    chips("satisfaction", SATISFACTION(), { legend: t("Satisfaction"), prefix }),
    h("p", { class: "meta" }, t("Photo of the signed complaint record form")), signed.element,
    h("div", { class: "reply-message" }),
    h("button", { type: "submit", class: "primary block" }, t("Record")));
  agreedField.hidden = answered;
  form.addEventListener("submit", once(async () => {
    const message = form.querySelector(".reply-message");
    const stage = chipValue(form, "stage");
    const data = blankless({
      complaint_id: complaint.id, stage, method: chipValue(form, "method"), said: said.value.trim(),
      owner_opinion: form.elements.owner_opinion.value.trim(), satisfaction: chipValue(form, "satisfaction"),
      agreed_reply_at: stage === "contact" && agreed.value ? isoNow(new Date(agreed.value)) : null,
    });
    const photos = signed.photos();
    data.photo_ids = photos.map((p) => p.id);
    const errors = check(rules, "complaint.reply", data);
    if (stage === "reply" && complaint.collective && data.method !== "visit") {
      errors.method = t("A collective complaint is answered by a home visit.");
    } else if (stage === "reply" && complaint.channel === "written" && data.method !== "written") {
      errors.method = t("A written complaint is answered in writing.");
    }
    if (showErrors(form, errors, message)) return;
    const id = uuid();
    const at = isoNow();
    const mine = (await all("records")).find((r) => r.kind === "complaint" && r.id === complaint.id);
    await record({
      mutations: [{ type: "complaint.reply", entity_id: id, at, data }],
      records: [{ ...(mine || { id: complaint.id, kind: "complaint_answered", site_id: complaint.site_id }),
        replies: [...((mine && mine.replies) || []), { id, stage, at }] }],
      photos,
    });
    saved(stage === "contact" ? t("Saved: contact recorded.") : t("Saved: reply recorded."));
    await done();
  }));
  return form;
}

/** The desk's class for a complaint, offline (``complaint.classify``). */
function classifyForm(complaint, rules, done) {
  const households = text("households", 6, { inputmode: "numeric", value: String(complaint.households || 1) });
  const common = h("input", { type: "checkbox", name: "common_interest", checked: Boolean(complaint.common_interest) });
  const prefix = `k${complaint.id.slice(0, 8)}-`;
  const form = h("form", { class: "classify-form", novalidate: true, dataset: { complaint: complaint.id } },
    chips("kind", COMPLAINT_KINDS(), { legend: t("Class"), value: complaint.kind_of || complaint.kind, prefix }),
    chips("category", CATEGORIES(), { legend: t("Category"), value: complaint.category || null, prefix }),
    field(t("Households"), households),
    h("label", { class: "check" }, common, " ", t("Of many owners' common interest")),
    h("div", { class: "classify-message" }),
    h("button", { type: "submit", class: "block" }, t("Classify")));
  form.addEventListener("submit", once(async () => {
    const count = households.value.trim();
    const data = blankless({
      kind: chipValue(form, "kind"), category: chipValue(form, "category"),
      households: /^\d{1,6}$/.test(count) ? Number(count) : (count || null), common_interest: common.checked,
    });
    if (showErrors(form, check(rules, "complaint.classify", data), form.querySelector(".classify-message"))) return;
    await record({ mutations: [{ type: "complaint.classify", entity_id: complaint.id, at: isoNow(), data }] });
    saved(t("Saved: complaint classified."));
    await done();
  }));
  return form;
}

/** An owner's repair request (报修) taken down here: a repair order for the repair post. */
function repairForm(ctx, rules, done) {
  const longest = maxLengths(rules, "repair.create");
  const description = h("textarea", { name: "description", rows: "3", maxlength: String(longest.description || 2000) });
  const form = h("form", { class: "card", id: "repair-request-form", novalidate: true },
    h("h2", {}, t("Take a repair request")),
    chips("channel", [["in_person", t("In person")], ["phone", t("By phone")], ["other", t("Other")]],
      { legend: t("Came in"), value: "in_person", prefix: "rq-" }),
    field(t("Unit"), text("unit", longest.unit, { placeholder: "3-2-1101" })),
    field(t("What needs repairing"), description, { required: true }),
    chips("urgency", [["urgent", t("Urgent")], ["normal", t("Normal")], ["low", t("Not urgent")]],
      { legend: t("Urgency"), value: "normal", prefix: "rq-" }),
    field(t("Owner"), text("owner_name", longest.owner_name)),
    field(t("Owner's phone"), text("owner_phone", longest.owner_phone, { inputmode: "tel", type: "tel" })),
    h("div", { id: "repair-request-message" }),
    h("button", { type: "submit", class: "primary block" }, t("Send to the repair post")));
  form.addEventListener("submit", once(async () => {
    const data = blankless({
      site_id: ctx.siteId, channel: chipValue(form, "channel"), urgency: chipValue(form, "urgency"),
      description: description.value.trim(), unit: form.elements.unit.value.trim(),
      owner_name: form.elements.owner_name.value.trim(), owner_phone: normalisePhone(form.elements.owner_phone.value),
    });
    if (showErrors(form, check(rules, "repair.create", data), form.querySelector("#repair-request-message"))) return;
    await record({ mutations: [{ type: "repair.create", entity_id: uuid(), at: isoNow(), data }] });
    saved(t("Saved: the repair request goes to the repair post."));
    await done();
  }));
  return form;
}

const KIND_NAMES = () => Object.fromEntries(COMPLAINT_KINDS());

function item(c, rules, tz, done, handles) {
  const replies = c.replies || [];
  const answered = replies.some((r) => r.stage === "reply") || c.last_stage === "reply";
  const contacted = answered || replies.length > 0 || Boolean(c.last_stage);
  const state = answered ? t("Replied") : contacted ? t("Contacted") : t("Owner not yet contacted");
  const details = h("details", {}, h("summary", {}, t("Record a contact or reply")), replyForm(c, rules, done),
    h("details", { class: "classify" }, h("summary", {}, t("Class")), classifyForm(c, rules, done)));
  return h("li", { dataset: { complaint: c.id }, class: contacted ? "" : "overdue" },
    h("div", { class: "row" },
      h("strong", { class: "grow" }, c.unit || t("No unit")),
      h("span", { class: "tag" }, KIND_NAMES()[c.kind_of || c.kind] || ""),
      c.pending ? h("span", { class: "tag warn" }, t("Waiting")) : null),
    h("div", {}, c.description),
    h("div", { class: "meta" }, `${dateTime(new Date(c.lodged_at), tz)} · ${state}`),
    c.merged_into ? h("div", { class: "meta" }, t("Merged into a collective event."))
      : handles ? details : h("div", { class: "meta" }, t("The front desk contacts the owner.")));
}

export async function show() {
  const ctx = await context();
  if (!ctx.user) {
    render(signInFirst());
    return;
  }
  const [pulled, local, rules, w] = await Promise.all([
    rows("complaint", ctx.siteId), all("records"), formRules(), waiting()]);
  const mine = local.filter((r) => (r.kind === "complaint" || r.kind === "complaint_answered") && r.site_id === ctx.siteId);
  const byId = new Map(pulled.map((c) => [c.id, c]));
  for (const r of mine) {
    const known = byId.get(r.id);
    // Waiting while the complaint or one of its replies is still in the outbox.
    const pending = w.entityIds.has(r.id) || (r.replies || []).some((x) => w.entityIds.has(x.id));
    byId.set(r.id, known ? { ...known, replies: r.replies, pending } : { ...r, pending });
  }
  const list = [...byId.values()].filter((c) => c.lodged_at)
    .sort((a, b) => Date.parse(b.lodged_at) - Date.parse(a.lodged_at));
  const done = () => rerender(show);
  const form = intakeForm(ctx, rules, done);
  render(
    ctx.siteId ? null : notice(t("Site data will appear after the first sync."), "info"),
    h("details", { class: "intake", id: "complaint-intake", open: list.length === 0 },
      h("summary", { class: "button block" }, t("Take a complaint")), form),
    mayHandle(ctx.user) ? h("details", { class: "intake", id: "repair-intake" },
      h("summary", { class: "button block" }, t("Take a repair request")), repairForm(ctx, rules, done)) : null,
    h("h2", {}, t("Complaints"), " ", h("span", { class: "tag" }, String(list.length))),
    list.length ? h("ul", { class: "list", id: "complaints" }, list.map((c) => item(c, rules, ctx.tz, done, mayHandle(ctx.user))))
      : h("p", { class: "empty" }, t("Nothing here.")),
  );
}
