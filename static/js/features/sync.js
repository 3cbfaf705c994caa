/** The sync screen: what waits, when the last sync worked, what needs attention, who is in. */
import { ApiError, request } from "../lib/api.js";
import { all, getMeta } from "../lib/db.js";
import { currentLocale, setLocale, t } from "../lib/i18n.js";
import { discardAttention, recordAgain, waiting } from "../lib/outbox.js";
import { currentUser, isPost, signOut } from "../lib/session.js";
import { estimate, formatBytes } from "../lib/storage.js";
import { state, syncNow } from "../lib/sync.js";
import { PIN_SHAPE, SHIFT_ROLES } from "../lib/pins.js";
import { check, formRules } from "../lib/rules.js";
import { rows } from "../lib/refdata.js";
import { dateTime } from "../lib/util.js";
import { choiceName, fieldLabel } from "../lib/words.js";
import { field, h, notice, once, render, showErrors, toast, toastAfterRender } from "../ui/dom.js";
import { refreshBadge } from "../ui/chrome.js";

export const TYPE_NAMES = {
  "patrol.start": () => t("Patrol started"),
  "patrol.checkpoint": () => t("Checkpoint visited"),
  "patrol.finding": () => t("Finding"),
  "patrol.end": () => t("Patrol ended"),
  "visit.check_in": () => t("Visitor in"),
  "visit.check_out": () => t("Visitor out"),
  "visit.flag": () => t("Suspicious person"),
  "stock.check_start": () => t("Stock check started"),
  "stock.count": () => t("Count"),
  "stock.check_finish": () => t("Stock check finished"),
  "followup.update": () => t("Follow-up update"),
  "complaint.create": () => t("Complaint"),
  "complaint.reply": () => t("Contact or reply"),
  "complaint.classify": () => t("Complaint class"),
};

function errorText(kind) {
  if (!kind) return null;
  if (kind === "network") return t("No network or the server did not answer in time.");
  if (kind === "unauthorized") return t("Your sign-in has expired. Sign in again to send what you recorded.");
  if (kind.startsWith("http_5")) return t("The server had a problem. The phone will try again.");
  return t("The last sync did not work. The phone will try again.");
}

// Numbers the phone keeps only masked once refused: typed again, or left out.
const RETYPED = new Set(["phone", "id_number"]);

/** A reference shown as what it names: the site by its name, never a bare id. */
function referenceText(name, value, sites) {
  if (name === "site_id") {
    const site = sites.find((s) => s.id === value);
    return site ? site.name : null;
  }
  return null;
}

/**
 * A refused record as the form it was filled in: Chinese labels, values as the guard
 * chose them (a purpose by its name, the site by its name), the server's reason beside
 * its field, ids kept out of sight. Numbers are held only masked, so they are typed again.
 */
