// Why a racer stopped, in the page's language. The server (app/runs.py) words each reason once,
// in English, in frames and summaries; these patterns read its kind and numbers back out, as
// the server's error codes do for refusals. A reason no pattern knows is shown as sent.

const PATTERNS = [
  ["out_of_bounds", /^point left the bounded region \(\|coordinate\| > (?<bound>\S+)\)$/],
  ["start_undefined", /^the loss is not defined at the start/],
  ["left_domain", /^left the function's domain/],
  ["loss_overflow", /^loss overflow$/],
  ["grad_overflow", /^gradient overflow$/],
  ["grad_norm", /^gradient norm (?<norm>\S+)$/],
  ["budget", /^step budget of (?<steps>\d+) reached$/],
];

/** {code, params} for a reason the server gives, or null. */
export function reasonCode(reason) {
  if (!reason) return null;
  for (const [code, pattern] of PATTERNS) {
    const m = pattern.exec(reason);
    if (m) return { code, params: { ...(m.groups || {}) } };
  }
  return null;
}

/** The reason in the page's language (t: the i18n lookup). */
export function reasonText(reason, t) {
  const found = reasonCode(reason);
  if (!found) return reason || "";
  const key = `reason.${found.code}`;
  const text = t(key, found.params);
  return text === key ? reason : text;
}
