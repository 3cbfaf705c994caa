/**
 * My follow-ups (跟进): mine and my team's, with their due clocks (overdue in red), and
 * status changes and notes that work offline and reach the server as ``followup.update``.
 */
import { all } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { record, waiting } from "../lib/outbox.js";
import { remotePhoto } from "../lib/photos.js";
import { rows } from "../lib/refdata.js";
import { context } from "../lib/site.js";
import { dateTime, isoNow } from "../lib/util.js";
import { field, h, notice, once, render, rerender, signInFirst, toastAfterRender } from "../ui/dom.js";

export const STATUS_NAMES = () => ({
  open: t("Open"), in_progress: t("In progress"), resolved: t("Resolved"), closed: t("Closed"),
});
/** Steps a phone may take; closing is the reviewer's. */
const NEXT = { open: ["in_progress", "resolved"], in_progress: ["resolved"], resolved: ["open"], closed: ["open"] };
const ACTION_NAMES = () => ({ in_progress: t("Start work"), resolved: t("Mark resolved"), open: t("Reopen") });

/** "2 h 5 min left" or "overdue by 3 h", and whether it is overdue. */
export function dueText(dueAt, now = Date.now()) {
  if (!dueAt) return { text: t("No due time"), overdue: false };
  const minutes = Math.round((Date.parse(dueAt) - now) / 60000);
  const span = (m) => {
    const abs = Math.abs(m);
    if (abs >= 1440) return t("%(d)s d %(h)s h", { d: Math.floor(abs / 1440), h: Math.floor((abs % 1440) / 60) });
    if (abs >= 60) return t("%(h)s h %(m)s min", { h: Math.floor(abs / 60), m: abs % 60 });
    return t("%(m)s min", { m: abs });
  };
  return minutes >= 0
    ? { text: t("%(span)s left", { span: span(minutes) }), overdue: false }
    : { text: t("Overdue by %(span)s", { span: span(minutes) }), overdue: true };
}

/** The clock of an open follow-up beside its due time; a finished one names the time "due". */
function dueLine(dueAt, active, due) {
  if (!dueAt) return active ? due.text : "";
  const at = dateTime(new Date(dueAt));
  return active ? `${due.text} · ${at}` : `${t("Due")} ${at}`;
}

/** What called for a follow-up, so "手套" reads as a stock difference, not a chore. */
export const SOURCE_NAMES = () => ({
  finding: t("Patrol finding"), incident: t("Suspicious person"), patrol: t("Missed checkpoints"),
  stock_count: t("Stock difference"), complaint: t("Complaint"), no_patrol: t("No patrol today"),
  missed_route: t("Route not walked"), open_visit: t("Visitor still inside"),
  no_stock_check: t("No stock check this month"), few_inspections: t("Too few staff inspections this week"),
  repair: t("Repair order"),
});

function notesOf(row) {
  if (Array.isArray(row.notes)) return row.notes.map((n) => (typeof n === "string" ? { text: n } : n));
  if (typeof row.notes === "string" && row.notes) return [{ text: row.notes }];
  return [];
}

async function overlays(pendingEntities) {
  const map = new Map();
  for (const r of await all("records")) {
    if (r.kind === "followup_edit" && pendingEntities.has(r.id)) map.set(r.id, r);
  }
  return map;
}

async function update(row, overlay, change) {
  const data = { base_version: row.version, ...change };
  const next = {
    id: row.id, kind: "followup_edit", status: change.status || (overlay && overlay.status) || null,
    notes: [...((overlay && overlay.notes) || []), ...(change.note ? [{ text: change.note, at: isoNow() }] : [])],
  };
  await record({ mutations: [{ type: "followup.update", entity_id: row.id, data }], records: [next] });
  window.dispatchEvent(new Event("estate-recorded"));
  toastAfterRender(change.note ? t("Saved: note added.") : t("Saved: status changed."));
}

/** What the record that called for it says, in a line: a stock difference's figures. */
function detailLine(row) {
  const d = row.detail || {};
  if (row.source_type === "stock_count" && d.counted_qty !== undefined) {
    const plain = (v) => String(Number(v));
    const line = t("Book %(book)s · counted %(counted)s · difference %(diff)s",
      { book: plain(d.book_qty), counted: plain(d.counted_qty), diff: plain(d.difference) });
    return d.blind_qty !== undefined ? `${line} · ${t("first count %(qty)s", { qty: plain(d.blind_qty) })}` : line;
  }
  return null;
}

/** The photos of what called for it, fetched when the details are opened and online. */
function photoStrip(ids) {
  if (!ids.length) return null;
  const strip = h("div", { class: "photos", dataset: { count: String(ids.length) } },
    h("span", { class: "meta" }, t("%(count)s photos", { count: ids.length })));
  strip.load = async () => {
    if (strip.dataset.loaded) return;
    strip.dataset.loaded = "1";
    const urls = await Promise.all(ids.map(remotePhoto));
    const shown = urls.filter(Boolean);
    strip.replaceChildren(...shown.map((src) => h("img", { src, alt: t("Photo") })),
      ...(shown.length < ids.length ? [h("span", { class: "meta" }, t("Photos show when the phone is online."))] : []));
    if (shown.length < ids.length) delete strip.dataset.loaded;
  };
  return strip;
}

