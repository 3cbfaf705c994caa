/**
 * A gate post's phone between and during shifts (交接班): who is on shift, the PIN pad to
 * start one, and the hand-over the person signs when they leave: who is inside now, who
 * was flagged on the shift, and a note for the next person.
 */
import { all, getMeta } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { PIN_SHAPE, SHIFT_ROLES } from "../lib/pins.js";
import { rows } from "../lib/refdata.js";
import { currentShift, endShift, lockedFor, startShift } from "../lib/shifts.js";
import { clock, dateTime } from "../lib/util.js";
import { insideNow } from "../lib/visits.js";
import { field, h, notice, once, rerender, showErrors } from "../ui/dom.js";


/** The last hand-over signed on this phone, for the person starting the next shift. */
async function lastHandover() {
  const ended = (await all("records")).filter((r) => r.kind === "shift" && r.ended_at)
    .sort((a, b) => Date.parse(b.ended_at) - Date.parse(a.ended_at));
  return ended[0] || null;
}

function startForm(post, people, siteId, tz, previous, show) {
  const person = h("select", { name: "person" }, h("option", { value: "" }, t("Choose yourself")),
    people.map((p) => h("option", { value: p.id }, p.display_name)));
  const pin = h("input", { name: "pin", type: "password", inputmode: "numeric", autocomplete: "off",
    maxlength: "6", pattern: "[0-9]*" });
  const message = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", id: "shift-start", novalidate: true },
    h("h2", {}, t("Start a shift")),
    previous ? h("div", { class: "notice info", id: "last-handover" },
      t("Handed over by %(name)s at %(time)s: %(count)s inside.",
        { name: previous.display_name, time: clock(new Date(previous.ended_at), tz), count: previous.inside_count ?? 0 }),
      previous.handover_note ? h("div", {}, previous.handover_note) : null) : null,
    field(t("Who are you?"), person, { required: true }),
    field(t("Your PIN"), pin, { required: true, hint: t("4 to 6 digits, set by the administrator.") }),
    message,
    h("button", { type: "submit", class: "primary block", id: "shift-start-submit" }, t("Start my shift")));
  form.addEventListener("submit", once(async () => {
    const chosen = people.find((p) => p.id === person.value);
    const errors = {};
    if (!chosen) errors.person = t("Choose who you are.");
    else if (!PIN_SHAPE.test(pin.value)) errors.pin = t("A PIN is 4 to 6 digits.");
    if (showErrors(form, errors, message)) return;
    const result = await startShift(post, chosen, pin.value, siteId);
    pin.value = "";
    if (result.locked) {
      showErrors(form, { pin: t("Too many wrong PINs: %(name)s can try again in %(minutes)s minutes.",
        { name: chosen.display_name, minutes: result.locked }) }, message);
      return;
    }
    if (result.wrong !== undefined) {
      showErrors(form, { pin: t("Wrong PIN. %(count)s tries left.", { count: result.wrong }) }, message);
      return;
    }
    window.dispatchEvent(new Event("estate-recorded"));
    await rerender(show);
  }));
  return form;
}

async function handoverForm(shift, siteId, tz, show) {
  const inside = await insideNow(siteId);
  const flagged = (await all("records")).filter((r) => r.kind === "incident" && r.at && r.at >= shift.started_at);
  const note = h("textarea", { name: "handover_note", maxlength: "1000", rows: "3" });
  const form = h("form", { class: "card", id: "handover", novalidate: true },
    h("h2", {}, t("Hand over the shift")),
    h("p", {}, t("%(count)s visitors inside now:", { count: inside.length })),
    inside.length ? h("ul", { id: "handover-inside" }, inside.map((v) => h("li", {},
      [v.visitor_name, v.unit, t("in at %(time)s", { time: clock(new Date(v.checked_in_at), tz) })]
        .filter(Boolean).join(" · ")))) : null,
    flagged.length ? [h("p", {}, t("Reported on this shift:")),
      h("ul", { id: "handover-flagged" }, flagged.map((f) => h("li", {}, f.description)))] : null,
    field(t("Note for the next shift"), note),
    h("button", { type: "submit", class: "primary block", id: "handover-submit" }, t("Sign and hand over")));
  form.addEventListener("submit", once(async () => {
    await endShift(shift, { note: note.value.trim(), insideCount: inside.length });
    window.dispatchEvent(new Event("estate-recorded"));
    await rerender(show);
  }));
  return form;
}

/** Today's gate log of this post's phone: every visitor registered on it today, in and out. */
async function todaysLog(siteId, tz) {
  const today = dateTime(new Date(), tz).slice(0, 5);
  const visits = (await all("records")).filter((r) => r.kind === "visit" && r.site_id === siteId && r.checked_in_at &&
    dateTime(new Date(r.checked_in_at), tz).slice(0, 5) === today)
    .sort((a, b) => Date.parse(a.checked_in_at) - Date.parse(b.checked_in_at));
  return h("section", { class: "card", id: "gate-log" },
    h("h2", {}, t("Today at this post"), " ", h("span", { class: "tag" }, String(visits.length))),
    visits.length ? h("ol", {}, visits.map((v) => h("li", {}, [v.visitor_name,
      `${clock(new Date(v.checked_in_at), tz)}–${v.checked_out_at ? clock(new Date(v.checked_out_at), tz) : t("inside")}`]
      .join(" · ")))) : h("p", { class: "empty" }, t("Nobody registered yet today.")));
}

/** The post's home: the shift on now, or the way to start one. */
export async function postHome(post, siteId, tz, show) {
  const shift = await currentShift();
  if (shift) {
    const slot = h("div", { id: "handover-slot" });
    const handOver = h("button", { type: "button", class: "block", id: "handover-open" }, t("Hand over"));
    handOver.addEventListener("click", once(async () => {
      slot.replaceChildren(await handoverForm(shift, siteId, tz, show));
      handOver.hidden = true;
      slot.scrollIntoView({ block: "start" });
    }));
    return [h("section", { class: "card", id: "on-shift" },
      h("p", {}, t("On shift: %(name)s since %(time)s", { name: shift.display_name, time: clock(new Date(shift.started_at), tz) })),
      h("a", { class: "button primary block", href: "/m/gate" }, t("Gate"))), handOver, slot, await todaysLog(siteId, tz)];
  }
  const people = (await rows("user")).filter((u) => SHIFT_ROLES.includes(u.role) && u.pin_hash &&
    (u.site_ids || []).includes(siteId)).sort((a, b) => a.display_name.localeCompare(b.display_name, "zh-CN"));
  const form = startForm(post, people, siteId, tz, await lastHandover(), show);
  const locks = await Promise.all(people.map((p) => lockedFor(p.id)));
  return [people.length ? form : notice(t("Nobody of this site has a shift PIN yet. Ask the administrator to set one."), "warn"),
    locks.some(Boolean) ? notice(t("Someone is locked out for a few minutes after wrong PINs."), "warn") : null,
    await getMeta("auth_state") === "expired" ? notice(t("This phone's registration has ended. Ask for a new QR code."), "error") : null];
}
