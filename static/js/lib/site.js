/** The signed-in person's current site and its settings, from the reference cache. */
import { row } from "./refdata.js";
import { currentSite, currentUser, isPost, recorder } from "./session.js";

export const DEFAULT_SETTINGS = {
  gate_windows: [
    { start: "07:30", end: "08:30", posts: ["customer_service", "security"], team_lead: true },
    { start: "12:00", end: "13:00", posts: [], team_lead: true },
    { start: "18:00", end: "19:00", posts: ["customer_service", "security"], team_lead: true },
  ],
  visit_max_minutes: 240,
  stock_blind: true,
  // Attendance (sync/attendance_rules.py DEFAULTS)
  sign_in_by: "08:20",
  sign_out_after_winter: "17:30",
  sign_out_after_summer: "18:00",
  summer_months: [5, 6, 7, 8, 9],
  // Meetings (sync/meeting_rules.py DEFAULTS)
  morning_meeting_start: "08:20",
  morning_meeting_end: "08:30",
  weekly_meeting_weekday: 1,
};

export function setting(site, key) {
  const own = site && ((site.settings && site.settings[key]) ?? site[key]);
  return own ?? DEFAULT_SETTINGS[key];
}

/**
 * ``{user, post, siteId, site, tz}``: ``user`` is who records (on a post's phone, the
 * person on shift), null when nobody is signed in or on shift; ``post`` is the post.
 */
export async function context() {
  const signedIn = await currentUser();
  if (!signedIn) return { user: null, post: null };
  const post = isPost(signedIn) ? signedIn : null;
  const user = post ? await recorder() : signedIn;
  const siteId = await currentSite();
  const site = siteId ? await row("site", siteId) : null;
  return { user, post, siteId, site, tz: (site && site.timezone) || "Asia/Shanghai" };
}
