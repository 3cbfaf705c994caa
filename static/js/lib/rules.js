/**
 * A form checked with the server's own rules before it is saved, so a guard sees a
 * mistake while the visitor is still at the window, not hours later at sync.
 *
 * The lengths, required fields, vocabularies and messages come from ``/m/rules.json``
 * (``sync/form_rules.py`` reads them off the schemas the server validates with; the worker
 * precaches it). The two checks a schema makes in code are repeated here: the shape of a
 * ``format`` and the ID number rule of ``sync.schemas.id_number_problem`` with the GB 11643
 * check character; ``tests/fixtures/id_number_cases.json`` holds both to the same answers.
 */
import { t } from "./i18n.js";

let loading = null;

/** The rules, fetched once (from the worker's cache when offline); ``null`` if unreadable. */
export async function formRules() {
  if (!loading) {
    loading = fetch("/m/rules.json").then((r) => (r.ok ? r.json() : null)).catch(() => null);
  }
  const found = await loading;
  if (!found) loading = null;
  return found;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS = "10X98765432";
const EIGHTEEN = /^[0-9]{17}[0-9X]$/;

export function checkCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECKS[sum % 11];
}

export function hasCheck(value) {
  return EIGHTEEN.test(String(value).toUpperCase());
}

export function checkHolds(value) {
  const upper = String(value).toUpperCase();
  return hasCheck(upper) && checkCharacter(upper.slice(0, 17)) === upper[17];
}

function matches(pattern, value) {
  return new RegExp(`^(?:${pattern})$`, "u").test(value);
}

/** What is wrong with a document number for the kind chosen (an English msgid), if anything. */
export function idNumberProblem(rules, kind, number) {
  if (!number) return null;
  const words = rules.id_number;
  if (kind === "none") return words.with_no_document;
  if (hasCheck(number)) return checkHolds(number) ? null : words.check_failed;
  if (kind === "resident") return words.not_resident;
  const shape = rules.formats.id_number;
  return matches(shape.pattern, number) ? null : shape.message;
}

function blank(value) {
  return value === undefined || value === null || (typeof value === "string" && !value.trim());
}

function fieldProblem(rule, value, rules) {
  if (blank(value)) return rule.required ? rule.required_message : null;
  switch (rule.kind) {
    case "text": {
      const text = String(value).trim();
      // Characters as the server counts them: code points, not UTF-16 units.
      if ([...text].length > rule.max) return { msgid: rule.too_long, max: rule.max };
      if (rule.format && rule.format !== "id_number") {
        const shape = rules.formats[rule.format];
        if (shape && !matches(shape.pattern, text)) return shape.message;
      }
      return null;
    }
    case "choice":
      return rule.choices.includes(value) ? null : rule.message;
    case "count":
      return Number.isInteger(value) && value >= rule.low && value <= rule.high ? null : rule.message;
    case "quantity": {
      const number = Number(value);
      return Number.isFinite(number) && number >= 0 && number <= Number(rule.max) ? null : rule.message;
    }
    case "yesno":
      return typeof value === "boolean" ? null : rule.message;
    case "people":
      return Array.isArray(value) && value.length >= rule.min && value.length <= rule.max ? null : rule.message;
    case "photos":
      return Array.isArray(value) && value.length <= rule.max ? null : rule.message;
    default:
      return null;
  }
}

function say(problem) {
  if (problem && typeof problem === "object") {
    return `${t(problem.msgid)} ${t("At most %(count)s characters.", { count: problem.max })}`;
  }
  return t(problem);
}

/**
 * The mutation ``data`` of ``type`` checked as the server will: ``{field: message}``,
 * translated, empty when all is well. Without rules (never precached) nothing is
 * refused here; the server still checks at sync.
 */
export function check(rules, type, data) {
  const fields = rules && rules.types[type];
  if (!fields) return {};
  const errors = {};
  for (const [name, rule] of Object.entries(fields)) {
    const problem = fieldProblem(rule, data[name], rules);
    if (problem) errors[name] = say(problem);
  }
  if (fields.id_number && !errors.id_number) {
    const problem = idNumberProblem(rules, data.id_kind, blank(data.id_number) ? null : String(data.id_number).trim());
    if (problem) errors.id_number = t(problem);
  }
  return errors;
}

/** The longest text each field of ``type`` takes, for ``maxlength``. */
export function maxLengths(rules, type) {
  const fields = (rules && rules.types[type]) || {};
  return Object.fromEntries(Object.entries(fields).filter(([, r]) => r.kind === "text").map(([n, r]) => [n, r.max]));
}
