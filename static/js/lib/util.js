/** Small pure helpers: ids, times with the phone's offset, masking and normalising. */

export function uuid() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** ISO 8601 with the phone's own offset, as the sync contract asks for ``at``. */
export function isoNow(date = new Date()) {
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const abs = Math.abs(off);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    `${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Masking, the rule of sync/privacy.py: at most floor(2n/3) characters visible (and of a
 * number at least 3 hidden), the tail first (up to 4), then the head up to a cap of its
 * kind. Both run tests/fixtures/masking_cases.json. Characters are code points.
 */
const MASK_SHAPES = {
  phone: [3, 4, 3], id: [6, 4, 3], plate: [2, 2, 3], name: [1, 0, 1], id_tail: [0, 4, 3], typed: [2, 2, 3],
};

export function mask(value, head, tail, hidden = 3) {
  const chars = Array.from(String(value));
  const n = chars.length;
  const room = Math.max(0, Math.min(Math.floor((2 * n) / 3), n - hidden));
  const keepTail = Math.min(tail, room);
  const keepHead = Math.min(head, room - keepTail);
  return chars.slice(0, keepHead).join("") + "*".repeat(n - keepHead - keepTail) + chars.slice(n - keepTail).join("");
}

/** The mask of a kind ("phone", "id", "plate", "name", "id_tail"); phones are normalised first. */
export function maskAs(kind, value) {
  if (!value) return "";
  let text = String(value);
  if (kind === "phone") {
    const digits = normalisePhone(text);
    if (!digits) return "*".repeat(Array.from(text).length);
    text = digits;
  }
  const [head, tail, hidden] = MASK_SHAPES[kind];
  return mask(text, head, tail, hidden);
}

/** "110101********1234", as the server masks it. */
export function maskIdNumber(value) {
  return maskAs("id", value);
}

/** "138****5678"; "***4567" when short. */
export function maskPhone(value) {
  return maskAs("phone", value);
}

/** "粤B***45". */
export function maskPlate(value) {
  return maskAs("plate", value);
}

/** ASCII digits only, without the 86 of a 13-digit number (+86 138…). */
export function normalisePhone(value) {
  let digits = String(value || "").replace(/[^0-9]/g, "");
  if (digits.length === 13 && digits.startsWith("86")) digits = digits.slice(2);
  return digits;
}

export function normalisePlate(value) {
  return String(value || "").toUpperCase().replace(/[\s·.\-]/g, "");
}

export function normaliseName(value) {
  return String(value || "").replace(/\s+/g, "").toLowerCase();
}

export async function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, "0")).join("");
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Making an Intl.DateTimeFormat costs far more than formatting with one (a gate screen
// formats a time per visitor inside): one per style and time zone, made once.
const formats = new Map();

function formatter(style, timeZone, options) {
  const key = `${style}|${timeZone || ""}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("zh-CN", { ...options, hour12: false, timeZone: timeZone || undefined });
    formats.set(key, format);
  }
  return format;
}

/** "HH:MM" of a date in a time zone (the site's; the phone's when none). */
export function clock(date, timeZone) {
  return formatter("clock", timeZone, { hour: "2-digit", minute: "2-digit" }).format(date);
}

export function dateTime(date, timeZone) {
  return formatter("dateTime", timeZone, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
    .format(date);
}

/** Minutes since local midnight in a time zone. */
export function minutesOfDay(date, timeZone) {
  const [h, m] = clock(date, timeZone).split(":").map(Number);
  return (h % 24) * 60 + m;
}

export function parseHM(text) {
  const [h, m] = String(text).split(":").map(Number);
  return h * 60 + m;
}
