/** Sign in (needs the network once); shows whose records wait on this phone. */
import { getMeta } from "../lib/db.js";
import { t } from "../lib/i18n.js";
import { ApiError, NetworkError } from "../lib/api.js";
import { waiting } from "../lib/outbox.js";
import { currentUser, enrolPost, signIn } from "../lib/session.js";
import { syncNow } from "../lib/sync.js";
import { field, h, notice, once, render } from "../ui/dom.js";

/** A gate post's shared phone registers with the code of the admin's QR (``#enrol=…``). */
function enrolForm() {
  const given = new URLSearchParams(window.location.hash.slice(1)).get("enrol") || "";
  const code = h("input", { name: "code", autocomplete: "off", autocapitalize: "characters", value: given,
    placeholder: "ABCD-EFGH-JKMN" });
  const message = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", id: "enrol-form", novalidate: true },
    h("h2", {}, t("A gate post's phone")),
    h("p", { class: "meta" }, t("Register this phone to its post with the QR code the administrator shows. Guards then start their shifts on it with their own PIN.")),
    field(t("Registration code"), code, { required: true }),
    message,
    h("button", { type: "submit", class: given ? "primary block" : "block" }, t("Register this phone")));
  form.addEventListener("submit", once(async () => {
    message.replaceChildren();
    if (!code.value.trim()) {
      message.append(notice(t("Scan the post's QR code, or type its code."), "error"));
      return;
    }
    try {
      await enrolPost(code.value.trim());
    } catch (err) {
      let text = t("Could not register the phone. Please try again.");
      if (err instanceof NetworkError) text = t("No network: registering needs the network once.");
      else if (err instanceof ApiError && err.status === 401) text = t("This code is not valid: it was used, or it is more than a day old. Ask for a new one.");
      message.append(notice(text, "error"));
      return;
    }
    message.append(notice(t("Registered. Syncing…"), "ok"));
    await syncNow("enrol");
    window.location.assign("/m/");
  }));
  return form;
}

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
    new URLSearchParams(window.location.hash.slice(1)).get("enrol") ? null : form,
    enrolForm(),
    waits.length ? h("section", { class: "card" }, h("h2", {}, t("Waiting on this phone")), h("ul", {}, waits)) : null,
  );
}
