/**
 * Shifts on a gate post's shared phone (交接班): a person starts one with their PIN, the
 * phone records in their name until they hand over, and the server accepts those records
 * only within the shift (``sync/shifts.py``). Five wrong PINs lock that person out of this
 * phone for five minutes; the count is kept on the phone, so it holds offline.
 */
import { getMeta, setMeta } from "./db.js";
import { record } from "./outbox.js";
import { checkPin } from "./pins.js";
import { isoNow, uuid } from "./util.js";

export const MAX_TRIES = 5;
export const LOCK_MS = 5 * 60 * 1000;

export async function currentShift() {
  return getMeta("shift", null);
}

/** Minutes left of a person's lock-out on this phone, or 0. */
export async function lockedFor(userId, now = Date.now()) {
  const tries = (await getMeta("pin_tries", {}))[userId];
  return tries && tries.until && tries.until > now ? Math.ceil((tries.until - now) / 60000) : 0;
}

async function countTry(userId, ok) {
  const all = await getMeta("pin_tries", {});
  if (ok) delete all[userId];
  else {
    const count = ((all[userId] && all[userId].count) || 0) + 1;
    all[userId] = count >= MAX_TRIES ? { count: 0, until: Date.now() + LOCK_MS } : { count, until: null };
  }
  await setMeta("pin_tries", all);
  return all[userId] || null;
}

/**
 * Start ``person``'s shift if ``pin`` is theirs: ``{ok}``, or ``{locked: minutes}``, or
 * ``{wrong: tries left}``.
 */
export async function startShift(post, person, pin, siteId) {
  const locked = await lockedFor(person.id);
  if (locked) return { locked };
  if (!(await checkPin(person.pin_hash, pin))) {
    const state = await countTry(person.id, false);
    return state.until ? { locked: Math.ceil(LOCK_MS / 60000) } : { wrong: MAX_TRIES - state.count };
  }
  await countTry(person.id, true);
  const id = uuid();
  const at = isoNow();
  const who = { id: person.id, display_name: person.display_name, site_ids: post.site_ids };
  await record({
    as: who,
    mutations: [{ type: "shift.start", entity_id: id, data: { site_id: siteId }, at }],
    records: [{ id, kind: "shift", site_id: siteId, user_id: person.id, display_name: person.display_name,
      started_at: at, ended_at: null }],
  });
  await setMeta("shift", { id, user_id: person.id, display_name: person.display_name, username: person.username,
    role: person.role, post: person.post, started_at: at, site_id: siteId });
  return { ok: true };
}

/** Hand over: the shift ends with what the next person should know; nobody is on shift. */
export async function endShift(shift, { note, insideCount }) {
  const at = isoNow();
  const data = { inside_count: insideCount };
  if (note) data.handover_note = note;
  await record({
    as: { id: shift.user_id, display_name: shift.display_name },
    mutations: [{ type: "shift.end", entity_id: shift.id, data, at }],
    records: [{ id: shift.id, kind: "shift", site_id: shift.site_id, user_id: shift.user_id,
      display_name: shift.display_name, started_at: shift.started_at, ended_at: at,
      handover_note: note || "", inside_count: insideCount }],
  });
  await setMeta("shift", null);
}
