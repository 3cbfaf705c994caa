/**
 * The gate (门岗): the duty window now, visitor registration in a few taps, the visitors
 * inside now with one-tap check-out, and flags for suspicious persons. Everything is
 * recorded to the outbox and works with no network.
 */
import { get, getMeta } from "../lib/db.js";
import { clearDraft, keepDraft } from "../lib/drafts.js";
import { t } from "../lib/i18n.js";
import { record, waiting } from "../lib/outbox.js";
import { inForce, localDay, permitLine, withinHours } from "../lib/permits.js";
import { rows } from "../lib/refdata.js";
import { check, formRules, idNumberProblem, maxLengths } from "../lib/rules.js";
import { context, setting } from "../lib/site.js";
import {
  clock, isoNow, maskAs, maskIdNumber, maskPhone, maskPlate, minutesOfDay, normaliseName, normalisePhone,
  normalisePlate, parseHM, sha256Hex, uuid,
} from "../lib/util.js";
import { insideNow } from "../lib/visits.js";
import { mayHold } from "../lib/watchfilter.js";
import { choiceName, ID_KINDS, PURPOSES } from "../lib/words.js";
import {
  chipValue, chips, clearErrors, field, h, notice, once, render, rerender, shiftFirst, showErrors, signInFirst, toast,
  toastAfterRender,
} from "../ui/dom.js";
import { photoPicker } from "../ui/photos.js";

// One collator for every comparison: localeCompare with a locale makes one per call, which
// for a site's few hundred units was most of the screen's drawing time.
const UNIT_ORDER = new Intl.Collator("zh-CN", { numeric: true });

function postNames(window) {
  const names = [];
  if ((window.posts || []).includes("customer_service")) names.push(t("customer-service supervisor"));
  if ((window.posts || []).includes("security")) names.push(t("security manager"));
  if (window.team_lead) names.push(t("team leader"));
  return names.join(t(", "));
}

/** The duty window in force now, or the next one today. */
export function dutyWindow(windows, minutes) {
  const sorted = [...windows].sort((a, b) => parseHM(a.start) - parseHM(b.start));
  const now = sorted.find((w) => parseHM(w.start) <= minutes && minutes < parseHM(w.end));
  if (now) return { window: now, current: true };
  const next = sorted.find((w) => parseHM(w.start) > minutes);
  return next ? { window: next, current: false } : null;
}

function dutyCard(site, tz) {
  const found = dutyWindow(setting(site, "gate_windows"), minutesOfDay(new Date(), tz));
  if (!found) return h("section", { class: "card", id: "duty" }, h("p", { class: "meta" }, t("No more peak-hour duty today.")));
  const { window, current } = found;
  return h("section", { class: "card", id: "duty" },
    h("div", { class: "row" },
      h("strong", {}, current ? t("Peak-hour duty now") : t("Next peak-hour duty")),
      h("span", { class: current ? "tag warn" : "tag" }, `${window.start}–${window.end}`)),
    h("p", { class: "meta" }, postNames(window)));
}

async function visitorKey(phone) {
  const device = await getMeta("device_id");
  return sha256Hex(`visitor:${device}:${phone}`);
}

async function checkOut(visit) {
  const at = isoNow();
  const rec = { ...visit, kind: "visit", checked_out_at: at };
  delete rec.from_server;
  await record({ mutations: [{ type: "visit.check_out", entity_id: visit.id, data: {}, at }], records: [rec] });
  window.dispatchEvent(new Event("estate-recorded"));
  toastAfterRender(t("Saved: %(name)s has left.", { name: visit.visitor_name }));
}

function insideList(visits, maxMinutes, tz, onFlag) {
  if (!visits.length) return h("p", { class: "empty" }, t("Nobody is inside now."));
  const now = Date.now();
  return h("ul", { class: "list", id: "inside" }, visits.map((v) => {
    const minutes = Math.floor((now - Date.parse(v.checked_in_at)) / 60000);
    const over = minutes > maxMinutes;
    const out = h("button", { type: "button", class: "primary small", "data-action": "check-out" }, t("Check out"));
    out.addEventListener("click", once(async () => { await checkOut(v); await rerender(show); }));
    return h("li", { class: over ? "overdue" : "", dataset: { visit: v.id } },
      h("div", { class: "row" },
        h("div", { class: "grow" },
          h("strong", {}, v.visitor_name), " ",
          h("span", { class: "tag" }, choiceName("purpose", v.purpose)),
          over ? h("span", { class: "tag bad" }, t("Over the time limit")) : null,
          v.watch ? h("span", { class: "tag bad watch-mark" }, t("Watch list")) : null,
          h("div", { class: "meta due" },
            [v.unit, t("in at %(time)s", { time: clock(new Date(v.checked_in_at), tz) }),
              t("%(minutes)s min inside", { minutes })].filter(Boolean).join(" · "))),
        out),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "small danger", onclick: () => onFlag(v) }, t("Suspicious"))));
  }));
}

