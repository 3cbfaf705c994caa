/** The signed-in person's current site and its settings, from the reference cache. */
import { row } from "./refdata.js";
import { currentSite, currentUser } from "./session.js";

export const DEFAULT_SETTINGS = {
  gate_windows: [
    { start: "07:30", end: "08:30", posts: ["customer_service", "security"], team_lead: true },
    { start: "12:00", end: "13:00", posts: [], team_lead: true },
    { start: "18:00", end: "19:00", posts: ["customer_service", "security"], team_lead: true },
  ],
  visit_max_minutes: 240,
  stock_blind: true,
};

export function setting(site, key) {
  const own = site && ((site.settings && site.settings[key]) ?? site[key]);
  return own ?? DEFAULT_SETTINGS[key];
}

/** ``{user, siteId, site, tz}``; ``user`` is null when nobody is signed in. */
export async function context() {
  const user = await currentUser();
  if (!user) return { user: null };
  const siteId = await currentSite();
  const site = siteId ? await row("site", siteId) : null;
  return { user, siteId, site, tz: (site && site.timezone) || "Asia/Shanghai" };
}
