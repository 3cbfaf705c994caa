/**
 * Repair orders (维修任务单) on the repair worker's phone: the open orders of the site,
 * most urgent due first; for one order, the visit (times, the work, materials taken from
 * the store, photos before and after) and the owner's sign-off. Everything is recorded
 * offline and reaches the server as ``repair.work`` and ``repair.signoff``; each material
 * becomes a stock movement out of the store there, so the book quantity drops.
 */
import { all } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { record } from "../lib/outbox.js";
import { forget, rows } from "../lib/refdata.js";
import { check, formRules, maxLengths } from "../lib/rules.js";
import { context } from "../lib/site.js";
import { dateTime, isoNow, uuid } from "../lib/util.js";
import { SATISFACTION } from "../lib/words.js";
import { chipValue, chips, clearErrors, field, h, notice, once, render, rerender, showErrors, signInFirst, toastAfterRender } from "../ui/dom.js";
import { photoPicker } from "../ui/photos.js";
import { dueText } from "./followups.js";

export const URGENCY_NAMES = () => ({ urgent: t("Urgent"), normal: t("Normal"), low: t("Not urgent") });
const ORDER = { urgent: 0, normal: 1, low: 2 };

function saved(message) {
  window.dispatchEvent(new Event("estate-recorded"));
  toastAfterRender(message);
}