function flagForm(ctx, visit, rules, onDone) {
  const description = h("textarea", { name: "description", required: true,
    maxlength: maxLengths(rules, "visit.flag").description });
  const picker = photoPicker("flag-photos");
  const message = h("div");
  const form = h("form", { class: "card", id: "flag-form", novalidate: true },
    h("h2", {}, t("Report a suspicious person")),
    visit ? h("p", { class: "meta" }, t("Visitor: %(name)s", { name: visit.visitor_name })) : null,
    field(t("What did you notice?"), description, { required: true }),
    picker.element, message,
    h("div", { class: "actions" },
      h("button", { type: "button", onclick: onDone }, t("Cancel")),
      h("button", { type: "submit", class: "danger" }, t("Report"))));
  form.addEventListener("submit", once(async () => {
    message.replaceChildren();
    const photos = picker.photos();
    const data = { site_id: ctx.siteId, description: description.value.trim(), photo_ids: photos.map((p) => p.id) };
    if (visit) data.visit_id = visit.id;
    if (showErrors(form, check(rules, "visit.flag", data), message)) return;
    const id = uuid();
    await record({
      mutations: [{ type: "visit.flag", entity_id: id, data }],
      records: [{ id, kind: "incident", site_id: ctx.siteId, description: data.description, visit_id: data.visit_id || null,
        photo_ids: data.photo_ids, at: isoNow() }],
      photos,
    });
    window.dispatchEvent(new Event("estate-recorded"));
    toast(t("Saved. The supervisor will be told."));
    onDone();
  }));
  return form;
}

/**
 * The decoration permit a worker comes under: shown when the purpose is decoration. The
 * unit's permits in force today are offered (the only one picked already); a unit with none,
 * or a time outside the permit's hours, is a warning: the guard decides, offline too.
 */
function permitPicker(ctx, permits, onPick) {
  const box = h("div", { id: "permit-box", "aria-live": "polite", hidden: true });
  let chosen = null;
  const update = (purpose, unitCode) => {
    box.replaceChildren();
    chosen = null;
    box.hidden = purpose !== "decoration";
    if (box.hidden) return;
    const now = new Date();
    const today = inForce(permits, localDay(now, ctx.tz));
    const code = (unitCode || "").trim();
    if (!code) {
      box.append(notice(today.length ? t("Pick the unit's decoration permit:") : t("No decoration permit is in force today."),
        today.length ? "info" : "warn"));
      if (today.length) {
        box.append(h("ul", { class: "suggest", id: "permit-units" }, today.map((p) => h("li", {},
          h("button", { type: "button", class: "small", onclick: () => onPick(p.unit_code) },
            `${p.unit_code} · ${p.contractor}`)))));
      }
      return;
    }
    const found = inForce(permits, localDay(now, ctx.tz), code);
    if (!found.length) {
      box.append(notice(t("Unit %(unit)s has no decoration permit in force today: check with the front desk before letting workers in.",
        { unit: code }), "warn"));
      return;
    }
    const set = chips("permit_id", found.map((p) => [p.id, permitLine(p)]),
      { legend: t("Decoration permit"), value: found.length === 1 ? found[0].id : null,
        onchange: (id) => { chosen = found.find((p) => p.id === id); hours(); } });
    set.id = "permit-chips";
    const hoursNote = h("div", {});
    const hours = () => {
      hoursNote.replaceChildren();
      if (chosen && !withinHours(chosen, now, ctx.tz)) {
        hoursNote.append(notice(t("Outside the permit's working hours (%(hours)s).",
          { hours: `${chosen.hours_start}–${chosen.hours_end}` }), "warn"));
      }
    };
    chosen = found.length === 1 ? found[0] : null;
    box.append(set, hoursNote);
    hours();
  };
  return { element: box, update, chosen: () => (box.hidden ? null : chosen) };
}

