/**
 * Which of the phone's screens a person's work needs, by role and post: a store keeper
 * sees the stock check and follow-ups, a guard the gate and patrols. The others stay
 * reachable by address (the server decides what anyone may record); they are only kept
 * out of the way of someone who never uses them.
 */
const BY_POST = {
  store: ["stock", "followups", "sync"],
  security: ["patrol", "gate", "followups", "sync"],
  customer_service: ["gate", "patrol", "followups", "sync"],
  repair: ["patrol", "repairs", "followups", "sync"],
  cleaning: ["patrol", "followups", "sync"],
};
const EVERY = ["patrol", "gate", "stock", "repairs", "followups", "sync"];

export function screensFor(user) {
  if (!user) return EVERY;
  if (user.role === "post") return ["gate", "sync"];
  if (["manager", "supervisor", "admin"].includes(user.role)) return EVERY;
  if (user.role === "guard") return BY_POST.security;
  return BY_POST[user.post] || EVERY;
}
