/**
 * Patrol (巡视): pick a route, scan checkpoints (or pick one by hand), record findings with
 * photos, and end the round with the missed checkpoints listed.
 */
import { all } from "../lib/db.js";
import { clearDraft, keepDraft, loadDraft } from "../lib/drafts.js";
import { t } from "../lib/i18n.js";
import { record } from "../lib/outbox.js";
import { inForce, localDay } from "../lib/permits.js";
import { rows } from "../lib/refdata.js";
import { context } from "../lib/site.js";
import { check, formRules, maxLengths } from "../lib/rules.js";
import { clock, dateTime, isoNow, uuid } from "../lib/util.js";
import { CATEGORIES, SEVERITIES } from "../lib/words.js";
import {
  chipValue, chips, clearErrors, field, h, notice, once, render, rerender, showErrors, signInFirst, toast, toastAfterRender,
} from "../ui/dom.js";
import { photoPicker } from "../ui/photos.js";
import { scanQR } from "../ui/scanner.js";

const NAME_ORDER = new Intl.Collator("zh-CN", { numeric: true });

/** The route's checkpoints in its order, then the site's others by name. */
export function placesInOrder(patrol, checkpoints) {
  const byId = new Map(checkpoints.map((c) => [c.id, c]));
  const planned = (patrol.checkpoint_ids || []).map((id) => byId.get(id)).filter(Boolean);
  const onRoute = new Set(planned.map((c) => c.id));
  const others = checkpoints.filter((c) => !onRoute.has(c.id)).sort((a, b) => NAME_ORDER.compare(a.name, b.name));
  return [...planned, ...others];
}

async function activePatrol(ctx) {
  return (await all("records")).find((r) => r.kind === "patrol" && r.user_id === ctx.user.id &&
    r.site_id === ctx.siteId && !r.ended_at) || null;
}

function saved(message) {
  window.dispatchEvent(new Event("estate-recorded"));
  toastAfterRender(message);
}

async function start(ctx, route) {
  const id = uuid();
  const at = isoNow();
  const data = { site_id: ctx.siteId };
  if (route) data.route_id = route.id;
  await record({
    mutations: [{ type: "patrol.start", entity_id: id, data, at }],
    records: [{ id, kind: "patrol", site_id: ctx.siteId, route_id: route ? route.id : null,
      route_name: route ? route.name : t("Free patrol"), checkpoint_ids: route ? route.checkpoint_ids || [] : [],
      started_at: at, ended_at: null, visits: [], findings: [] }],
  });
  saved(t("Saved: patrol started."));
}

async function visit(patrol, checkpoint, method) {
  const id = uuid();
  const at = isoNow();
  const next = { ...patrol, visits: [...patrol.visits, { id, checkpoint_id: checkpoint.id, method, at }] };
  await record({
    mutations: [{ type: "patrol.checkpoint", entity_id: id, at,
      data: { patrol_id: patrol.id, checkpoint_id: checkpoint.id, method } }],
    records: [next],
  });
  saved(t("Saved: %(name)s checked.", { name: checkpoint.name }));
}

function routePicker(ctx, routes) {
  const list = routes.map((route) => {
    const button = h("button", { type: "button", class: "primary", "data-route": route.id }, t("Start"));
    button.addEventListener("click", once(async () => { await start(ctx, route); await rerender(show); }));
    return h("li", {},
      h("div", { class: "row" },
        h("div", { class: "grow" },
          h("strong", {}, route.name),
          h("div", { class: "meta" }, [
            t("%(count)s checkpoints", { count: (route.checkpoint_ids || []).length }),
            route.window_start ? `${route.window_start}–${route.window_end || ""}` : null,
          ].filter(Boolean).join(" · "))),
        button));
  });
  const free = h("button", { type: "button", class: "block" }, t("Patrol without a route"));
  free.addEventListener("click", once(async () => { await start(ctx, null); await rerender(show); }));
  return [
    h("h2", {}, t("Choose a route")),
    routes.length ? h("ul", { class: "list", id: "routes" }, list) : notice(t("Routes appear after the first sync."), "info"),
    free,
  ];
}