/** A rented unit (出租房) as the gate knows it: let, and whether its tenants are registered
 * with the police for temporary residence (暂住登记); no names. */
function rentalNote(rentals, code) {
  const wanted = String(code || "").trim().toUpperCase();
  const found = wanted ? rentals.find((r) => String(r.unit_code || "").toUpperCase() === wanted) : null;
  if (!found) return null;
  return found.registered
    ? notice(t("Rented unit: %(count)s tenants, registered for temporary residence.", { count: found.tenant_count }), "info")
    : notice(t("Rented unit: its tenants are not registered for temporary residence. Remind them to register at the front desk."), "warn");
}

function checkInForm(ctx, units, vehicles, watch, watchFilter, rules, permits, rentals = []) {
  const state = { idFull: "" };
  const longest = maxLengths(rules, "visit.check_in");
  const name = h("input", { name: "visitor_name", autocomplete: "off", required: true, enterkeyhint: "next",
    maxlength: longest.visitor_name });
  const unit = h("input", { name: "unit", autocomplete: "off", inputmode: "text", placeholder: "1-1-101", maxlength: longest.unit });
  const suggestions = h("ul", { class: "suggest", id: "unit-suggestions" });
  const party = h("input", { name: "party_size", type: "number", min: "1", max: "99", value: "1", inputmode: "numeric",
    dataset: { initial: "1" } });
  const phone = h("input", { name: "phone", type: "tel", autocomplete: "off", inputmode: "tel", maxlength: longest.phone });
  const idNumber = h("input", { name: "id_number", autocomplete: "off", maxlength: longest.id_number, class: "masked",
    autocapitalize: "characters" });
  const idEdit = h("button", { type: "button", class: "small", hidden: true }, t("Change"));
  const idInfo = h("div", { id: "id-info", "aria-live": "polite" });
  const host = h("input", { name: "host_name", autocomplete: "off", maxlength: longest.host_name });
  const plate = h("input", { name: "plate", autocomplete: "off", autocapitalize: "characters", maxlength: longest.plate });
  const note = h("input", { name: "note", autocomplete: "off", maxlength: longest.note });
  const plateInfo = h("div", { id: "plate-info", "aria-live": "polite" });
  const phoneInfo = h("div", { id: "phone-info", "aria-live": "polite" });
  const watchAlert = h("div", { id: "watch-alert", role: "alert" });
  // A match is a decision, not a banner: refuse, or admit and tell the team leader.
  const watchDecision = chips("watch_action", [["refuse", t("Refuse entry")], ["admit", t("Admit and tell the team leader")]],
    { legend: t("On the watch list: what did you do?") });
  watchDecision.id = "watch-decision";
  watchDecision.hidden = true;
  const message = h("div", { "aria-live": "polite" });

  const pickUnit = (code) => { unit.value = code; suggestions.replaceChildren(); unit.dispatchEvent(new Event("change", { bubbles: true })); };
  const permit = permitPicker(ctx, permits, pickUnit);
  const rentalInfo = h("div", { id: "rental-info", "aria-live": "polite" });
  const permitCheck = () => {
    permit.update(chipValue(form, "purpose"), unit.value);
    rentalInfo.replaceChildren(...[rentalNote(rentals, unit.value)].filter(Boolean));
  };
  unit.addEventListener("change", permitCheck);
  unit.addEventListener("input", permitCheck);
  unit.addEventListener("input", () => {
    const q = unit.value.trim();
    suggestions.replaceChildren();
    if (!q) return;
    const matches = units.filter((u) => u.code.startsWith(q)).slice(0, 6);
    const more = matches.length < 6 ? units.filter((u) => !u.code.startsWith(q) && u.code.includes(q)).slice(0, 6 - matches.length) : [];
    for (const u of [...matches, ...more]) {
      suggestions.append(h("li", {}, h("button", { type: "button", class: "small", onclick: () => pickUnit(u.code) }, u.code)));
    }
  });

  // Names are compared as they are; full numbers go to the site's filter, which holds no
  // number: a hit shows the entries whose masked number agrees with what was typed, or a
  // "possibly on the watch list" when none does (about one visitor in a thousand).
  const checkWatch = async () => {
    const run = (state.watchRun = (state.watchRun || 0) + 1);
    const hits = [];
    const maybe = [];
    const nameKey = normaliseName(name.value);
    const phoneKey = normalisePhone(phone.value);
    const plateKey = normalisePlate(plate.value);
    const idKey = (state.idFull || "").toUpperCase();
    if (nameKey) {
      for (const w of watch) if (w.name && normaliseName(w.name) === nameKey) hits.push({ w, why: t("name") });
    }
    const probes = [];
    if (phoneKey.length >= 7) probes.push(["phone", phoneKey, t("phone number"), (w) => w.phone_masked === maskPhone(phoneKey)]);
    if (plateKey.length >= 5) probes.push(["plate", plateKey, t("plate"), (w) => w.plate_masked === maskPlate(plateKey)]);
    if (idKey) probes.push(["id", idKey, t("ID number"), (w) => w.id_masked === maskAs("id_tail", idKey)]);
    for (const [kind, value, why, agrees] of probes) {
      if (!(await mayHold(watchFilter, kind, value))) continue;
      const found = watch.filter((w) => agrees(w) && !hits.some((hit) => hit.w === w));
      if (found.length) hits.push(...found.map((w) => ({ w, why })));
      else maybe.push(why);
    }
    if (run !== state.watchRun) return; // a later check (the guard kept typing) has the say
    state.watchMatch = [...hits.map(({ w, why }) => `${why}${t(": ")}${w.name || w.phone_masked || w.plate_masked || ""}`),
      ...maybe.map((why) => t("possibly (%(match)s)", { match: why }))];
    watchDecision.hidden = !state.watchMatch.length;
    watchAlert.replaceChildren(
      ...hits.map(({ w, why }) => h("p", { class: "alert-watch" },
        t("Watch list (%(match)s): %(name)s %(phone)s. %(reason)s",
          { match: why, name: w.name || "", phone: w.phone_masked || w.plate_masked || "", reason: w.reason || "" }))),
      ...maybe.map((why) => h("p", { class: "alert-watch" },
        t("Possibly on the watch list (%(match)s): check who the visitor is and tell the supervisor.", { match: why }))));
  };

  const lookupPhone = async () => {
    const digits = normalisePhone(phone.value);
    phoneInfo.replaceChildren();
    if (digits.length < 11) return;
    const known = await get("visitors", await visitorKey(digits));
    if (!known) return;
    if (!name.value.trim()) name.value = known.visitor_name || "";
    if (!chipValue(form, "purpose") && known.purpose) {
      const radio = form.querySelector(`input[name="purpose"][value="${known.purpose}"]`);
      if (radio) radio.checked = true;
    }
    if (!unit.value.trim() && known.unit) unit.value = known.unit;
    permitCheck();
    if (!plate.value.trim() && known.plate) plate.value = known.plate;
    if (!host.value.trim() && known.host_name) host.value = known.host_name;
    phoneInfo.append(notice(t("Returning visitor: %(name)s. Details filled in.", { name: known.visitor_name }), "ok"));
    plateCheck();
    checkWatch();
  };

  const plateCheck = () => {
    const key = normalisePlate(plate.value);
    plateInfo.replaceChildren();
    if (key.length < 5) return;
    const car = vehicles.find((v) => normalisePlate(v.plate) === key);
    if (car) {
      const who = car.occupancy === "tenant" ? t("Tenant's car") : t("Owner's car");
      plateInfo.append(notice(`${who} · ${car.unit_code || ""} ${car.owner_name || ""}`.trim(), "ok"));
    } else {
      plateInfo.append(notice(t("Not a resident's car: an outsider's vehicle, register it."), "warn"));
    }
  };

  // A number is masked only once it passes the check: a typo stays in view to be mended.
  const idKind = () => chipValue(form, "id_kind") || "resident";
  const maskId = () => {
    const raw = idNumber.value.trim().toUpperCase();
    idInfo.replaceChildren();
    if (!raw || idNumber.readOnly) return;
    const problem = rules ? idNumberProblem(rules, idKind(), raw) : null;
    if (problem) {
      idInfo.append(notice(t(problem), "error"));
      return;
    }
    state.idFull = raw;
    idNumber.value = maskIdNumber(raw);
    idNumber.readOnly = true;
    idEdit.hidden = false;
    checkWatch();
  };
  const unmaskId = () => {
    if (!idNumber.readOnly) return;
    idNumber.readOnly = false;
    idNumber.value = state.idFull;
    state.idFull = "";
    idEdit.hidden = true;
  };
  idNumber.addEventListener("blur", maskId);
  idNumber.addEventListener("input", () => {
    idInfo.replaceChildren();
    if (idNumber.value.trim().length >= 18) maskId();
  });
  idEdit.addEventListener("click", () => {
    state.idFull = "";
    idNumber.readOnly = false;
    idNumber.value = "";
    idEdit.hidden = true;
    idInfo.replaceChildren();
    idNumber.focus();
  });
  const idField = h("div", { class: "field", id: "id-field" },
    h("label", { for: "id-number" }, t("ID number")),
    h("div", { class: "row" }, Object.assign(idNumber, { id: "id-number" }), idEdit),
    h("p", { class: "hint" }, t("Shown masked once entered.")), idInfo);
  const kindChips = chips("id_kind", ID_KINDS(), { value: "resident", legend: t("Document"), onchange: (kind) => {
    idField.hidden = kind === "none";
    if (kind === "none") {
      unmaskId();
      idNumber.value = "";
      idInfo.replaceChildren();
    } else if (idNumber.value.trim() && !idNumber.readOnly) {
      maskId();
    }
  } });
  phone.addEventListener("input", lookupPhone);
  phone.addEventListener("change", checkWatch);
  plate.addEventListener("input", () => { plateCheck(); checkWatch(); });
  name.addEventListener("change", checkWatch);
  name.addEventListener("blur", checkWatch);

  const stepper = (delta) => () => { party.value = String(Math.max(1, (Number(party.value) || 1) + delta)); };
  const form = h("form", { class: "card", id: "checkin-form", novalidate: true, autocomplete: "off" },
    h("h2", {}, t("Register a visitor")),
    field(t("Visitor's name"), name, { required: true }),
    chips("purpose", PURPOSES(), { legend: t("Purpose"), onchange: () => permitCheck() }),
    field(t("Unit visited"), unit), suggestions, rentalInfo,
    permit.element,
    h("div", { class: "field" },
      h("label", { for: "party" }, t("Party size")),
      h("div", { class: "row" },
        h("button", { type: "button", class: "small", "aria-label": t("One fewer"), onclick: stepper(-1) }, "−"),
        Object.assign(party, { id: "party" }),
        h("button", { type: "button", class: "small", "aria-label": t("One more"), onclick: stepper(1) }, "+"))),
    // Above the button, not above the fields: an alert that appears as the name field is
    // left must not move the chip the guard is tapping.
    watchAlert,
    watchDecision,
    h("button", { type: "submit", class: "primary block", id: "checkin-submit" }, t("Register entry")),
    h("h3", {}, t("More details")),
    field(t("Phone number"), phone), phoneInfo,
    kindChips, idField,
    field(t("Vehicle plate"), plate), plateInfo,
    field(t("Host's name"), host),
    field(t("Note"), note),
    message,
    h("button", { type: "submit", class: "primary block" }, t("Register entry")));

  form.addEventListener("submit", once(async () => {
    message.replaceChildren();
    clearErrors(form);
    maskId();
    await checkWatch(); // the match decides what may be saved, so it is settled first
    const purpose = chipValue(form, "purpose");
    const size = party.value.trim() === "" ? null : Number(party.value);
    const kind = idKind();
    const typedId = state.idFull || idNumber.value.trim().toUpperCase();
    const data = { site_id: ctx.siteId, visitor_name: name.value.trim(), purpose, party_size: size };
    for (const [key, el] of [["unit", unit], ["host_name", host], ["note", note]]) if (el.value.trim()) data[key] = el.value.trim();
    if (plate.value.trim()) data.plate = normalisePlate(plate.value);
    const underPermit = purpose === "decoration" ? permit.chosen() : null;
    if (underPermit) data.permit_id = underPermit.id;
    if (kind === "none") data.id_kind = "none";
    else if (typedId) Object.assign(data, { id_kind: kind, id_number: typedId });
    // The number is checked as typed; it is sent as digits, the form the office searches.
    const errors = check(rules, "visit.check_in", { ...data, phone: phone.value.trim() || null });
    const match = (state.watchMatch || []).join(t(", "));
    const decision = match ? chipValue(form, "watch_action") : null;
    if (match && !decision) errors.watch_action = t("Choose what you did about the watch-list match.");
    if (errors.id_number) {
      unmaskId();
      idInfo.replaceChildren();
    }
    if (showErrors(form, errors, message)) return;
    const digits = normalisePhone(phone.value);
    if (digits) data.phone = digits;
    const id = uuid();
    const at = isoNow();
    const visitors = digits ? [{ key: await visitorKey(digits), visitor_name: data.visitor_name, purpose,
      unit: data.unit || "", plate: data.plate || "", host_name: data.host_name || "", last_at: at }] : [];
    const flagId = uuid();
    const flag = (description, visitId) => ({
      mutation: { type: "visit.flag", entity_id: flagId, at,
        data: { site_id: ctx.siteId, description, photo_ids: [], ...(visitId ? { visit_id: visitId } : {}) } },
      record: { id: flagId, kind: "incident", site_id: ctx.siteId, description, visit_id: visitId || null, photo_ids: [], at },
    });
    if (decision === "refuse") {
      const refused = flag(t("Refused entry: %(name)s matched the watch list (%(match)s).",
        { name: data.visitor_name, match }), null);
      await record({ mutations: [refused.mutation], records: [refused.record] });
      await clearDraft("gate-checkin");
      window.dispatchEvent(new Event("estate-recorded"));
      toastAfterRender(t("Saved: entry refused. The team leader will be told."));
      await rerender(show);
      return;
    }
    const admitted = decision === "admit" ? flag(t("Admitted: %(name)s matched the watch list (%(match)s).",
      { name: data.visitor_name, match }), id) : null;
    await record({
      mutations: [{ type: "visit.check_in", entity_id: id, data, at }, ...(admitted ? [admitted.mutation] : [])],
      records: [{ id, kind: "visit", site_id: ctx.siteId, visitor_name: data.visitor_name, purpose, party_size: size,
        unit: data.unit || "", plate: data.plate || "", host_name: data.host_name || "", note: data.note || "",
        permit_id: data.permit_id || null, phone: maskPhone(digits), id_number: maskIdNumber(data.id_number || ""), id_kind: data.id_kind || null,
        checked_in_at: at, checked_out_at: null, watch: Boolean(admitted) }, ...(admitted ? [admitted.record] : [])],
      visitors,
    });
    await clearDraft("gate-checkin");
    window.dispatchEvent(new Event("estate-recorded"));
    toastAfterRender(admitted ? t("Saved: %(name)s registered. The team leader will be told.", { name: data.visitor_name })
      : t("Saved: %(name)s registered.", { name: data.visitor_name }));
    await rerender(show);
  }));
  form.permitCheck = permitCheck; // a restored draft shows its permit choice again
  return form;
}

