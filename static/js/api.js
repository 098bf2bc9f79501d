// Fetch wrappers for the REST API. Every refusal becomes an ApiError carrying the server's
// plain-words `detail` (and `column` for formula errors).

import { errorText } from "./i18n.js";

export class ApiError extends Error {
  constructor(message, status, body = {}) {
    super(message);
    this.status = status;
    this.body = body;
    this.column = Number.isInteger(body.column) ? body.column : null;
  }
}

async function request(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, ...options });
  } catch {
    // The browser's own words ("Failed to fetch") mean nothing to a student and are English
    // on an Indonesian page: say it in the page's language, with a code like a refusal's.
    const body = { code: "unreachable" };
    throw new ApiError(errorText({ ...body, message: "no connection to the server" }), 0, body);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`;
    // The refusal in the page's language when the server gave it a code (see i18n.errorText).
    throw new ApiError(errorText({ ...(body || {}), message: detail }), response.status, body || {});
  }
  return body;
}

export const getFunctions = () => request("/api/functions");
export const getOptimizers = () => request("/api/optimizers");

/** The landscape of a catalog surface ({function}) or a formula ({expression}). */
export function getLandscape(surface, n) {
  const q = new URLSearchParams();
  if (surface.function) q.set("function", surface.function);
  else q.set("expression", surface.expression);
  if (n) q.set("n", String(n));
  return request(`/api/landscape?${q}`);
}

// ---- the regression lab ----------------------------------------------------------------------

export const postJson = (url, body) => request(url, {
  method: "POST",
  headers: { Accept: "application/json", "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

/** A generated dataset: {data: {generator, ...settings}, model} -> {kind, n, x, y, ...}. */
export const getDataset = (body) => postJson("/api/datasets", body);

/** The exact loss over two parameters: {data, model, center, axes, ranges, n, batch?}. */
export const getDataLandscape = (body) => postJson("/api/landscape/data", body);
/** Final loss after N steps over a log lr grid, on a surface or on data (POST /api/sweep). */
export const postSweep = (body) => postJson("/api/sweep", body);

/** The user's CSV file (raw bytes) -> {columns, rows, table}; refusals carry `row`. */
export async function uploadCsv(file) {
  const bytes = await file.arrayBuffer();
  return request("/api/datasets/csv", {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "text/csv" },
    body: bytes,
  });
}

// ---- the network lab -------------------------------------------------------------------------

/** One band of rows of a network's loss landscape: {network, center, trajectory, directions, n, span, rows}. */
export const getNetworkLandscape = (body) => postJson("/api/network/landscape", body);

/** The network lab's catalog: datasets with their tasks, defaults and targets, and the limits. */
export const getNetworkDatasets = () => request("/api/network/datasets");