function attentionItem(item, user, rules, sites) {
  const fields = (rules && rules.types[item.type]) || {};
  const errors = item.errors || {};
  const controls = [];
  const facts = [];
  const inputs = {};
  for (const [name, value] of Object.entries(item.data)) {
    const rule = fields[name];
    const label = fieldLabel(name);
    const reason = [].concat(errors[name] || []).join(" ");
    if (!rule || !label) {
      const shown = referenceText(name, value, sites);
      if (shown) facts.push(h("p", { class: "meta" }, shown));
      continue;
    }
    let input;
    if (rule.kind === "choice") {
      input = h("select", { name }, h("option", { value: "" }, "—"),
        rule.choices.map((code) => h("option", { value: code, selected: code === value }, choiceName(name, code))));
    } else if (RETYPED.has(name)) {
      input = h("input", { name, value: "", placeholder: value || "", autocomplete: "off" });
    } else if (rule.kind === "text" || rule.kind === "count" || rule.kind === "quantity") {
      input = h("input", { name, value: value ?? "", maxlength: rule.max && rule.kind === "text" ? rule.max : null,
        inputmode: rule.kind === "text" ? null : "decimal", autocomplete: "off" });
    } else {
      continue;
    }
    inputs[name] = { input, rule, value };
    controls.push(h("div", { class: "field" },
      h("label", {}, label, input),
      RETYPED.has(name) && value ? h("p", { class: "hint" }, t("Type the number again, or leave it empty to send the record without it.")) : null,
      reason ? h("p", { class: "field-error" }, reason) : null));
  }
  const shownErrors = new Set(Object.keys(inputs));
  const other = Object.entries(errors).filter(([name]) => !shownErrors.has(name))
    .map(([name, messages]) => notice([fieldLabel(name), [].concat(messages).join(" ")].filter(Boolean).join(t(": ")), "error"));
  // A permit the server refused cannot be mended on the phone: the record goes again without it.
  if (errors.permit_id) other.push(h("p", { class: "hint" }, t("Recorded again, it is sent without the permit.")));
  const rest = h("div", {}, other);
  const form = h("form", { class: "fix", novalidate: true }, facts, rest, controls,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("Record again")),
      h("button", { type: "button", class: "danger", onclick: async () => {
        if (!window.confirm(t("Discard this record for good?"))) return;
        await discardAttention(item.id);
        show();
      } }, t("Discard"))));
  form.addEventListener("submit", once(async () => {
    const data = { ...item.data };
    if (errors.permit_id) delete data.permit_id;
    for (const [name, { input, rule }] of Object.entries(inputs)) {
      const raw = input.value.trim();
      if (RETYPED.has(name) && !raw) delete data[name];
      else if (raw === "") data[name] = null;
      else if (rule.kind === "count") data[name] = Number.isNaN(Number(raw)) ? raw : Number(raw);
      else data[name] = raw;
    }
    const problems = check(rules, item.type, data);
    if (showErrors(form, problems, rest)) return;
    await recordAgain(item.id, data);
    window.dispatchEvent(new Event("estate-recorded"));
    toastAfterRender(t("Saved. It will be sent again."));
    show();
  }));
  // On a post's phone the person on shift mends it, in their own name.
  const mine = item.user_id === user.id || isPost(user);
  return h("li", { class: "attention" },
    h("strong", {}, (TYPE_NAMES[item.type] || (() => item.type))()),
    h("div", { class: "meta" }, dateTime(new Date(item.at))),
    mine ? form : [facts, other,
      h("p", { class: "meta" }, t("Recorded by someone else; they can fix it after signing in."))]);
}

/** A fix or a PIN is being typed: a redraw now would throw the typing away. */
function editing() {
  return document.querySelector("form.fix:focus-within, #pin-form:focus-within") !== null;
}

/**
 * Draw the screen. ``keepEdits``: a redraw nobody asked for (a sync ended) gives way to a
 * fix being typed, checked when the new screen is ready to replace the old one, since the
 * guard may start typing while it is being read from the phone's database.
 */
