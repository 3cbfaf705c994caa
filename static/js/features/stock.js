/**
 * Stock check (库存抽查): pick a store, count a random sample of its items (or all), blind
 * when the site says so (the counter cannot turn it off): the book quantity shows only
 * once an item is counted. The first count is the blind one; a recount needs a second tap
 * and a reason, and the server sends a difference it clears to the manager to approve.
 * The server compares each count with the books as of the moment it was made.
 */
import { all } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { record } from "../lib/outbox.js";
import { rows } from "../lib/refdata.js";
import { context, setting } from "../lib/site.js";
import { isoNow, uuid } from "../lib/util.js";
import {
  chipValue, chips, clearErrors, field, h, notice, once, render, rerender, showErrors, signInFirst, toastAfterRender,
} from "../ui/dom.js";

/** ``n`` items drawn at random (all of them when ``n`` is 0 or too big). */
export function sample(items, n) {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = crypto.getRandomValues(new Uint32Array(1))[0] % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return n > 0 ? copy.slice(0, n) : copy;
}

function qty(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function saved(message) {
  window.dispatchEvent(new Event("estate-recorded"));
  toastAfterRender(message);
}

async function activeCheck(ctx) {
  return (await all("records")).find((r) => r.kind === "stock_check" && r.user_id === ctx.user.id &&
    r.site_id === ctx.siteId && !r.finished_at) || null;
}

function startView(ctx, stores, items) {
  const blind = setting(ctx.site, "stock_blind") !== false;
  const form = h("form", { class: "card", id: "stock-start", novalidate: true },
    chips("store", stores.map((s) => [s.id, s.name]), { legend: t("Store"), value: stores.length === 1 ? stores[0].id : null }),
    chips("size", [["5", t("5 at random")], ["10", t("10 at random")], ["0", t("All items")]], { legend: t("Items to count"), value: "5" }),
    h("p", { class: "meta", id: "blind-rule" },
      blind ? t("Blind count: the book quantity shows after you count.") : t("Book quantities shown.")),
    h("div", { id: "stock-start-message" }),
    h("button", { type: "submit", class: "primary block" }, t("Start counting")));
  form.addEventListener("submit", once(async () => {
    const storeId = chipValue(form, "store");
    const message = form.querySelector("#stock-start-message");
    message.replaceChildren();
    if (!storeId) {
      message.append(notice(t("Choose a store."), "error"));
      return;
    }
    const pool = items.filter((i) => i.store_id === storeId);
    if (!pool.length) {
      message.append(notice(t("This store has no items on the phone yet. Sync first."), "error"));
      return;
    }
    const picked = sample(pool, Number(chipValue(form, "size")));
    const id = uuid();
    const at = isoNow();
    const store = stores.find((s) => s.id === storeId);
    await record({
      mutations: [{ type: "stock.check_start", entity_id: id, at, data: { site_id: ctx.siteId, store_id: storeId } }],
      records: [{ id, kind: "stock_check", site_id: ctx.siteId, store_id: storeId, store_name: store.name,
        item_ids: picked.map((i) => i.id), blind, counts: {}, started_at: at, finished_at: null }],
    });
    saved(t("Saved: stock check started."));
    await rerender(show);
  }));
  return [h("h2", {}, t("Start a stock check")),
    stores.length ? form : notice(t("Stores appear after the first sync."), "info")];
}

function itemCard(check, item) {
  const count = check.counts[item.id];
  const book = qty(item.book_qty);
  const showBook = !check.blind || count;
  const counted = h("input", { name: "counted_qty", type: "number", min: "0", step: "any", inputmode: "decimal",
    value: count ? String(count.counted_qty) : "" });
  const defective = h("input", { name: "defective_qty", type: "number", min: "0", step: "any", inputmode: "decimal",
    value: count && count.defective_qty ? String(count.defective_qty) : "" });
  const message = h("div");
  // A recount is asked for, then given with its reason: one tap never records a second count.
  const reason = h("textarea", { name: "note", maxlength: "500", rows: "2" });
  const reasonField = field(t("Why count again?"), reason, { required: true });
  const recounting = { on: false };
  reasonField.hidden = true;
  const submit = h("button", { type: "submit", class: count ? "small block" : "primary block" },
    count ? t("Count again") : t("Confirm count"));
  const form = h("form", { class: "count-form", novalidate: true, dataset: { item: item.id } },
    h("div", { class: "row" },
      h("div", { class: "grow" }, field(t("Counted (%(unit)s)", { unit: item.unit || "" }), counted, { required: true })),
      h("div", { class: "grow" }, field(t("Defective"), defective))),
    reasonField,
    message,
    submit);
  if (count) {
    counted.readOnly = true;
    defective.readOnly = true;
  }
  form.addEventListener("submit", once(async () => {
    message.replaceChildren();
    clearErrors(form);
    if (count && !recounting.on) {
      recounting.on = true;
      counted.readOnly = false;
      defective.readOnly = false;
      reasonField.hidden = false;
      submit.textContent = t("Record the recount");
      submit.className = "primary block";
      counted.focus();
      counted.select();
      return;
    }
    const c = qty(counted.value);
    const d = defective.value === "" ? 0 : qty(defective.value);
    const errors = {};
    if (counted.value === "" || c === null || c < 0) errors.counted_qty = t("Enter the counted quantity (0 or more).");
    else if (d === null || d < 0 || d > c) errors.defective_qty = t("Defective must be between 0 and the counted quantity.");
    if (count && !reason.value.trim()) errors.note = t("Say why the item is counted again.");
    if (showErrors(form, errors, message)) return;
    const id = uuid();
    const at = isoNow();
    const data = { check_id: check.id, item_id: item.id, counted_qty: c };
    if (d) data.defective_qty = d;
    if (count) data.note = reason.value.trim();
    // The first count stays beside the recount: it is the blind one.
    const first = count ? (count.first || { counted_qty: count.counted_qty, at: count.at }) : null;
    const next = { ...check, counts: { ...check.counts, [item.id]: { id, counted_qty: c, defective_qty: d, at, first,
      note: data.note || null } } };
    await record({ mutations: [{ type: "stock.count", entity_id: id, data, at }], records: [next] });
    saved(t("Saved: %(name)s counted.", { name: item.name }));
    await rerender(show);
  }));
  let result = null;
  if (count && book !== null) {
    const diff = count.counted_qty - book;
    const signed = diff > 0 ? "+" + diff : String(diff);
    result = h("p", { class: "meta" }, t("Book %(book)s · difference %(diff)s", { book, diff: signed }),
      diff ? h("span", { class: "tag bad" }, t("Differs")) : h("span", { class: "tag ok" }, t("Matches")));
  } else if (showBook && book !== null) {
    result = h("p", { class: "meta" }, t("Book %(book)s", { book }));
  }
  const first = count && count.first;
  const history = first ? h("p", { class: "meta recount" },
    t("First count %(first)s, recounted %(count)s: %(reason)s",
      { first: first.counted_qty, count: count.counted_qty, reason: count.note || "" }),
    book !== null && first.counted_qty !== book && count.counted_qty === book
      ? h("span", { class: "tag warn" }, t("The manager approves this")) : null) : null;
  return h("li", { dataset: { item: item.id } }, h("strong", {}, item.name), result, history, form);
}

function finishForm(check, picked) {
  const counted = picked.filter((i) => check.counts[i.id]);
  const missing = picked.filter((i) => !check.counts[i.id]);
  const diffs = counted.filter((i) => qty(i.book_qty) !== null && check.counts[i.id].counted_qty !== qty(i.book_qty));
  const defects = counted.filter((i) => check.counts[i.id].defective_qty);
  const form = h("form", { class: "card", id: "finish-form", novalidate: true },
    h("h2", {}, t("Finish the stock check")),
    diffs.length
      ? [notice(t("%(count)s items differ from the books:", { count: diffs.length }), "warn"),
        h("ul", { id: "differences" }, diffs.map((i) => {
          const diff = check.counts[i.id].counted_qty - qty(i.book_qty);
          return h("li", {}, `${i.name}: ${check.counts[i.id].counted_qty} / ${qty(i.book_qty)} (${diff > 0 ? "+" : ""}${diff})`);
        }))]
      : notice(t("No differences from the books."), "ok"),
    defects.length ? h("p", {}, t("Defective: %(items)s", { items: defects.map((i) => `${i.name} ${check.counts[i.id].defective_qty}`).join(", ") })) : null,
    missing.length ? notice(t("%(count)s items not counted yet.", { count: missing.length }), "warn") : null,
    h("button", { type: "submit", class: "primary block", id: "finish-submit" }, t("Finish")));
  form.addEventListener("submit", once(async () => {
    const at = isoNow();
    await record({
      mutations: [{ type: "stock.check_finish", entity_id: check.id, data: {}, at }],
      records: [{ ...check, finished_at: at }],
    });
    saved(t("Saved: stock check finished."));
    await rerender(show);
  }));
  return form;
}

function countView(check, items) {
  const byId = new Map(items.map((i) => [i.id, i]));
  const picked = check.item_ids.map((id) => byId.get(id)).filter(Boolean);
  const done = picked.filter((i) => check.counts[i.id]).length;
  const slot = h("div", { id: "stock-slot" });
  const finish = h("button", { type: "button", class: "danger block", id: "finish-open" }, t("Review and finish"));
  finish.addEventListener("click", () => {
    slot.replaceChildren(finishForm(check, picked));
    finish.hidden = true;
    slot.scrollIntoView({ block: "start" });
  });
  return [
    h("section", { class: "card" },
      h("div", { class: "row" }, h("strong", {}, check.store_name),
        h("span", { class: "tag", id: "count-progress" }, t("%(done)s of %(total)s", { done, total: picked.length }))),
      h("p", { class: "meta" }, check.blind ? t("Blind count: the book quantity shows after you count.") : t("Book quantities shown."))),
    h("ul", { class: "list", id: "count-items" }, picked.map((i) => itemCard(check, i))),
    slot,
    finish,
  ];
}

export async function show() {
  const ctx = await context();
  if (!ctx.user) {
    render(signInFirst());
    return;
  }
  const [check, stores, items] = await Promise.all([activeCheck(ctx), rows("store", ctx.siteId), rows("item", ctx.siteId)]);
  render(check ? countView(check, items) : startView(ctx, stores, items));
}
