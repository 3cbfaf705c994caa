/** Photos from the camera, scaled on the phone to at most 1600 px as JPEG before keeping them. */
import { getMeta } from "./db.js";
import { ensureRoom } from "./storage.js";
import { uuid } from "./util.js";

export const MAX_SIDE = 1600;
const QUALITY = 0.82;

async function toBlob(canvas) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error("could not encode the photo"))), "image/jpeg", QUALITY));
}

/** A scaled JPEG of ``file`` as a photo ready for the outbox transaction. */
export async function scalePhoto(file) {
  await ensureRoom(file.size);
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = typeof OffscreenCanvas !== "undefined"
    ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement("canvas"), { width, height });
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close && bitmap.close();
  const blob = await toBlob(canvas);
  await ensureRoom(blob.size);
  return { id: uuid(), blob, type: "image/jpeg", size: blob.size, width, height, taken_at: new Date().toISOString() };
}

/** A stored photo from the server as an object URL (it needs the network), or ``null``. */
export async function remotePhoto(id) {
  try {
    const token = await getMeta("token");
    const response = await fetch(`/api/v1/photos/${encodeURIComponent(id)}`,
      { credentials: "omit", headers: token ? { Authorization: `Bearer ${token}` } : {} });
    return response.ok ? URL.createObjectURL(await response.blob()) : null;
  } catch (err) {
    return null;
  }
}
