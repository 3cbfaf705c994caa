/**
 * The site's watch-list filter (a `watch_filter` reference row): could a full phone number,
 * ID number or plate a guard typed be on the list? A Bloom filter of all the site's entries
 * together, built by app/phone/watch_filter.py: it answers "no" for sure and "maybe" for
 * the listed numbers and about one other value in a thousand, and holds no number.
 */

const decoded = new WeakMap();

function bitsOf(filter) {
  let bytes = decoded.get(filter);
  if (!bytes) {
    bytes = Uint8Array.from(atob(filter.bits || ""), (c) => c.charCodeAt(0));
    decoded.set(filter, bytes);
  }
  return bytes;
}

/** The k bits of one value: SHA-256 of "salt:kind:value", (h1 + i·h2) mod m, as the server. */
export async function positions(salt, kind, value, m, k) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${salt}:${kind}:${value}`));
  const view = new DataView(digest);
  const h1 = view.getUint32(0);
  const h2 = (view.getUint32(4) | 1) >>> 0;
  const out = [];
  for (let i = 0; i < k; i += 1) out.push((h1 + i * h2) % m);
  return out;
}

/** Whether the filter may hold ``value`` of ``kind`` ("phone", "id", "plate"), normalised. */
export async function mayHold(filter, kind, value) {
  if (!filter || !filter.m || !value) return false;
  const bits = bitsOf(filter);
  const found = await positions(filter.salt, kind, value, filter.m, filter.k);
  return found.every((i) => (bits[i >> 3] & (1 << (i & 7))) !== 0);
}
