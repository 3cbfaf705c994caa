/** Reference rows from pulls (sites, units, routes, items, follow-ups…), read by the screens. */
import { db } from "./db.js";
import { maskIdNumber, maskPhone } from "./util.js";

/** Apply a page of ``changes`` in one transaction. */
export async function applyChanges(changes) {
  if (!changes || !changes.length) return 0;
  const tx = (await db()).transaction("refdata", "readwrite");
  for (const change of changes) {
    const key = `${change.type}:${change.id}`;
    if (change.op === "delete") {
      tx.store.delete(key);
      continue;
    }
    const data = { ...(change.data || {}) };
    // Defence in depth: a full ID or phone number never settles on the phone from a pull either.
    if (typeof data.id_number === "string" && !data.id_number.includes("*")) {
      data.id_number = maskIdNumber(data.id_number);
    }
    if (typeof data.phone === "string" && !data.phone.includes("*")) data.phone = maskPhone(data.phone);
    tx.store.put({ key, type: change.type, id: change.id, version: change.version, data });
  }
  await tx.done;
  return changes.length;
}

/** Rows of a type, as ``{id, version, ...data}``, optionally of one site. */
export async function rows(type, siteId = null) {
  const found = await (await db()).getAllFromIndex("refdata", "type", type);
  const out = found.map((r) => ({ ...r.data, id: r.id, version: r.version }));
  return siteId ? out.filter((r) => r.site_id === siteId || (type === "site" && r.id === siteId)) : out;
}

export async function row(type, id) {
  const found = await (await db()).get("refdata", `${type}:${id}`);
  return found ? { ...found.data, id: found.id, version: found.version } : null;
}

/** Drop one row the phone no longer needs (the server would send its ``delete`` anyway). */
export async function forget(type, id) {
  return (await db()).delete("refdata", `${type}:${id}`);
}

export async function clear() {
  return (await db()).clear("refdata");
}
