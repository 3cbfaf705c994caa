/** The header shared by every screen: its title and the sync badge (waiting count). */
import { all, getMeta } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { waiting } from "../lib/outbox.js";
import { state } from "../lib/sync.js";
import { h } from "./dom.js";

export const TITLES = {
  home: () => t("Estate Patrol"),
  login: () => t("Sign in"),
  patrol: () => t("Patrol"),
  gate: () => t("Gate"),
  stock: () => t("Stock check"),
  complaints: () => t("Complaints"),
  repairs: () => t("Repair orders"),
  followups: () => t("My follow-ups"),
  sync: () => t("Sync"),
  notifications: () => t("Notifications"),
};

export async function refreshBadge() {
  const badge = document.getElementById("sync-badge");
  const text = document.getElementById("sync-badge-text");
  if (!badge) return;
  const [w, s, auth, refused] = await Promise.all([waiting(), state(), getMeta("auth_state"), all("attention")]);
  let kind = "ok";
  let label = t("Synced");
  if (w.total) {
    kind = "waiting";
    label = t("%(count)s waiting", { count: w.total });
  }
  if (!navigator.onLine) kind = "offline";
  if (s.last_error && w.total) kind = "error";
  if (auth === "expired") kind = "error";
  // Never "synced" in green while a refused record waits for someone to mend it.
  if (refused.length) {
    kind = "error";
    label = t("%(count)s need attention", { count: refused.length });
  }
  badge.dataset.state = kind;
  badge.dataset.waiting = String(w.total);
  text.textContent = label;
  badge.setAttribute("aria-label", `${t("Sync")}: ${label}`);
}

export function showAuthBanner() {
  const banner = document.getElementById("banner");
  if (document.body.dataset.screen === "login") return;
  banner.replaceChildren(
    h("span", {}, t("Your sign-in has expired. Your records are kept on the phone.")),
    h("a", { class: "button small", href: "/m/login" }, t("Sign in again")));
  banner.dataset.kind = "error";
  banner.hidden = false;
}
