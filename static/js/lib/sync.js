/**
 * The sync client: pushes the outbox in seq order, pulls until the server has no more,
 * and backs off when the server or the network fails. Nothing is removed from the outbox
 * unless the server answered for that very mutation.
 *
 * Works in a page and in the service worker (Background Sync): no DOM here.
 */
import { db, getMeta, setMeta } from "./db.js";
import { ApiError, NetworkError, request } from "./api.js";
import { acknowledge, entries, pruneRecords } from "./outbox.js";
import { applyChanges } from "./refdata.js";
import { isPost } from "./session.js";
import { isoNow } from "./util.js";

export const BATCH_SIZE = 100;
const MAX_BYTES = 1.5 * 1024 * 1024;
const MAX_ROUNDS = 500;
const BASE_DELAY_MS = 5000;
const MAX_DELAY_MS = 10 * 60 * 1000;

const channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("estate-sync") : null;
let running = null;

/** Listen to sync news from this page, other tabs and the worker. */
export function onSyncEvent(callback) {
  if (typeof BroadcastChannel === "undefined") return;
  // A channel object never hears its own messages, so listeners get their own object.
  const listener = new BroadcastChannel("estate-sync");
  listener.addEventListener("message", (event) => callback(event.data));
}

function announce(message) {
  if (channel) channel.postMessage(message);
}

export async function state() {
  return getMeta("sync_state", {
    last_success: null, last_attempt: null, last_error: null, failures: 0, next_retry_at: null,
  });
}

async function saveState(changes) {
  const next = { ...(await state()), ...changes };
  await setMeta("sync_state", next);
  announce({ type: "state", state: next });
  return next;
}

/** Milliseconds to wait after ``failures`` failures in a row: 5 s, 10 s, 20 s… up to 10 min. */
export function backoffDelay(failures, random = Math.random) {
  if (failures <= 0) return 0;
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** Whether an automatic sync may run now (a manual one always may). */
export async function due() {
  const s = await state();
  return !s.next_retry_at || Date.parse(s.next_retry_at) <= Date.now();
}

function batchOf(pending, size) {
  const batch = [];
  let bytes = 0;
  for (const entry of pending) {
    const length = JSON.stringify(entry).length;
    if (batch.length && (batch.length >= size || bytes + length > MAX_BYTES)) break;
    batch.push(entry);
    bytes += length;
  }
  return batch;
}

function wire(entry) {
  return { id: entry.id, seq: entry.seq, type: entry.type, entity_id: entry.entity_id,
    user_id: entry.user_id, at: entry.at, data: entry.data };
}

/**
 * Upload this user's photos; each leaves the phone once the server has it. One the server
 * will never take (not ours, too big, not an image) is marked and left for the person.
 */
async function uploadPhotos(token, userId) {
  const database = await db();
  const photos = (await database.getAll("photos")).filter((p) => (!userId || p.user_id === userId) && !p.refused);
  for (const photo of photos) {
    try {
      await request(`/api/v1/photos/${photo.id}`, {
        method: "PUT", body: photo.blob, token, headers: { "Content-Type": photo.type || "image/jpeg" },
      });
      await database.delete("photos", photo.id);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 409) {
        await database.delete("photos", photo.id);
      } else if ([400, 404, 413, 415].includes(err.status)) {
        await database.put("photos", { ...photo, refused: err.status });
      } else {
        throw err;
      }
    }
  }
}

/**
 * Every mutation's result. A minimal answer (``Prefer: return=minimal``) lists only those
 * that were not applied exactly as sent; each one it leaves out was applied as sent.
 */
export function expandResults(batch, response) {
  const listed = response.results || [];
  if (!response.results_minimal) return listed;
  const byId = new Map(listed.map((r) => [r.id, r]));
  return batch.map((entry) => byId.get(entry.id) || { id: entry.id, status: "applied", entity_id: entry.entity_id });
}

async function exchange(token, user, deviceId) {
  let size = BATCH_SIZE;
  let cursor = await getMeta("cursor", null);
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const pending = await entries(isPost(user) ? null : user.id);
    const batch = batchOf(pending, size);
    const body = {
      device_id: deviceId,
      client_time: isoNow(),
      cursor,
      pending: pending.length - batch.length,
      mutations: batch.map(wire),
    };
    let response;
    try {
      response = await request("/api/v1/sync", {
        method: "POST", json: body, token, headers: { Prefer: "return=minimal" },
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 413 && size > 1) {
        size = Math.max(1, Math.floor(batch.length / 2));
        continue;
      }
      throw err;
    }
    const results = expandResults(batch, response);
    await acknowledge(batch, results);
    await applyChanges(response.changes);
    if (response.cursor !== undefined) {
      cursor = response.cursor;
      await setMeta("cursor", cursor);
    }
    announce({ type: "progress" });
    const answered = results.length;
    if (answered < batch.length) throw new Error("the server did not answer for every mutation");
    if (!batch.length && !response.has_more) return;
  }
}

async function run(reason) {
  const token = await getMeta("token");
  const user = await getMeta("user");
  if (!token || !user) return { status: "signed_out" };
  const deviceId = await getMeta("device_id");
  await saveState({ last_attempt: isoNow(), running: true, reason });
  try {
    // A post's phone sends everyone's records: the server accepts each within its shift.
    await uploadPhotos(token, isPost(user) ? null : user.id);
    await exchange(token, user, deviceId);
    await pruneRecords();
    await setMeta("auth_state", "ok");
    await saveState({ last_success: isoNow(), last_error: null, failures: 0, next_retry_at: null, running: false });
    return { status: "ok" };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      await setMeta("auth_state", "expired");
      await saveState({ last_error: "unauthorized", running: false });
      announce({ type: "auth", state: "expired" });
      return { status: "unauthorized" };
    }
    const failures = ((await state()).failures || 0) + 1;
    const kind = err instanceof NetworkError ? "network" : err instanceof ApiError ? `http_${err.status}` : "error";
    await saveState({
      last_error: kind, failures, running: false,
      next_retry_at: new Date(Date.now() + backoffDelay(failures)).toISOString(),
    });
    return { status: "failed", error: kind };
  }
}

/** Sync now, once at a time across this page, other tabs and the worker. */
export function syncNow(reason = "manual") {
  if (running) return running;
  const go = () => run(reason);
  const locked = typeof navigator !== "undefined" && navigator.locks
    ? navigator.locks.request("estate-sync", go)
    : go();
  running = Promise.resolve(locked).finally(() => { running = null; announce({ type: "done" }); });
  return running;
}

export function isRunning() {
  return running !== null;
}
