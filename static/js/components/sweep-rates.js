// Three rates of one learning-rate sweep curve to race side by side: one too small, the best,
// one too large. Seeing the three paths at once is the lesson the sweep's curve summarises.

const SMALLER = 1.5; // decades below the best: slow enough to see, on any surface
const WORSE = 1.5; // a "too small" rate must end at least this many times the best's loss

const nearest = (logs, target) =>
  logs.reduce((best, v, k) => (Math.abs(v - target) < Math.abs(logs[best] - target) ? k : best), 0);

/**
 * lrs: the sweep's grid (ascending); curve: {best_lr, final_loss, status} as POST /api/sweep
 * answers. Returns [{kind, lr, diverged}] with kind "small", "best", "large", in that order;
 * empty when every rate diverged. A best rate at either end of the grid is not known to be
 * the best (a rate beyond the range may do better): its kind is "top" or "bottom" instead. "small" is about 1.5 decades below the best, lower still
 * while its final loss is no worse than the best's; "large" is the first rate above the best
 * that diverged, or the highest rate when none did. Either is left out when the grid has no
 * rate on that side of the best.
 */
export function raceRates(lrs, curve) {
  if (!curve || curve.best_lr === null || !lrs.length) return [];
  const logs = lrs.map((v) => Math.log10(v));
  const kb = nearest(logs, Math.log10(curve.best_lr));
  const loss = (k) => curve.final_loss[k];
  const fine = (k) => curve.status[k] !== "diverged" && loss(k) !== null;
  const out = [];
  if (kb > 0) {
    let ks = Math.min(kb - 1, nearest(logs, logs[kb] - SMALLER));
    while (ks > 0 && !(fine(ks) && loss(ks) >= WORSE * loss(kb))) ks -= 1;
    if (fine(ks)) out.push({ kind: "small", lr: lrs[ks], diverged: false });
  }
  const edge = kb === lrs.length - 1 ? "top" : kb === 0 ? "bottom" : "best";
  out.push({ kind: lrs.length > 1 ? edge : "best", lr: lrs[kb], diverged: false });
  let kl = curve.status.findIndex((s, k) => k > kb && s === "diverged");
  if (kl < 0) kl = lrs.length - 1;
  if (kl > kb) out.push({ kind: "large", lr: lrs[kl], diverged: curve.status[kl] === "diverged" });
  return out;
}