/**
 * A decoration inspection (装修巡查) names the unit's permit, so the finding shows on the
 * permit's page at the desk. Offered: the site's permits in force today, by unit.
 */
function permitSelect(ctx, permits) {
  const today = inForce(permits, localDay(new Date(), ctx.tz))
    .sort((a, b) => String(a.unit_code).localeCompare(String(b.unit_code), "zh-CN", { numeric: true }));
  if (!today.length) return null;
  return h("select", { name: "permit_id", id: "finding-permit" },
    h("option", { value: "" }, t("Not a decoration inspection")),
    today.map((p) => h("option", { value: p.id }, `${p.unit_code} · ${p.contractor}`)));
}

function findingForm(ctx, patrol, checkpoints, rules, onDone, permits = []) {
  const longest = maxLengths(rules, "patrol.finding");
  const description = h("textarea", { name: "description", required: true, maxlength: longest.description });
  const action = h("textarea", { name: "action_taken", maxlength: longest.action_taken });
  const actionField = field(t("What was done"), action);
  const visitedIds = patrol.visits.map((v) => v.checkpoint_id);
  const lastVisited = visitedIds[visitedIds.length - 1] || "";
  const place = h("select", { name: "checkpoint_id" },
    h("option", { value: "" }, t("No particular checkpoint")),
    placesInOrder(patrol, checkpoints).map((c) => h("option", { value: c.id, selected: c.id === lastVisited }, c.name)));
  const picker = photoPicker("finding-photos");
  const permit = permitSelect(ctx, permits);
  const message = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", id: "finding-form", novalidate: true },
    h("h2", {}, t("Record a finding")),
    chips("category", CATEGORIES(), { legend: t("Category") }),
    chips("severity", SEVERITIES(), { legend: t("Severity"), value: "medium" }),
    field(t("Description"), description, { required: true }),
    chips("handled", [["yes", t("Handled on the spot")], ["no", t("Needs follow-up")]], {
      legend: t("Handled on the spot?"),
      onchange: (v) => { actionField.hidden = v !== "yes"; } }),
    actionField,
    field(t("Where"), place),
    permit ? field(t("Decoration permit"), permit, { hint: t("For a decoration inspection: the unit's permit.") }) : null,
    picker.element,
    message,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: onDone }, t("Cancel")),
      h("button", { type: "submit", class: "primary", id: "finding-submit" }, t("Save finding"))));
  actionField.hidden = true;
  form.addEventListener("submit", once(async () => {
    message.replaceChildren();
    clearErrors(form);
    const category = chipValue(form, "category");
    const severity = chipValue(form, "severity");
    const handled = chipValue(form, "handled");
    const photos = picker.photos();
    const id = uuid();
    const data = { patrol_id: patrol.id, category, severity, description: description.value.trim(),
      handled_on_spot: handled === null ? null : handled === "yes", photo_ids: photos.map((p) => p.id) };
    const { handled_on_spot: handledError, ...errors } = check(rules, "patrol.finding", data);
    if (handledError) errors.handled = handledError;
    if (showErrors(form, errors, message)) return;
    if (handled === "yes" && action.value.trim()) data.action_taken = action.value.trim();
    if (place.value) data.checkpoint_id = place.value;
    if (permit && permit.value) data.permit_id = permit.value;
    const next = { ...patrol, findings: [...patrol.findings, { id, category, severity, description: data.description,
      handled_on_spot: data.handled_on_spot, photos: photos.length, at: isoNow() }] };
    await record({ mutations: [{ type: "patrol.finding", entity_id: id, data }], records: [next], photos });
    await clearDraft("patrol-finding");
    saved(t("Saved: finding recorded."));
    onDone();
  }));
  return form;
}

