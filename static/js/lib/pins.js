/**
 * A shift PIN checked on the phone with no network: PBKDF2-HMAC-SHA256 as ``app/pins.py``
 * stores it (``pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>``), computed by WebCrypto.
 */
function fromHex(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const PIN_SHAPE = /^[0-9]{4,6}$/;
/** Who works shifts on post phones, and so has a PIN (``app/pins.py``). */
export const SHIFT_ROLES = ["guard", "staff", "manager"];

export async function checkPin(stored, pin) {
  const parts = String(stored || "").split("$");
  if (parts.length !== 4 || parts[0] !== "pbkdf2-sha256" || !PIN_SHAPE.test(pin)) return false;
  const [, iterations, salt, digest] = parts;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: fromHex(salt), iterations: Number(iterations) }, key, 256);
  const mine = toHex(bits);
  let same = mine.length === digest.length;
  for (let i = 0; i < mine.length; i += 1) same = same && mine[i] === digest[i];
  return same;
}
