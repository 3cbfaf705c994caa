/**
 * The phone's strings, from the server's catalogues (cached by the worker).
 *
 * Msgids are English, as in the Python code; a call of ``t`` with a literal marks them so the server
 * can list them and check each has its Chinese translation.
 */
import { getMeta, setMeta } from "./db.js";

let messages = {};
let locale = "zh_CN";

export function t(msgid, params) {
  let text = messages[msgid] || msgid;
  if (params) {
    text = text.replace(/%\((\w+)\)s/g, (_, name) => (name in params ? String(params[name]) : ""));
  }
  return text;
}

export function currentLocale() {
  return locale;
}

export async function loadLocale() {
  locale = await getMeta("locale", "zh_CN");
  try {
    const response = await fetch(`/m/i18n/${locale}.json`);
    if (response.ok) messages = (await response.json()).messages;
  } catch (err) {
    messages = {};
  }
  document.documentElement.lang = locale === "zh_CN" ? "zh-CN" : "en";
  return locale;
}

export async function setLocale(code) {
  await setMeta("locale", code);
  return loadLocale();
}

/** Translate the shell's marked elements: ``data-t`` text, ``data-t-<attr>`` attributes. */
export function translateTree(root = document) {
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("*")) {
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith("data-t-")) el.setAttribute(attr.slice(7), t(el.getAttribute(attr)));
    }
  }
}
