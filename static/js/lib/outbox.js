/**
 * The outbox: every mutation the phone makes, kept until the server has answered for it.
 *
 * Recording is one strict-durability transaction over the outbox, the seq counter and the
 * phone's own records, with nothing awaited inside it but its own requests: once it
 * completes, "saved" is true even if the browser dies the next moment.
 */
import { db } from "./db.js";
import { recorder } from "./session.js";
import { isoNow, maskIdNumber, maskPhone, uuid } from "./util.js";

const STRICT = { durability: "strict" };

export class NotSignedIn extends Error {}

/**
 * Record mutations and the phone's view of them at once.
 * @param mutations [{type, entity_id, data, at?}]
 * @param records   local records to put (their ``user_id`` is filled in)
 * @param photos    scaled photos to keep until uploaded
 * @param visitors  returning-visitor entries to put
 * @returns the outbox entries written
 */
export async function record({ mutations = [], records = [], photos = [], visitors = [], as = null }) {
  const user = as || (await recorder());
  if (!user) throw new NotSignedIn("not signed in");
  const database = await db();
  const at = isoNow();
  const entries = mutations.map((m) => ({
    id: uuid(),
    type: m.type,
    entity_id: m.entity_id,
    user_id: user.id,
    at: m.at || at,
    data: m.data || {},
    created_at: at,
  }));
  const tx = database.transaction(["outbox", "meta", "records", "photos", "visitors"], "readwrite", STRICT);
  const meta = tx.objectStore("meta");
  let seq = (await meta.get("seq")) || 0;
  for (const entry of entries) {
    seq += 1;
    entry.seq = seq;
    tx.objectStore("outbox").put(entry);
  }
  meta.put(seq, "seq");
  for (const rec of records) tx.objectStore("records").put({ user_id: user.id, ...rec, updated_at: at });
  for (const photo of photos) tx.objectStore("photos").put({ user_id: user.id, ...photo });
  for (const visitor of visitors) tx.objectStore("visitors").put(visitor);
  await tx.done;
  return entries;
}

/** Outbox entries in seq order, optionally only one user's. */
export async function entries(userId = null) {
  const all = await (await db()).getAllFromIndex("outbox", "seq");
  return userId ? all.filter((e) => e.user_id === userId) : all;
}

/** How many entries wait, in all and per user id. */
export async function waiting() {
  const all = await entries();
  const byUser = {};
  for (const e of all) byUser[e.user_id] = (byUser[e.user_id] || 0) + 1;
  return { total: all.length, byUser, entityIds: new Set(all.map((e) => e.entity_id)) };
}

/** The shape a rejected mutation is kept in: never a full ID number or phone number. */
export function scrub(data) {
  const copy = { ...data };
  if (copy.id_number) copy.id_number = maskIdNumber(copy.id_number);
  if (copy.phone) copy.phone = maskPhone(copy.phone);
  return copy;
}

const DONE = new Set(["applied", "duplicate", "deferred"]);

/**
 * Apply the server's answers: answered entries leave the outbox (rejected ones go to
 * "needs attention"); an entry without an answer stays for the next push.
 */
export async function acknowledge(sent, results) {
  const byId = new Map((results || []).map((r) => [r.id, r]));
  const database = await db();
  const tx = database.transaction(["outbox", "attention", "records"], "readwrite", STRICT);
  const answered = [];
  for (const entry of sent) {
    const result = byId.get(entry.id);
    if (!result) continue;
    // A repeat of a mutation rejected earlier is a "duplicate" carrying the first errors.
    const rejected = result.status === "rejected" ||
      (result.status === "duplicate" && result.first_status === "rejected");
    if (DONE.has(result.status) && !rejected) {
      tx.objectStore("outbox").delete(entry.id);
      answered.push([entry, result.status]);
    } else if (rejected) {
      tx.objectStore("outbox").delete(entry.id);
      tx.objectStore("attention").put({
        id: entry.id, type: entry.type, entity_id: entry.entity_id, user_id: entry.user_id,
        at: entry.at, seq: entry.seq, data: scrub(entry.data), errors: result.errors || {},
        code: result.code || null, rejected_at: isoNow(),
      });
      answered.push([entry, "rejected"]);
    }
  }
  const store = tx.objectStore("records");
  for (const [entry, status] of answered) {
    const rec = await store.get(entry.entity_id);
    if (rec) {
      rec.sync = { ...(rec.sync || {}), [entry.type]: status };
      store.put(rec);
    }
  }
  await tx.done;
  return answered.length;
}

/** Record a corrected copy of a rejected mutation; it leaves "needs attention". */
export async function recordAgain(attentionId, data) {
  const database = await db();
  const item = await database.get("attention", attentionId);
  if (!item) return null;
  const [entry] = await record({ mutations: [{ type: item.type, entity_id: item.entity_id, data }] });
  await database.delete("attention", attentionId);
  return entry;
}

export async function discardAttention(attentionId) {
  return (await db()).delete("attention", attentionId);
}

const KEEP_DAYS = 7;

/** Forget the phone's own records older than a week once nothing about them waits. */
export async function pruneRecords(now = Date.now()) {
  const database = await db();
  const pending = new Set([...(await database.getAll("outbox")), ...(await database.getAll("attention"))]
    .map((e) => e.entity_id));
  const cutoff = now - KEEP_DAYS * 24 * 3600 * 1000;
  const tx = database.transaction("records", "readwrite");
  let cursor = await tx.store.openCursor();
  let removed = 0;
  while (cursor) {
    const rec = cursor.value;
    const open = (rec.kind === "patrol" && !rec.ended_at) || (rec.kind === "stock_check" && !rec.finished_at) ||
      (rec.kind === "visit" && !rec.checked_out_at);
    if (!pending.has(rec.id) && !open && Date.parse(rec.updated_at || 0) < cutoff) {
      cursor.delete();
      removed += 1;
    }
    cursor = await cursor.continue();
  }
  await tx.done;
  return removed;
}
