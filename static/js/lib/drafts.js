/**
 * Half-filled forms kept in IndexedDB as they are typed, so that a reload, an update or
 * a dead battery never costs a guard what they had entered. Sensitive fields (an ID
 * number) are never kept in a draft.
 */
import { db } from "./db.js";

const SKIP = new Set(["id_number"]);

export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || SKIP.has(el.name) || el.type === "file" || el.type === "submit") continue;
    if (el.type === "radio") {
      if (el.checked) values[el.name] = el.value;
    } else if (el.type === "checkbox") {
      values[el.name] = el.checked;
    } else {
      values[el.name] = el.value;
    }
  }
  return values;
}

export function isDirty(form) {
  return Object.entries(formValues(form)).some(([name, value]) => {
    const el = form.elements[name];
    const initial = el && el.dataset ? el.dataset.initial : undefined;
    return value !== "" && value !== false && value !== (initial ?? "");
  });
}

export async function saveDraft(key, form) {
  return (await db()).put("drafts", { values: formValues(form), saved_at: Date.now() }, key);
}

export async function loadDraft(key) {
  return (await db()).get("drafts", key);
}

export async function clearDraft(key) {
  return (await db()).delete("drafts", key);
}

/** Put saved values back into a form; returns whether anything was restored. */
export function fill(form, values) {
  let restored = false;
  for (const [name, value] of Object.entries(values || {})) {
    const el = form.elements[name];
    if (!el) continue;
    if (el instanceof RadioNodeList || (el.length && el[0] && el[0].type === "radio")) {
      for (const radio of el) radio.checked = radio.value === value;
      restored = restored || Boolean(value);
    } else if (el.type === "radio") {
      el.checked = el.value === value;
      restored = restored || el.checked;
    } else if (el.type === "checkbox") {
      el.checked = Boolean(value);
    } else {
      el.value = value;
      restored = restored || (value !== "" && value !== (el.dataset.initial ?? ""));
    }
  }
  return restored;
}

/** Save the form on every change; restore it now if a draft exists. */
export async function keepDraft(key, form) {
  form.dataset.draft = key;
  const draft = await loadDraft(key);
  const restored = draft ? fill(form, draft.values) : false;
  const save = () => saveDraft(key, form);
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  return restored;
}

/** Save every draft-kept form on the page now (before a reload). */
export async function saveAllDrafts() {
  const forms = [...document.querySelectorAll("form[data-draft]")];
  await Promise.all(forms.map((f) => saveDraft(f.dataset.draft, f)));
}

export function anyDirtyForm() {
  return [...document.querySelectorAll("form[data-draft]")].some(isDirty);
}
