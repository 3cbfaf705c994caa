/**
 * My notifications (通知): what the server told me (a follow-up given to me, one due or
 * overdue, an escalation, a collective complaint, a watch-list match), newest first.
 * Fetched when there is a network; the last list is kept on the phone so that it can be
 * read offline, and is forgotten when the person signs out.
 */
import { request } from "../lib/api.js";
import { getMeta, setMeta } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { currentUser } from "../lib/session.js";
import { dateTime } from "../lib/util.js";
import { h, notice, once, render, signInFirst, toast } from "../ui/dom.js";

const KEY = "notifications";

/** The server's list, kept for offline reading; ``null`` when it cannot be reached. */
export async function fetchNotices() {
  const token = await getMeta("token");
  if (!token || !navigator.onLine) return null;
  try {
    const body = await request("/api/v1/notifications", { token });
    const kept = { ...body, fetched_at: new Date().toISOString() };
    await setMeta(KEY, kept);
    return kept;
  } catch (err) {
    return null;
  }
}

/** The unread count as the phone last heard it (no network needed). */
export async function unreadCount() {
  const kept = await getMeta(KEY, null);
  return kept ? kept.unread : 0;
}

function urlKey(text) {
  const raw = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * "Also alert me on this phone" (Web Push), offered only where the browser can and the
 * server has a key; most phones here cannot, and the list above is what counts.
 */
async function pushControl(again) {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !navigator.onLine) return null;
  const token = await getMeta("token");
  let key;
  try {
    key = (await request("/api/v1/push/key", { token })).public_key;
  } catch (err) {
    return null;
  }
  if (!key) return null;
  const registration = await navigator.serviceWorker.ready;
  const current = await registration.pushManager.getSubscription();
  const on = Boolean(current) && (await getMeta("push_on", false));
  const turn = once(async () => {
    try {
      if (on) {
        await request("/api/v1/push/subscription", { method: "DELETE", token });
        if (current) await current.unsubscribe();
        await setMeta("push_on", false);
      } else {
        if ((await Notification.requestPermission()) !== "granted") {
          toast(t("Alerts are blocked for this app in the phone's settings."), "error");
          return;
        }
        const subscription = current || await registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: urlKey(key) });
        await request("/api/v1/push/subscription", { method: "PUT", token, json: subscription.toJSON() });
        await setMeta("push_on", true);
      }
    } catch (err) {
      toast(t("Not now: try again with a network."), "error");
      return;
    }
    await again();
  });
  return h("button", { type: "button", class: "block", id: "push-toggle", onclick: turn },
    on ? t("Stop alerts on this phone") : t("Also alert me on this phone"));
}

function item(n) {
  return h("li", { class: `notice-item${n.read ? "" : " unread"}`, "data-id": n.id, "data-event": n.event },
    h("strong", {}, n.title),
    h("span", { class: "meta" }, `${n.site} · ${n.at_text}`),
    h("p", {}, n.text),
    n.link ? h("a", { href: n.link }, t("Open the record")) : null);
}

export async function show() {
  const user = await currentUser();
  if (!user) {
    render(signInFirst());
    return;
  }
  const fresh = await fetchNotices();
  const kept = fresh || (await getMeta(KEY, null));
  const list = (kept && kept.notifications) || [];
  const stale = !fresh && kept
    ? notice(t("Offline: the list as of %(at)s.", { at: dateTime(new Date(kept.fetched_at)) }))
    : null;
  const markRead = h("button", { type: "button", class: "block", id: "notices-read",
    onclick: once(async () => {
      try {
        await request("/api/v1/notifications/read", { method: "POST", token: await getMeta("token") });
      } catch (err) {
        toast(t("Not now: try again with a network."), "error");
        return;
      }
      await show();
    }) }, t("Mark all read"));
  render(
    stale,
    kept ? null : notice(t("Your notifications appear here after the first time online.")),
    list.length
      ? h("ul", { class: "notice-list", id: "notices" }, list.map(item))
      : kept ? notice(t("Nothing yet: follow-ups given to you, escalations and deadlines will be listed here.")) : null,
    list.some((n) => !n.read) && navigator.onLine ? markRead : null,
    await pushControl(show),
  );
}