/** "2026-12-04T09:30" for a datetime-local input, in the phone's own time. */
function localInput(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromInput(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : isoNow(date);
}

function plain(value) {
  const n = Number(value);
  return Number.isFinite(n) ? String(Math.round(n * 1000) / 1000) : "";
}

/** What this phone recorded for each order and has not seen come back: visits, a sign-off. */
async function localState(userId) {
  const map = new Map();
  for (const r of await all("records")) {
    if (r.kind === "repair_local" && r.user_id === userId) map.set(r.id, r);
  }
  return map;
}

/** The materials part of the work form: pick an item of the store, a quantity, add. */
function materialsPicker(items) {
  const chosen = [];
  const list = h("ul", { class: "list materials", id: "materials-list" });
  const select = h("select", { name: "material_item", id: "material-item" },
    h("option", { value: "" }, t("Choose a material")),
    items.map((i) => h("option", { value: i.id },
      `${i.name}${i.book_qty !== undefined && i.book_qty !== null ? ` (${t("%(qty)s in the books", { qty: plain(i.book_qty) })})` : ""}`)));
  const qty = h("input", { name: "material_qty", id: "material-qty", type: "number", min: "0", step: "any", inputmode: "decimal" });
  const add = h("button", { type: "button", class: "small", id: "material-add" }, t("Add material"));
  const redraw = () => list.replaceChildren(...chosen.map((m, n) => {
    const item = items.find((i) => i.id === m.item_id) || {};
    const remove = h("button", { type: "button", class: "small", dataset: { remove: String(n) } }, t("Remove"));
    remove.addEventListener("click", () => { chosen.splice(n, 1); redraw(); });
    return h("li", { class: "row", dataset: { item: m.item_id } },
      h("span", { class: "grow" }, `${item.name || ""} × ${plain(m.quantity)} ${item.unit || ""}`), remove);
  }));
  const box = h("div", { class: "field" });
  add.addEventListener("click", () => {
    for (const el of box.querySelectorAll(".field-error")) el.remove();
    const n = Number(qty.value);
    let problem = null;
    if (!select.value) problem = t("Choose a material.");
    else if (!qty.value || !Number.isFinite(n) || n <= 0) problem = t("Please enter a quantity of material greater than 0.");
    else if (chosen.some((m) => m.item_id === select.value)) problem = t("Each material once per visit: add the quantities together.");
    if (problem) {
      box.append(h("p", { class: "field-error", role: "alert" }, problem));
      return;
    }
    chosen.push({ item_id: select.value, quantity: qty.value });
    select.value = "";
    qty.value = "";
    redraw();
  });
  // Element.append writes "null" for a null: only what is there goes in.
  box.append(...[
    h("label", { for: select.id }, t("Materials from the store")),
    select,
    h("div", { class: "row material-qty" },
      h("label", { for: qty.id, class: "grow" }, t("Quantity")), qty, add),
    items.length ? null : h("p", { class: "hint" }, t("The store's items appear after a sync.")),
    list].filter(Boolean));
  return { element: box, materials: () => chosen.slice() };
}

function workForm(ctx, order, items, rules, local) {
  const now = new Date();
  const started = h("input", { type: "datetime-local", name: "started_at", value: localInput(new Date(now - 30 * 60000)) });
  const finished = h("input", { type: "datetime-local", name: "finished_at", value: localInput(now) });
  const limits = maxLengths(rules, "repair.work");
  const done = h("textarea", { name: "work_done", rows: "3", maxlength: String(limits.work_done || 2000) });
  const picker = materialsPicker(items);
  const before = photoPicker("before_photos", order.id);
  const after = photoPicker("after_photos", order.id);
  const message = h("div");
  const form = h("form", { class: "card", id: "repair-work-form", novalidate: true },
    h("h3", {}, t("Record the work")),
    field(t("Work started"), started, { required: true }),
    field(t("Work finished"), finished, { required: true }),
    field(t("Work done"), done, { required: true }),
    picker.element,
    h("p", { class: "meta" }, t("Photos before the work")), before.element,
    h("p", { class: "meta" }, t("Photos after the work")), after.element,
    message,
    h("button", { type: "submit", class: "primary block" }, t("Save the work")));
  form.addEventListener("submit", once(async () => {
    clearErrors(form);
    const befores = before.photos();
    const afters = after.photos();
    const data = {
      repair_id: order.id, started_at: fromInput(started.value), finished_at: fromInput(finished.value),
      work_done: done.value.trim(), materials: picker.materials(),
      before_photo_ids: befores.map((p) => p.id), after_photo_ids: afters.map((p) => p.id),
    };
    const errors = check(rules, "repair.work", data);
    if (!data.started_at) errors.started_at = t("Please give when the work started.");
    if (!data.finished_at) errors.finished_at = t("Please give when the work finished.");
    else if (data.started_at && Date.parse(data.finished_at) < Date.parse(data.started_at)) {
      errors.finished_at = t("The work cannot finish before it started.");
    }
    if (showErrors(form, errors, message)) return;
    const id = uuid();
    const visits = [...((local && local.visits) || []), { id, finished_at: data.finished_at, work_done: data.work_done,
      materials: data.materials }];
    await record({
      mutations: [{ type: "repair.work", entity_id: id, data }],
      records: [{ ...(local || {}), id: order.id, kind: "repair_local", visits }],
      photos: [...befores, ...afters],
    });
    saved(t("Saved: the work on %(number)s.", { number: order.number }));
    await rerender(show);
  }));
  return form;
}

function signoffForm(ctx, order, followup, rules, local) {
  const limits = maxLengths(rules, "repair.signoff");
  const opinion = h("textarea", { name: "opinion", rows: "2", maxlength: String(limits.opinion || 1000) });
  const signer = h("input", { name: "signed_by", maxlength: String(limits.signed_by || 60), value: order.owner_name || "" });
  const signature = photoPicker("signature_photo", order.id);
  const message = h("div");
  const form = h("form", { class: "card", id: "repair-signoff-form", novalidate: true },
    h("h3", {}, t("Owner's sign-off")),
    chips("satisfaction", SATISFACTION(), { legend: t("How satisfied is the owner?"), prefix: `s${order.id.slice(0, 8)}-` }),
    field(t("Owner's opinion"), opinion),
    field(t("Signed by"), signer),
    h("p", { class: "meta" }, t("Photo of the owner's signature (optional)")), signature.element,
    message,
    h("button", { type: "submit", class: "primary block" }, t("Save the sign-off")));
  form.addEventListener("submit", once(async () => {
    clearErrors(form);
    const photos = signature.photos().slice(0, 1);
    const data = { satisfaction: chipValue(form, "satisfaction"), opinion: opinion.value.trim() || null,
      signed_by: signer.value.trim() || null };
    if (photos.length) data.signature_photo_id = photos[0].id;
    const errors = check(rules, "repair.signoff", data);
    if (!data.satisfaction && !errors.satisfaction) errors.satisfaction = t("Please choose how satisfied the owner is.");
    if (showErrors(form, errors, message)) return;
    const mutations = [{ type: "repair.signoff", entity_id: order.id, data }];
    // The repair's follow-up is this worker's to resolve: the sign-off says it is done.
    if (followup && followup.assignee_id === ctx.user.id && ["open", "in_progress"].includes(followup.status)) {
      mutations.push({ type: "followup.update", entity_id: followup.id,
        data: { base_version: followup.version, status: "resolved", note: t("Repaired; the owner signed off.") } });
    }
    await record({
      mutations,
      records: [{ ...(local || {}), id: order.id, kind: "repair_local", signed_off_at: isoNow(), satisfaction: data.satisfaction }],
      photos,
    });
    // Signed off, the order leaves the repair phones (the server's pull says so too, but
    // not in the answer to this phone's own push): it is done here.
    await forget("repair", order.id);
    saved(t("Saved: %(number)s signed off by the owner.", { number: order.number }));
    await rerender(show);
  }));
  return form;
}

function card(ctx, order, local, items, followups, rules) {
  const due = dueText(order.due_at);
  const visits = ((local && local.visits) || []).length;
  const worked = order.work_count || visits;
  const signed = Boolean(order.signed_off_at || (local && local.signed_off_at));
  const state = signed ? [t("Signed off"), "ok"] : worked ? [t("Repaired, waiting for sign-off"), "warn"] : [t("Waiting for repair"), ""];
  const details = h("details", {},
    h("summary", {}, t("Record the work and the sign-off")),
    h("dl", { class: "kv facts" },
      h("dt", {}, t("Order number")), h("dd", {}, order.number || ""),
      h("dt", {}, t("Owner")), h("dd", {}, [order.owner_name, order.owner_phone].filter(Boolean).join(" · ") || "—"),
      h("dt", {}, t("Requested at")), h("dd", {}, order.requested_at ? dateTime(new Date(order.requested_at), ctx.tz) : "—"),
      h("dt", {}, t("Due")), h("dd", {}, order.due_at ? dateTime(new Date(order.due_at), ctx.tz) : "—")),
    visits ? h("p", { class: "meta" }, t("%(count)s visits recorded on this phone, waiting to sync.", { count: visits })) : null,
    signed ? notice(t("The owner has signed off."), "ok") : [
      workForm(ctx, order, items, rules, local),
      signoffForm(ctx, order, followups.get(order.followup_id), rules, local)]);
  return h("li", { class: !signed && due.overdue ? "overdue" : "", dataset: { repair: order.id } },
    h("div", { class: "row" },
      h("strong", { class: "grow" }, [order.unit, order.description].filter(Boolean).join(" · ")),
      h("span", { class: `tag ${order.urgency === "urgent" ? "bad" : ""}` }, URGENCY_NAMES()[order.urgency] || order.urgency),
      h("span", { class: `tag ${state[1]}`, dataset: { state: signed ? "signed_off" : worked ? "worked" : "open" } }, state[0])),
    h("div", { class: "meta due" }, signed ? "" : due.text),
    details);
}

export async function show() {
  const ctx = await context();
  if (!ctx.user) {
    render(signInFirst());
    return;
  }
  const [orders, items, followupRows, local, rules] = await Promise.all([
    rows("repair", ctx.siteId), rows("item", ctx.siteId), rows("followup", ctx.siteId), localState(ctx.user.id), formRules()]);
  const followups = new Map(followupRows.map((f) => [f.id, f]));
  const open = orders.filter((o) => !o.signed_off_at)
    .sort((a, b) => (ORDER[a.urgency] ?? 9) - (ORDER[b.urgency] ?? 9)
      || Date.parse(a.due_at || "9999-01-01") - Date.parse(b.due_at || "9999-01-01"));
  render(
    h("h2", {}, t("Repair orders"), " ", h("span", { class: "tag" }, String(open.length))),
    open.length
      ? h("ul", { class: "list", id: "repairs" }, open.map((o) => card(ctx, o, local.get(o.id), items, followups, rules)))
      : notice(orders.length ? t("No repair orders waiting.") : t("Repair orders appear after a sync."), "info"),
  );
}
