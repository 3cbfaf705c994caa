/**
 * The phone app's entry: language, worker, sync triggers, the header's badge, then the
 * screen named by ``<body data-screen>``.
 */
import { getMeta } from "./lib/db.js";
import { loadLocale, t, translateTree } from "./lib/i18n.js";
import { screensFor } from "./lib/screens.js";
import { currentUser, deviceId } from "./lib/session.js";
import { askPersistence } from "./lib/storage.js";
import { due, onSyncEvent, syncNow } from "./lib/sync.js";
import { refreshBadge, showAuthBanner, TITLES } from "./ui/chrome.js";
import { registerWorker } from "./ui/update.js";

const SYNC_EVERY_MS = 60 * 1000;

async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register("outbox");
  } catch (err) {
    // No Background Sync here: the timer and the "online" event cover it.
  }
}

function startSync() {
  const kick = async (reason, force = false) => {
    if (!navigator.onLine && !force) return;
    if (!force && !(await due())) return;
    await syncNow(reason);
  };
  window.addEventListener("online", () => { kick("online", true); refreshBadge(); });
  window.addEventListener("offline", () => refreshBadge());
  window.addEventListener("estate-recorded", () => {
    refreshBadge();
    requestBackgroundSync();
    kick("recorded");
  });
  setInterval(() => kick("timer"), SYNC_EVERY_MS);
  onSyncEvent((message) => {
    refreshBadge();
    if (message.type === "auth") showAuthBanner();
    if (message.type === "done") window.dispatchEvent(new CustomEvent("estate-synced"));
  });
  kick("open", true);
}

async function main() {
  const screen = document.body.dataset.screen;
  // The screen's modules load while the device id and the language are read: on a cold
  // start they are the longest wait, and nothing in them runs before show().
  const screenModule = import(`./features/${screen}.js`);
  await deviceId();
  await loadLocale();
  translateTree();
  document.getElementById("title").textContent = TITLES[screen]();
  document.title = `${TITLES[screen]()} · ${t("Estate Patrol")}`;
  const mine = screensFor(await currentUser());
  for (const link of document.querySelectorAll(".tabs a")) {
    if (link.dataset.screen === screen) link.setAttribute("aria-current", "page");
    // The screen open now keeps its tab, even one the person's post does not use.
    else if (!mine.includes(link.dataset.screen)) link.hidden = true;
  }
  registerWorker();
  if ((await getMeta("auth_state")) === "expired" && screen !== "login") showAuthBanner();
  refreshBadge();
  const module = await screenModule;
  await module.show();
  startSync();
  askPersistence();
}

main();