export async function show({ keepEdits = false } = {}) {
  if (!keepEdits) keptPinForm = null;
  const user = await currentUser();
  const [w, s, users, attention, space, auth, photos, rules, sites] = await Promise.all([
    waiting(), state(), getMeta("users", {}), all("attention"), estimate(), getMeta("auth_state"), all("photos"),
    formRules(), rows("site")]);
  const refused = photos.filter((p) => p.refused).length;
  // A post's phone sends everyone's records: none of them waits for a sign-in.
  const post = isPost(user);
  const mine = post ? w.total : user ? w.byUser[user.id] || 0 : 0;
  const others = post ? [] : Object.entries(w.byUser).filter(([id]) => !user || id !== user.id);
  const button = h("button", { type: "button", class: "primary block", id: "sync-now" }, t("Sync now"));
  button.addEventListener("click", once(async () => {
    const result = await syncNow("button");
    if (result.status === "ok") toast(t("Sync finished."));
    else if (result.status === "signed_out") toast(t("Please sign in first."), "error");
    else toast(errorText(result.error || result.status), "error");
    refreshBadge();
    show();
  }));
  const langButton = h("button", { type: "button", class: "small", id: "language" },
    currentLocale() === "zh_CN" ? "English" : "中文");
  langButton.addEventListener("click", async () => {
    await setLocale(currentLocale() === "zh_CN" ? "en" : "zh_CN");
    window.location.reload();
  });
  const signOutButton = h("button", { type: "button", class: "danger small", id: "sign-out" }, t("Sign out"));
  signOutButton.addEventListener("click", once(async () => {
    const message = w.total
      ? t("Records that are not yet sent stay on this phone. Sign out?")
      : t("Sign out?");
    if (!window.confirm(message)) return;
    await signOut();
    window.location.assign("/m/login");
  }));
  const mineAttention = attention.sort((a, b) => a.seq - b.seq);
  if (keepEdits && editing()) return;
  render(
    h("section", { class: "card" },
      h("div", { class: "row" },
        h("div", { class: "grow" },
          h("div", { class: "meta" }, t("Waiting to be sent")),
          h("div", { class: "stat", id: "waiting-count" }, String(mine))),
        h("div", { class: "grow" },
          h("div", { class: "meta" }, t("Last successful sync")),
          h("div", { id: "last-sync" }, s.last_success ? dateTime(new Date(s.last_success)) : t("Never")))),
      others.map(([id, n]) => notice(t("%(count)s records of %(name)s wait for them to sign in.",
        { count: n, name: (users[id] || {}).display_name || "?" }), "warn")),
      auth === "expired" ? h("a", { class: "button block", href: "/m/login" }, t("Sign in again")) : null,
      photos.length - refused ? h("p", { class: "meta", id: "photos-waiting" },
        t("%(count)s photos waiting to upload", { count: photos.length - refused })) : null,
      refused ? notice(t("%(count)s photos were refused by the server and stay on this phone.", { count: refused }), "warn") : null,
      s.last_error ? notice(errorText(s.last_error), "warn") : null,
      navigator.onLine ? null : notice(t("You are offline. Records are kept on the phone."), "info"),
      button),
    h("h2", {}, t("Needs attention"), " ", h("span", { class: attention.length ? "tag bad" : "tag" }, String(attention.length))),
    mineAttention.length
      ? h("ul", { class: "list", id: "attention" }, mineAttention.map((item) => attentionItem(item, user || {}, rules, sites)))
      : h("p", { class: "empty" }, t("Nothing needs attention.")),
    h("h2", {}, t("This phone")),
    h("section", { class: "card" },
      h("dl", { class: "kv" },
        h("dt", {}, t("Signed in")), h("dd", { id: "who" }, user ? `${user.display_name} (${user.username})` : t("Nobody")),
        h("dt", {}, t("Storage used")), h("dd", { id: "storage" },
          `${formatBytes(space.usage)} / ${formatBytes(space.quota)}`),
        h("dt", {}, t("Storage kept")), h("dd", {}, space.persisted ? t("Yes") : t("When space runs short the browser may clear it")),
      ),
      h("div", { class: "actions" }, langButton, user ? signOutButton : h("a", { class: "button small", href: "/m/login" }, t("Sign in")))),
    user && SHIFT_ROLES.includes(user.role) ? pinForm(user) : null,
  );
}

let keptPinForm = null;

/**
 * One's own shift PIN for the gate posts' shared phones: needs the network and the password.
 * The same form is put back by a redraw nobody asked for (a sync ending while the answer is awaited), so
 * what was typed and what the server said stay on screen.
 */
function pinForm(user) {
  if (keptPinForm && keptPinForm.dataset.user === String(user.id)) return keptPinForm;
  keptPinForm = newPinForm(user);
  return keptPinForm;
}

function newPinForm(user) {
  const pin = h("input", { name: "pin", type: "password", inputmode: "numeric", autocomplete: "off", maxlength: "6" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password" });
  const message = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", id: "pin-form", novalidate: true, "data-user": user.id },
    h("h2", {}, t("My shift PIN")),
    h("p", { class: "meta" }, t("For the gate posts' shared phones: 4 to 6 digits. The post phones learn it at their next sync.")),
    field(t("New PIN"), pin, { required: true }),
    field(t("Your password"), password, { required: true }),
    message,
    h("button", { type: "submit", class: "block" }, t("Set my PIN")));
  form.addEventListener("submit", once(async () => {
    message.replaceChildren();
    const errors = {};
    if (!PIN_SHAPE.test(pin.value)) errors.pin = t("A PIN is 4 to 6 digits.");
    if (!password.value) errors.password = t("Enter your password.");
    if (showErrors(form, errors, message)) return;
    try {
      await request("/api/v1/session/pin", { method: "PUT", token: await getMeta("token"),
        json: { pin: pin.value, password: password.value } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        showErrors(form, Object.fromEntries(Object.entries(err.details).map(([k, v]) => [k, [].concat(v).join(" ")])), message);
      } else {
        message.append(notice(t("No network: setting a PIN needs the network."), "error"));
      }
      return;
    }
    pin.value = "";
    password.value = "";
    message.append(notice(t("Your shift PIN is set."), "ok"));
  }));
  return form;
}

window.addEventListener("estate-synced", () => {
  if (document.body.dataset.screen === "sync" && !editing()) show({ keepEdits: true });
});