function endForm(patrol, missed, onCancel) {
  const notes = h("textarea", { name: "notes" });
  const form = h("form", { class: "card", id: "end-form", novalidate: true },
    h("h2", {}, t("End the patrol")),
    missed.length
      ? [notice(t("%(count)s checkpoints not visited:", { count: missed.length }), "warn"),
        h("ul", { id: "missed" }, missed.map((c) => h("li", {}, c.name)))]
      : notice(t("Every checkpoint was visited."), "ok"),
    field(t("Notes"), notes),
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: onCancel }, t("Back")),
      h("button", { type: "submit", class: "primary", id: "end-submit" }, t("End patrol"))));
  form.addEventListener("submit", once(async () => {
    const at = isoNow();
    const data = notes.value.trim() ? { notes: notes.value.trim() } : {};
    await record({
      mutations: [{ type: "patrol.end", entity_id: patrol.id, data, at }],
      records: [{ ...patrol, ended_at: at, missed: missed.map((c) => c.id), notes: data.notes || "" }],
    });
    saved(t("Saved: patrol ended."));
    await rerender(show);
  }));
  return form;
}

function activeView(ctx, patrol, checkpoints) {
  const byId = new Map(checkpoints.map((c) => [c.id, c]));
  const planned = patrol.checkpoint_ids.length ? patrol.checkpoint_ids.map((id) => byId.get(id)).filter(Boolean) : checkpoints;
  const visitedAt = new Map(patrol.visits.map((v) => [v.checkpoint_id, v]));
  const done = planned.filter((c) => visitedAt.has(c.id)).length;
  const slot = h("div", { id: "patrol-slot" });
  const closeSlot = () => { slot.replaceChildren(); };
  const scan = h("button", { type: "button", class: "primary block", id: "scan" }, t("Scan QR code"));
  scan.addEventListener("click", once(async () => {
    let code = null;
    try {
      code = await scanQR();
    } catch (err) {
      toast(t("The camera could not be opened. Tap a checkpoint below to check it by hand."), "error");
      return;
    }
    if (!code) return;
    const value = code.trim().split("/").pop();
    const checkpoint = checkpoints.find((c) => c.code === value || c.code === code.trim());
    if (!checkpoint) {
      toast(t("This QR code is not a checkpoint of this site."), "error");
      return;
    }
    await visit(patrol, checkpoint, "qr");
    await rerender(show);
  }));
  const findingButton = h("button", { type: "button", class: "block", id: "add-finding" }, t("Record a finding"));
  findingButton.addEventListener("click", async () => {
    const [rules, permits] = await Promise.all([formRules(), rows("permit", ctx.siteId)]);
    const form = findingForm(ctx, patrol, checkpoints, rules, () => { closeSlot(); show(); }, permits);
    slot.replaceChildren(form);
    await keepDraft("patrol-finding", form);
    form.scrollIntoView({ block: "start" });
  });
  const endButton = h("button", { type: "button", class: "danger block", id: "end-patrol" }, t("End patrol"));
  endButton.addEventListener("click", () => {
    const missed = planned.filter((c) => !visitedAt.has(c.id));
    slot.replaceChildren(endForm(patrol, missed, closeSlot));
    slot.scrollIntoView({ block: "start" });
  });
  const items = planned.map((c) => {
    const v = visitedAt.get(c.id);
    const manual = h("button", { type: "button", class: "small", "data-checkpoint": c.code }, t("Check by hand"));
    manual.addEventListener("click", once(async () => { await visit(patrol, c, "manual"); await rerender(show); }));
    return h("li", { dataset: { checkpoint: c.id } },
      h("div", { class: "row" },
        h("div", { class: "grow" },
          h("strong", {}, c.name),
          h("div", { class: "meta" }, v ? t("Checked at %(time)s", { time: clock(new Date(v.at), ctx.tz) }) : t("Not yet"))),
        v ? h("span", { class: "tag ok" }, "✓") : manual));
  });
  return [
    h("section", { class: "card", id: "patrol-progress" },
      h("div", { class: "row" }, h("strong", {}, patrol.route_name),
        h("span", { class: "tag" }, t("%(done)s of %(total)s", { done, total: planned.length }))),
      h("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": String(planned.length),
        "aria-valuenow": String(done), "aria-label": t("Progress") },
        h("span", { style: `width:${planned.length ? Math.round((100 * done) / planned.length) : 0}%` })),
      h("p", { class: "meta" }, t("Started at %(time)s · %(count)s findings",
        { time: clock(new Date(patrol.started_at), ctx.tz), count: patrol.findings.length }))),
    h("div", { class: "actions" }, scan),
    h("div", { class: "actions" }, findingButton),
    slot,
    h("h2", {}, t("Checkpoints")),
    h("ul", { class: "list", id: "checkpoints" }, items),
    endButton,
  ];
}

