/**
 * Decoration permits (装修许可) as the gate and the patrol use them, offline: which of the
 * site's permits are in force on a day, and for which unit. The server judges again when the
 * record arrives (``sync.rules.permit_active_on``); the phone only warns, never blocks.
 */
import { minutesOfDay, parseHM } from "./util.js";

/** The site's calendar day, ``YYYY-MM-DD``, for comparing with a permit's dates. */
export function localDay(date, timeZone) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: timeZone || undefined, year: "numeric",
    month: "2-digit", day: "2-digit" }).formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Permits that cover ``day`` (active, first day to last day), optionally of one unit. */
export function inForce(permits, day, unitCode = null) {
  const unit = unitCode ? String(unitCode).trim().toUpperCase() : null;
  return permits.filter((p) => p.status === "active" && p.start_date <= day && day <= p.end_date
    && (!unit || String(p.unit_code || "").toUpperCase() === unit));
}

/** Whether ``date`` falls within the permit's daily working hours at the site. */
export function withinHours(permit, date, timeZone) {
  const now = minutesOfDay(date, timeZone);
  return parseHM(permit.hours_start) <= now && now < parseHM(permit.hours_end);
}

/** The permit as a guard reads it in one line: company · workers · hours. */
export function permitLine(permit) {
  const workers = (permit.workers || []).slice(0, 4).join("、");
  const more = (permit.workers || []).length > 4 ? "…" : "";
  return [permit.contractor, workers ? workers + more : null, `${permit.hours_start}–${permit.hours_end}`]
    .filter(Boolean).join(" · ");
}