export async function show() {
  const ctx = await context();
  if (!ctx.user) {
    render(ctx.post ? shiftFirst() : signInFirst());
    return;
  }
  const [units, vehicles, watch, visits, w, filters, rules, permits, rentals] = await Promise.all([
    rows("unit", ctx.siteId), rows("vehicle", ctx.siteId), rows("watch", ctx.siteId), insideNow(ctx.siteId), waiting(),
    rows("watch_filter", ctx.siteId), formRules(), rows("permit", ctx.siteId), rows("rental", ctx.siteId)]);
  units.sort((a, b) => UNIT_ORDER.compare(String(a.code), String(b.code)));
  const maxMinutes = Number(setting(ctx.site, "visit_max_minutes"));
  let flagging = null;
  const flagSlot = h("div", { id: "flag-slot" });
  const openFlag = (visit) => {
    flagging = flagForm(ctx, visit, rules, () => { flagSlot.replaceChildren(); flagging = null; });
    flagSlot.replaceChildren(flagging);
    flagging.scrollIntoView({ block: "start" });
    flagging.querySelector("textarea").focus();
  };
  const form = checkInForm(ctx, units, vehicles, watch, filters[0] || null, rules, permits, rentals);
  render(
    dutyCard(ctx.site, ctx.tz),
    visits.length ? h("a", { class: "button block", href: "#inside-heading", id: "jump-inside" },
      t("%(count)s visitors inside now: check out", { count: visits.length })) : null,
    units.length ? null : notice(t("Units appear after the first sync; you can still type one."), "info"),
    form,
    flagSlot,
    h("h2", { id: "inside-heading" }, t("Inside now"), " ", h("span", { class: "tag", id: "inside-count" }, String(visits.length))),
    insideList(visits, maxMinutes, ctx.tz, openFlag),
    h("button", { type: "button", class: "danger block", id: "flag-open", onclick: () => openFlag(null) },
      t("Report a suspicious person")),
    w.total ? h("p", { class: "meta" }, t("%(count)s waiting", { count: w.total })) : null,
  );
  if (await keepDraft("gate-checkin", form)) form.permitCheck();
}
