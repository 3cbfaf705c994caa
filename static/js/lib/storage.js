/** The phone's storage: ask to keep it, show what is used, refuse photos when full. */
import { t } from "./i18n.js";

export const PHOTO_RESERVE_BYTES = 20 * 1024 * 1024;

export class StorageFullError extends Error {}

export async function askPersistence() {
  if (!navigator.storage || !navigator.storage.persist) return false;
  if (await navigator.storage.persisted()) return true;
  try {
    return await navigator.storage.persist();
  } catch (err) {
    return false;
  }
}

export async function estimate() {
  if (!navigator.storage || !navigator.storage.estimate) return { usage: null, quota: null, persisted: false };
  const { usage, quota } = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  return { usage, quota, persisted };
}

/** Throws ``StorageFullError`` when ``bytes`` more would leave too little room. */
export async function ensureRoom(bytes) {
  const { usage, quota } = await estimate();
  if (usage == null || quota == null) return;
  if (quota - usage < bytes + PHOTO_RESERVE_BYTES) {
    throw new StorageFullError(t("The phone's storage is full. Sync to free space, then take the photo again."));
  }
}

export function formatBytes(bytes) {
  if (bytes == null) return "?";
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}