/** Opened, each note with who and when, resolved, closed: the follow-up's story so far. */
function timeline(row, notes, people, tz) {
  const who = (id) => (people.get(id) || {}).display_name || "";
  const steps = [[row.opened_at, t("Opened"), ""]];
  for (const n of notes) steps.push([n.at, who(n.user_id) || t("Note"), n.text || "", n.pending]);
  if (row.resolved_at) steps.push([row.resolved_at, t("Resolved"), ""]);
  if (row.closed_at) steps.push([row.closed_at, t("Closed"), ""]);
  return h("ol", { class: "timeline" }, steps.filter(([at]) => at)
    .sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]))
    .map(([at, label, text, pending]) => h("li", {},
      h("span", { class: "meta" }, `${dateTime(new Date(at), tz)} · ${label}`), text ? h("div", {}, text) : null,
      pending ? h("span", { class: "tag warn" }, t("Waiting")) : null)));
}

function card(row, overlay, names, people, places, tz) {
  const status = (overlay && overlay.status) || row.status;
  const due = dueText(row.due_at);
  const active = status === "open" || status === "in_progress";
  const statusButtons = (NEXT[status] || []).map((target) => {
    const button = h("button", { type: "button", class: target === "resolved" ? "primary small" : "small",
      dataset: { status: target } }, ACTION_NAMES()[target]);
    button.addEventListener("click", once(async () => { await update(row, overlay, { status: target }); await rerender(show); }));
    return button;
  });
  const note = h("textarea", { name: "note", rows: "2" });
  const form = h("form", { class: "note-form", novalidate: true },
    field(t("Add a note"), note),
    h("button", { type: "submit", class: "small block" }, t("Save note")));
  form.addEventListener("submit", once(async () => {
    if (!note.value.trim()) return;
    await update(row, overlay, { note: note.value.trim() });
    await rerender(show);
  }));
  const notes = [...notesOf(row), ...((overlay && overlay.notes) || []).map((n) => ({ ...n, pending: true }))];
  const owner = people.get(row.assignee_id);
  const place = row.checkpoint_id ? (places.get(row.checkpoint_id) || {}).name : null;
  const facts = [
    [t("Called for by"), [SOURCE_NAMES()[row.source_type] || "", detailLine(row)].filter(Boolean).join(" · ")],
    [t("Where"), place],
    [t("Assigned to"), owner ? owner.display_name : t("Nobody yet")],
    [t("Due"), row.due_at ? dateTime(new Date(row.due_at), tz) : t("No due time")],
  ].filter(([, value]) => value);
  const item = h("li", { class: active && due.overdue ? "overdue" : "", dataset: { followup: row.id } },
    h("div", { class: "row" },
      h("strong", { class: "grow" }, row.title || t("Follow-up")),
      h("span", { class: "tag" }, names[status] || status),
      overlay ? h("span", { class: "tag warn" }, t("Waiting")) : null),
    row.source_type && SOURCE_NAMES()[row.source_type]
      ? h("div", { class: "meta source" }, SOURCE_NAMES()[row.source_type]) : null,
    h("div", { class: "meta due" }, dueLine(row.due_at, active, due)),
    h("details", {},
      h("summary", {}, t("Details")),
      h("dl", { class: "kv facts" }, facts.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])),
      photoStrip(row.photo_ids || []),
      timeline(row, notes, people, tz),
      h("div", { class: "actions" }, statusButtons),
      form));
  const details = item.querySelector("details");
  details.addEventListener("toggle", () => {
    const strip = details.querySelector(".photos");
    if (details.open && strip && strip.load) strip.load();
  });
  return item;
}

export async function show() {
  const ctx = await context();
  if (!ctx.user) {
    render(signInFirst());
    return;
  }
  const [all_, w, users, checkpoints] = await Promise.all([rows("followup"), waiting(), rows("user"), rows("checkpoint")]);
  const people = new Map(users.map((u) => [u.id, u]));
  const places = new Map(checkpoints.map((c) => [c.id, c]));
  const over = await overlays(w.entityIds);
  const names = STATUS_NAMES();
  const order = (a, b) => (Date.parse(a.due_at || "9999-01-01") - Date.parse(b.due_at || "9999-01-01"));
  const isActive = (r) => ["open", "in_progress"].includes((over.get(r.id) || {}).status || r.status);
  const mine = all_.filter((r) => r.assignee_id === ctx.user.id).sort(order);
  const team = all_.filter((r) => r.assignee_id !== ctx.user.id && (!r.site_id || ctx.user.site_ids.includes(r.site_id))).sort(order);
  const section = (title, list, id) => [
    h("h2", {}, title, " ", h("span", { class: "tag" }, String(list.filter(isActive).length))),
    list.length ? h("ul", { class: "list", id }, list.map((r) => card(r, over.get(r.id), names, people, places, ctx.tz)))
      : h("p", { class: "empty" }, t("Nothing here.")),
  ];
  render(
    all_.length ? null : notice(t("Follow-ups appear after a sync."), "info"),
    section(t("Mine"), mine, "mine"),
    section(t("My team's"), team, "team"),
  );
}
