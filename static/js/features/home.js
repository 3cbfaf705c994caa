/** The start screen: who is signed in, which site, and a big tile for each job. */
import { all, getMeta, setMeta } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { waiting } from "../lib/outbox.js";
import { rows } from "../lib/refdata.js";
import { screensFor } from "../lib/screens.js";
import { currentSite, currentUser, isPost } from "../lib/session.js";
import { h, render, signInFirst } from "../ui/dom.js";
import { attendanceCard, worklogCard } from "./attendance.js";
import { inspectionCard } from "./inspections.js";
import { reportCard } from "./reports.js";
import { meetingCard } from "./meetings.js";
import { unreadCount } from "./notifications.js";

function tile(href, title, detail) {
  return h("a", { class: "tile", href }, h("strong", {}, title), h("span", { class: "meta" }, detail));
}

/** What the header's badge says, in words: everyone's records on this phone count. */
function syncLine(waitingCount, refusedCount) {
  if (refusedCount) return t("%(count)s need attention", { count: refusedCount });
  if (waitingCount) return t("%(count)s waiting", { count: waitingCount });
  return t("Everything is synced");
}

export async function show() {
  const user = await currentUser();
  if (!user) {
    render(signInFirst());
    return;
  }
  if (isPost(user)) {
    const { postHome } = await import("./post.js");
    const siteId = await currentSite();
    const site = (await rows("site")).find((s) => s.id === siteId);
    render(h("section", { class: "card" }, h("strong", {}, user.display_name), " ",
      h("span", { class: "meta" }, site ? site.name : "")),
    await postHome(user, siteId, (site && site.timezone) || "Asia/Shanghai", show));
    return;
  }
  const siteId = await currentSite();
  const sites = (await rows("site")).filter((s) => user.site_ids.includes(s.id));
  const [w, refused, unread] = await Promise.all([waiting(), all("attention"), unreadCount()]);
  const mine = screensFor(user);
  const picker = sites.length > 1
    ? h("select", { id: "site-pick", "aria-label": t("Site"),
      onchange: async (e) => { await setMeta("site_id", e.target.value); window.location.reload(); } },
      sites.map((s) => h("option", { value: s.id, selected: s.id === siteId }, s.name)))
    : null;
  const site = sites.find((s) => s.id === siteId);
  const tz = (site && site.timezone) || "Asia/Shanghai";
  const day = site ? await Promise.all([attendanceCard(user, siteId, site, tz, show), worklogCard(user, siteId, tz, show),
    inspectionCard(user, siteId, tz, show), reportCard(user, siteId, tz, show), meetingCard(user, siteId, tz, show)])
    : [];
  render(
    h("section", { class: "card" },
      h("p", {}, t("Hello, %(name)s", { name: user.display_name })),
      picker || h("p", { class: "meta" }, site ? site.name : t("Site data will appear after the first sync."))),
    day[0] || null,
    day[4] || null,
    h("div", { class: "tiles" },
      [["patrol", t("Patrol"), t("Scan checkpoints, record findings")],
        ["gate", t("Gate"), t("Register visitors")],
        ["stock", t("Stock check"), t("Count the store")],
        ["complaints", t("Complaints"), t("Take down, contact, reply")],
        ["repairs", t("Repair orders"), t("Record repairs and owners' sign-off")],
        ["followups", t("My follow-ups"), t("Due clocks and notes")]]
        .filter(([screen]) => mine.includes(screen))
        .map(([screen, title, detail]) => tile(`/m/${screen}`, title, detail)),
      tile("/m/notifications", t("Notifications"),
        unread ? t("%(count)s unread", { count: unread }) : t("Follow-ups, deadlines, escalations"))),
    h("a", { class: refused.length ? "button block danger" : "button block", href: "/m/sync", id: "home-sync",
      style: "margin-top:.8rem" }, syncLine(w.total, refused.length)),
    day[1] || null,
    day[2] || null,
    day[3] || null,
  );
  await getMeta("sync_state");
}
