/**
 * The service worker's update flow: a new version installs and waits; the page offers
 * "new version – reload" and reloads only when the person taps it, with every half-filled
 * form saved as a draft first (and restored after the reload).
 */
import { t } from "../lib/i18n.js";
import { anyDirtyForm, saveAllDrafts } from "../lib/drafts.js";
import { h } from "./dom.js";

let reloading = false;

function offerUpdate(worker) {
  const banner = document.getElementById("banner");
  const button = h("button", { type: "button", class: "button small", id: "update-reload" }, t("Reload"));
  button.addEventListener("click", async () => {
    await saveAllDrafts();
    reloading = true;
    worker.postMessage({ type: "SKIP_WAITING" });
  });
  const text = anyDirtyForm()
    ? t("A new version is ready. What you have typed is kept when you reload.")
    : t("A new version is ready.");
  banner.replaceChildren(h("span", {}, text), button);
  banner.dataset.kind = "update";
  banner.hidden = false;
  document.body.dataset.update = "waiting";
}

export async function registerWorker() {
  if (!("serviceWorker" in navigator)) return null;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) window.location.reload();
  });
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/sw.js", { scope: "/m/", type: "module" });
  } catch (err) {
    return null;
  }
  const watch = (worker) => {
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  };
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  if (registration.installing) watch(registration.installing);
  registration.addEventListener("updatefound", () => watch(registration.installing));
  return registration;
}
