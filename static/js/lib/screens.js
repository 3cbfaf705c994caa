/**
 * Which of the phone's screens a person's work needs, by role and post: a store keeper
 * sees the stock check and follow-ups, a guard the gate and patrols, the front desk
 * complaints. The others stay
 * reachable by address (the server decides what anyone may record); they are only kept
 * out of the way of someone who never uses them.
 */
const BY_POST = {
  store: ["stock", "followups", "sync"],
  security: ["patrol", "gate", "followups", "sync"],
  customer_service: ["complaints", "gate", "patrol", "followups", "sync"],
  repair: ["patrol", "repairs", "followups", "sync"],
  cleaning: ["patrol", "followups", "sync"],
};
const EVERY = ["patrol", "gate", "stock", "complaints", "repairs", "followups", "sync"];
// The front desk's assistant takes complaints; the gate and patrols are not theirs.
const CLERK = ["complaints", "followups", "sync"];

export function screensFor(user) {
  if (!user) return EVERY;
  if (user.role === "post") return ["gate", "sync"];
  if (["manager", "supervisor", "admin"].includes(user.role)) return EVERY;
  if (user.role === "guard") return BY_POST.security;
  if (user.role === "clerk") return CLERK;
  return BY_POST[user.post] || EVERY;
}