/** A finished round as the guard saw it: checkpoints in order with their times, missed ones, findings. */
function roundSummary(ctx, patrol, checkpoints) {
  const byId = new Map(checkpoints.map((c) => [c.id, c]));
  const visits = [...patrol.visits].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const missed = (patrol.missed || []).map((id) => (byId.get(id) || {}).name).filter(Boolean);
  return h("li", { class: "round", dataset: { patrol: patrol.id } },
    h("details", {},
      h("summary", {},
        h("strong", {}, patrol.route_name), " ",
        h("span", { class: "meta" }, `${clock(new Date(patrol.started_at), ctx.tz)}–${clock(new Date(patrol.ended_at), ctx.tz)}`), " ",
        h("span", { class: missed.length ? "tag warn" : "tag ok" },
          t("%(done)s of %(total)s", { done: visits.length, total: visits.length + missed.length })),
        patrol.findings.length ? h("span", { class: "tag" }, t("%(count)s findings", { count: patrol.findings.length })) : null),
      h("ol", { class: "round-visits" }, visits.map((v) => h("li", {},
        `${clock(new Date(v.at), ctx.tz)} ${(byId.get(v.checkpoint_id) || {}).name || "?"}`))),
      missed.length ? notice(t("Not visited: %(names)s", { names: missed.join(t(", ")) }), "warn") : null,
      patrol.findings.length ? h("ul", {}, patrol.findings.map((f) => h("li", {}, f.description))) : null,
      patrol.notes ? h("p", { class: "meta" }, patrol.notes) : null));
}

async function todaysRounds(ctx) {
  const today = dateTime(new Date(), ctx.tz).slice(0, 5);
  return (await all("records"))
    .filter((r) => r.kind === "patrol" && r.user_id === ctx.user.id && r.site_id === ctx.siteId && r.ended_at &&
      dateTime(new Date(r.started_at), ctx.tz).slice(0, 5) === today)
    .sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at));
}

export async function show() {
  const ctx = await context();
  if (!ctx.user) {
    render(signInFirst());
    return;
  }
  const [patrol, routes, checkpoints] = await Promise.all([
    activePatrol(ctx), rows("route", ctx.siteId), rows("checkpoint", ctx.siteId)]);
  if (!patrol) {
    routes.sort((a, b) => String(a.window_start || "99").localeCompare(String(b.window_start || "99")));
    const done = await todaysRounds(ctx);
    render(routePicker(ctx, routes),
      done.length ? [h("h2", {}, t("Today's rounds")),
        h("ul", { class: "list", id: "rounds" }, done.map((p) => roundSummary(ctx, p, checkpoints)))] : null);
    return;
  }
  render(activeView(ctx, patrol, checkpoints));
  // A finding half-written before a reload comes back.
  const draft = await loadDraft("patrol-finding");
  if (draft && Object.values(draft.values).some((v) => v && v !== "medium")) document.getElementById("add-finding").click();
}
