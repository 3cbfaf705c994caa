/** Sign in (needs the network once); shows whose records wait on this phone. */
import { getMeta } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { ApiError, NetworkError } from "../lib/api.js";
import { waiting } from "../lib/outbox.js";
import { currentUser, signIn } from "../lib/session.js";
import { syncNow } from "../lib/sync.js";
import { field, h, notice, once, render } from "../ui/dom.js";

export async function show() {
  const user = await currentUser();
  const expired = (await getMeta("auth_state")) === "expired";
  const username = h("input", { name: "username", autocomplete: "username", autocapitalize: "none",
    required: true, value: user && expired ? user.username : "" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const message = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", id: "login-form", novalidate: true },
    field(t("Username"), username, { required: true }),
    field(t("Password"), password, { required: true }),
    message,
    h("button", { type: "submit", class: "primary block" }, t("Sign in")));
  form.addEventListener("submit", once(async () => {
    message.replaceChildren();
    if (!username.value.trim() || !password.value) {
      message.append(notice(t("Enter your username and password."), "error"));
      return;
    }
    try {
      await signIn(username.value.trim(), password.value);
    } catch (err) {
      let text = t("Could not sign in. Please try again.");
      if (err instanceof NetworkError) text = t("No network: signing in needs the network once. Your records stay on the phone.");
      else if (err instanceof ApiError && err.status === 401) text = t("Wrong username or password.");
      else if (err instanceof ApiError && err.status === 429) text = t("Too many attempts. Please wait and try again.");
      message.append(notice(text, "error"));
      return;
    }
    message.append(notice(t("Signed in. Syncing…"), "ok"));
    await syncNow("sign-in");
    window.location.assign("/m/");
  }));
  const w = await waiting();
  const users = await getMeta("users", {});
  const waits = Object.entries(w.byUser).map(([id, n]) =>
    h("li", {}, t("%(count)s records of %(name)s wait for them to sign in.",
      { count: n, name: (users[id] || {}).display_name || "?" })));
  render(
    expired ? notice(t("Your sign-in has expired. Sign in again to send what you recorded."), "warn") : null,
    user && !expired ? notice(t("Signed in as %(name)s.", { name: user.display_name }), "ok") : null,
    form,
    waits.length ? h("section", { class: "card" }, h("h2", {}, t("Waiting on this phone")), h("ul", {}, waits)) : null,
  );
}
