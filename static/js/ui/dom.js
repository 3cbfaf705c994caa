/** A tiny element builder and the few widgets every screen shares. */
import { t } from "../lib/i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value") el.value = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function screenRoot() {
  return document.getElementById("screen");
}

let pendingToast = null;

export function render(...children) {
  const root = screenRoot();
  root.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  if (pendingToast) {
    toast(...pendingToast);
    pendingToast = null;
  }
  return root;
}

/** A toast shown once the screen has been drawn again: "saved" appears with what was saved. */
export function toastAfterRender(message, kind = "ok") {
  pendingToast = [message, kind];
}

let toastTimer = null;

export function toast(message, kind = "ok") {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

/**
 * A submit handler that runs once per press: a double tap on the button records once.
 * The button stays disabled until the handler has finished.
 */
export function once(handler) {
  let busy = false;
  return async (event) => {
    if (event) event.preventDefault();
    if (busy) return;
    busy = true;
    const button = event && (event.submitter || event.currentTarget);
    const buttons = event && event.currentTarget && event.currentTarget.querySelectorAll
      ? [...event.currentTarget.querySelectorAll("button[type=submit]")] : [];
    if (button && button.tagName === "BUTTON") buttons.push(button);
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await handler(event);
    } catch (err) {
      // Say so loudly: a guard must never believe something is saved when it is not.
      const full = err && err.name === "QuotaExceededError";
      toast(full ? t("The phone's storage is full: this was NOT saved. Sync, then try again.")
        : t("This was NOT saved: %(error)s", { error: (err && err.message) || String(err) }), "error");
      console.error(err);
    } finally {
      busy = false;
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
}

/**
 * Redraw a screen after a save, inside the save's ``once``: the filled form is replaced
 * before the button works again, so a second tap cannot record it twice. A failure to
 * redraw is not a failure to save, so it is logged rather than shown as "not saved".
 */
export async function rerender(show) {
  try {
    await show();
  } catch (err) {
    console.error(err);
  }
}

/** A field with its visible label; ``input`` is any control. */
export function field(labelText, input, { hint, required } = {}) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h("div", { class: "field" },
    h("label", { for: id }, labelText, required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    input,
    hint ? h("p", { class: "hint" }, hint) : null);
}

/**
 * A row of single-choice chips backed by radio buttons (large, one tap each). ``prefix``
 * keeps the ids apart where a screen shows the same chips more than once.
 */
export function chips(name, options, { value = null, legend, onchange, prefix = "" } = {}) {
  const set = h("fieldset", { class: "chips" }, h("legend", {}, legend));
  for (const [val, text] of options) {
    const id = `${prefix}${name}-${val}`;
    const input = h("input", { type: "radio", name, id, value: val, checked: val === value });
    if (onchange) input.addEventListener("change", () => onchange(val));
    set.append(input, h("label", { for: id }, text));
  }
  return set;
}

export function chipValue(form, name) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : null;
}

export function notice(text, kind = "info") {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : null }, text);
}

/** Take away the messages ``showErrors`` put beside a form's fields. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error")) el.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
}

/**
 * Each message beside its field (``{name: message}``, names of the form's controls), the
 * field marked, and the first of them in the form scrolled to and focused, so that a
 * guard with the keyboard open sees what to fix. Messages whose field the form does not
 * show go to ``rest`` (an element) instead. Returns whether there was anything to show.
 */
function unmark(box, id, controls) {
  box.querySelector(`#${CSS.escape(id)}`)?.remove();
  for (const el of controls) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
}

export function showErrors(form, errors, rest = null) {
  clearErrors(form);
  let first = null;
  const elsewhere = [];
  for (const [name, message] of Object.entries(errors || {})) {
    const control = form.querySelector(`[name="${name}"]`);
    const box = control && (control.closest(".field") || control.closest("fieldset"));
    if (!box) {
      elsewhere.push(message);
      continue;
    }
    const id = `error-${name}`;
    box.append(h("p", { class: "field-error", id, role: "alert" }, message));
    const marked = [...box.querySelectorAll(`[name="${name}"]`)];
    for (const el of marked) {
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", id);
      // Once the field is changed the message no longer speaks of it: it goes at once,
      // and the next save says again what still holds.
      el.addEventListener("input", () => unmark(box, id, marked), { once: true });
    }
    if (!first || (first.compareDocumentPosition(control) & Node.DOCUMENT_POSITION_PRECEDING)) first = control;
  }
  if (rest) rest.replaceChildren(...elsewhere.map((m) => notice(m, "error")));
  if (first) {
    const box = first.closest(".field") || first.closest("fieldset");
    box.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  } else if (elsewhere.length && rest) {
    rest.scrollIntoView({ block: "center" });
  }
  return Boolean(first || elsewhere.length);
}

export function emptyState(text) {
  return h("p", { class: "empty" }, text);
}

/** On a post's phone between shifts: nothing is recorded until someone starts one. */
export function shiftFirst() {
  return h("section", { class: "card", id: "shift-first" },
    h("p", {}, t("Nobody is on shift on this phone. Start a shift first.")),
    h("a", { class: "button primary", href: "/m/" }, t("Start a shift")));
}

export function signInFirst() {
  return h("section", { class: "card" },
    h("p", {}, t("Please sign in first.")),
    h("a", { class: "button primary", href: "/m/login" }, t("Sign in")));
}
