/**
 * The words the screens use for what a mutation holds: its vocabularies (purposes,
 * documents, categories, severities) and its fields, so that a record shown again (in
 * "needs attention") reads as the form it was filled in, not as raw field names.
 */
import { t } from "./i18n.js";

export const PURPOSES = () => [
  ["delivery", t("Delivery")],
  ["visit", t("Visit")],
  ["contractor", t("Contractor")],
  ["decoration", t("Decoration")],
  ["housekeeping", t("Housekeeping")],
  ["other", t("Other")],
];

export const ID_KINDS = () => [
  ["resident", t("Resident ID card")],
  ["other", t("Other document")],
  ["none", t("No document")],
];

export const CATEGORIES = () => [
  ["security", t("Security")], ["cleaning", t("Cleaning")], ["repair", t("Repairs")],
  ["greenery", t("Greenery")], ["fire", t("Fire safety")], ["parking", t("Parking")], ["other", t("Other")],
];

export const SEVERITIES = () => [["low", t("Low")], ["medium", t("Medium")], ["high", t("High")]];

export const CHANNELS = () => [
  ["in_person", t("In person")], ["phone", t("By phone")], ["hotline", t("24-hour hotline")],
  ["written", t("In writing")], ["email", t("By email")], ["developer", t("From the developer")],
];

export const COMPLAINT_KINDS = () => [
  ["valid", t("Valid complaint")], ["assisted", t("Assisted complaint")],
  ["invalid", t("Invalid complaint")], ["collective", t("Collective complaint")],
];

export const REPLY_STAGES = () => [
  ["contact", t("Contacted the owner")], ["reply", t("Replied to the owner")],
  ["report_back", t("Reported back to the developer")], ["event_report", t("Special event report")],
];

export const REPLY_METHODS = () => [["phone", t("By phone")], ["visit", t("Home visit")], ["written", t("In writing")]];

export const SATISFACTION = () => [
  ["satisfied", t("Satisfied")], ["basically", t("Basically satisfied")], ["unsatisfied", t("Unsatisfied")],
];

/** Each choice field's options, by field name. */
export const CHOICES = () => ({
  purpose: PURPOSES(), id_kind: ID_KINDS(), category: CATEGORIES(), severity: SEVERITIES(),
  channel: CHANNELS(), kind: COMPLAINT_KINDS(), stage: REPLY_STAGES(), method: REPLY_METHODS(),
  satisfaction: SATISFACTION(),
});

/** A field's label, as its form shows it; ``null`` for fields a person never fills in. */
export function fieldLabel(name) {
  const labels = {
    visitor_name: t("Visitor's name"), purpose: t("Purpose"), party_size: t("Party size"),
    unit: t("Unit visited"), host_name: t("Host's name"), plate: t("Vehicle plate"), note: t("Note"),
    phone: t("Phone number"), id_number: t("ID number"), id_kind: t("Document"),
    description: t("Description"), action_taken: t("What was done"), notes: t("Notes"),
    category: t("Category"), severity: t("Severity"), counted_qty: t("Counted"), defective_qty: t("Defective"),
    channel: t("Came in"), kind: t("Class"), households: t("Households"), owner_name: t("Owner"),
    owner_phone: t("Owner's phone"), stage: t("What this is"), said: t("What was said"),
    owner_opinion: t("Owner's opinion"), satisfaction: t("Satisfaction"),
    agreed_reply_at: t("Reply time agreed with the owner"),
    permit_id: t("Decoration permit"),
  };
  return labels[name] || null;
}

/** The name of one value of a choice field, as the form offered it. */
export function choiceName(name, value) {
  const found = (CHOICES()[name] || []).find(([code]) => code === value);
  return found ? found[1] : value;
}
