/** Who is inside now at a site: this phone's own visits and those pulled from the server. */
import { all } from "./db.js";
import { rows } from "./refdata.js";

export async function insideNow(siteId) {
  const local = (await all("records")).filter((r) => r.kind === "visit" && r.site_id === siteId);
  const localIds = new Set(local.map((r) => r.id));
  const server = (await rows("visit", siteId)).filter((r) => !localIds.has(r.id))
    .map((r) => ({ ...r, kind: "visit", from_server: true }));
  return [...local, ...server]
    .filter((v) => v.checked_in_at && !v.checked_out_at)
    .sort((a, b) => Date.parse(a.checked_in_at) - Date.parse(b.checked_in_at));
}
