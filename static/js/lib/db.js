/**
 * The phone's IndexedDB: one database, its stores made by an upgrade switch.
 *
 * outbox     mutations not yet answered by the server (key: mutation id; index seq)
 * attention  mutations the server rejected, with its errors, for the user to fix
 * refdata    rows from pulls (key: "type:id"; index type)
 * meta       small values: device id, seq counter, token, user, cursor, sync state
 * photos     scaled photos waiting for upload (key: photo id)
 * records    what this phone recorded, for its own screens (key: entity id; index kind)
 * drafts     half-filled forms, so a reload or an update never loses them
 * visitors   recent visitors by a hash of their phone number (no ID numbers)
 */
import { openDB } from "../../vendor/idb/idb.js";

export const DB_NAME = "estate-phone";
const DB_VERSION = 1;

let opening = null;

export function db() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, {
      upgrade(database, oldVersion) {
        switch (oldVersion) {
          case 0: {
            const outbox = database.createObjectStore("outbox", { keyPath: "id" });
            outbox.createIndex("seq", "seq", { unique: true });
            database.createObjectStore("attention", { keyPath: "id" });
            const ref = database.createObjectStore("refdata", { keyPath: "key" });
            ref.createIndex("type", "type");
            database.createObjectStore("meta");
            database.createObjectStore("photos", { keyPath: "id" });
            const records = database.createObjectStore("records", { keyPath: "id" });
            records.createIndex("kind", "kind");
            database.createObjectStore("drafts");
            database.createObjectStore("visitors", { keyPath: "key" });
          }
          // Later versions add a case here; no break, so every step runs in turn.
        }
      },
      blocked() {},
      blocking() {
        // A newer page wants to upgrade: let it, this page reloads its handle.
        opening.then((d) => d.close());
        opening = null;
      },
    });
  }
  return opening;
}

export async function getMeta(key, fallback = null) {
  const value = await (await db()).get("meta", key);
  return value === undefined ? fallback : value;
}

export async function setMeta(key, value) {
  return (await db()).put("meta", value, key);
}

export async function setMetaMany(values) {
  const tx = (await db()).transaction("meta", "readwrite");
  for (const [key, value] of Object.entries(values)) tx.store.put(value, key);
  await tx.done;
}

export async function all(store) {
  return (await db()).getAll(store);
}

export async function get(store, key) {
  return (await db()).get(store, key);
}

export async function byIndex(store, index, value) {
  return (await db()).getAllFromIndex(store, index, value);
}

export async function put(store, value, key) {
  return (await db()).put(store, value, key);
}

export async function del(store, key) {
  return (await db()).delete(store, key);
}

export async function count(store) {
  return (await db()).count(store);
}
