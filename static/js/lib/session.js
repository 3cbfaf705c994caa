/**
 * Who is signed in on this phone. Signing in gets a device token; signing out keeps every
 * unsynced entry and every photo not yet uploaded, and clears the rest.
 */
import { db, getMeta, setMeta, setMetaMany } from "./db.js";
import { ApiError, NetworkError, request } from "./api.js";
import { uuid } from "./util.js";

export async function deviceId() {
  let id = await getMeta("device_id");
  if (!id) {
    id = uuid();
    await setMeta("device_id", id);
  }
  return id;
}

export async function currentUser() {
  return getMeta("user");
}

export async function rememberUser(user) {
  const users = await getMeta("users", {});
  users[user.id] = { display_name: user.display_name, username: user.username };
  await setMeta("users", users);
}

/** Sign in online; a different person than before starts with an empty reference cache. */
export async function signIn(username, password) {
  const device = await deviceId();
  const body = await request("/api/v1/session", {
    method: "POST", json: { username, password, device_id: device },
  });
  const previous = await getMeta("last_user_id");
  if (previous && previous !== body.user.id) await clearPersonal({ keepUnsynced: true });
  await rememberUser(body.user);
  await setMetaMany({
    token: body.token, token_expires_at: body.expires_at, user: body.user, last_user_id: body.user.id,
    auth_state: "ok", site_id: body.user.site_ids[0] || null,
  });
  return body.user;
}

/**
 * Register this phone to a gate post with the code of the admin's QR (online, once). The
 * phone is then the post's: people work on it in shifts (``lib/shifts.js``).
 */
export async function enrolPost(code) {
  const device = await deviceId();
  const body = await request("/api/v1/session/post", { method: "POST", json: { code, device_id: device } });
  const previous = await getMeta("last_user_id");
  if (previous && previous !== body.user.id) await clearPersonal({ keepUnsynced: true });
  await rememberUser(body.user);
  await setMetaMany({
    token: body.token, token_expires_at: body.expires_at, user: body.user, last_user_id: body.user.id,
    auth_state: "ok", site_id: body.user.site_ids[0] || null, shift: null,
  });
  return body.user;
}

export function isPost(user) {
  return Boolean(user && user.role === "post");
}

/**
 * Whom the phone records for: the signed-in person, or on a post's phone the person on
 * shift (``null`` between shifts, when nothing may be recorded).
 */
export async function recorder() {
  const user = await getMeta("user");
  if (!isPost(user)) return user || null;
  const shift = await getMeta("shift");
  return shift ? { id: shift.user_id, display_name: shift.display_name, username: shift.username,
    role: shift.role, post: shift.post, site_ids: user.site_ids, shift_id: shift.id } : null;
}

/** Everything but unsynced entries, photos not yet uploaded, the device id and its seq. */
export async function clearPersonal({ keepUnsynced = true } = {}) {
  const database = await db();
  const outbox = await database.getAll("outbox");
  const attention = await database.getAll("attention");
  const keepEntities = new Set([...outbox, ...attention].map((e) => e.entity_id));
  const tx = database.transaction(["refdata", "records", "drafts", "visitors", "meta"], "readwrite");
  tx.objectStore("refdata").clear();
  tx.objectStore("drafts").clear();
  tx.objectStore("visitors").clear();
  let cursor = await tx.objectStore("records").openCursor();
  while (cursor) {
    if (!keepUnsynced || !keepEntities.has(cursor.value.id)) cursor.delete();
    cursor = await cursor.continue();
  }
  const meta = tx.objectStore("meta");
  for (const key of ["token", "token_expires_at", "user", "cursor", "sync_state", "site_id", "auth_state", "last_user_id", "shift",
    "notifications", "push_on"]) {
    meta.delete(key);
  }
  await tx.done;
}

export async function signOut() {
  const token = await getMeta("token");
  if (token) {
    try {
      await request("/api/v1/session", { method: "DELETE", token, timeoutMs: 5000 });
    } catch (err) {
      if (!(err instanceof NetworkError || err instanceof ApiError)) throw err;
    }
  }
  await clearPersonal({ keepUnsynced: true });
}

export async function currentSite() {
  const user = await currentUser();
  if (!user) return null;
  const chosen = await getMeta("site_id");
  return user.site_ids.includes(chosen) ? chosen : user.site_ids[0] || null;
}
