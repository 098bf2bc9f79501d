// #panel-landscape: asks POST /api/network/landscape for the grid in bands of rows (so the
// progress bar moves), assembles them, and hands the result to the plots. A newer request
// supersedes an older one still in flight. Emits nothing; the page calls compute().

import { getNetworkLandscape } from "../api.js";
import { landscapeBands, landscapeBody } from "../network-record.js";
import { decodeTyped } from "../plots.js";
import { landscapeGrid } from "./network-figures.js";

export const LAND_N = 51;

/** Half-width of the grid: one direction unit, or enough to hold the path with a margin. */
export function spanFor(path) {
  let most = 0;
  for (const p of path || []) for (const v of p) if (Number.isFinite(v)) most = Math.max(most, Math.abs(v));
  return Number(Math.min(100, Math.max(1, 1.15 * most)).toPrecision(2));
}

export function mountNetworkLandscape(panel, { plots, t, hook }) {
  const progress = panel.querySelector("#land-progress");
  const title = panel.querySelector("#land-title");
  const error = panel.querySelector("#land-error");
  const button = panel.querySelector("#land-refresh");
  let generation = 0;
  let shown = null; // {label, step, directions}

  /** Which directions, in the page's language (the server's English label as a fallback). */
  function directionsText(info) {
    if (info.directions === "pca" && Array.isArray(info.explained)) {
      const [a, b] = info.explained.map((v) => Math.round(100 * v));
      return t("net.land_label_pca", { a, b });
    }
    if (info.directions === "random") return t(/bias/.test(info.label || "") ? "net.land_label_random_bias" : "net.land_label_random");
    return info.label || "";
  }

  function showTitle() {
    if (!shown) {
      title.textContent = t("net.land_empty");
      return;
    }
    title.textContent = t("net.land_title", { label: directionsText(shown), step: shown.step });
  }

  function showError(message) {
    error.hidden = !message;
    error.textContent = message ? t("net.land_error", { message }) : "";
  }

  async function compute(state, record) {
    if (!record || !record.point) return;
    const mine = ++generation;
    const bands = landscapeBands(LAND_N, 5);
    const step = record.step;
    hook.landscapeBusy = true;
    progress.hidden = false;
    progress.max = bands.length + 1;
    progress.value = 0;
    button.disabled = true;
    showError("");
    try {
      // A one-row probe first: where the projected trajectory lies sets the half-width, so the
      // whole path shows (PCA coordinates run far past one direction unit).
      const probe = await getNetworkLandscape(landscapeBody(state, record, { n: 5, rows: [0, 1] }));
      if (mine !== generation) return;
      progress.value = 1;
      const span = spanFor(probe.path);
      const z = new Float32Array(LAND_N * LAND_N).fill(NaN);
      let last = null;
      for (const rows of bands) {
        const resp = await getNetworkLandscape(landscapeBody(state, record, { n: LAND_N, span, rows }));
        if (mine !== generation) return;
        const part = decodeTyped(resp.z);
        const [start] = resp.rows || rows;
        z.set(part.subarray(0, Math.min(part.length, z.length - start * LAND_N)), start * LAND_N);
        last = resp;
        progress.value += 1;
      }
      const grid = landscapeGrid({ ...last, a: Array.from(decodeTyped(last.a)), b: Array.from(decodeTyped(last.b)), z });
      shown = { label: last.label, step, directions: last.directions, explained: last.explained };
      showTitle();
      plots.setLandscape(grid);
      hook.landscapes = (hook.landscapes || 0) + 1;
      await plots.flush(Infinity);
    } catch (err) {
      if (mine !== generation) return;
      hook.errors.push(`landscape: ${err.message}`);
      showError(err.message);
    } finally {
      if (mine === generation) {
        hook.landscapeBusy = false;
        progress.hidden = true;
        button.disabled = false;
      }
    }
  }

  return {
    compute,
    /** The step the drawn landscape is around (null before the first). */
    get step() {
      return shown ? shown.step : null;
    },
    /** Forget the shown landscape (a new problem): the next compute draws a fresh one. */
    reset() {
      generation += 1;
      shown = null;
      hook.landscapeBusy = false;
      progress.hidden = true;
      button.disabled = false;
      showError("");
      showTitle();
      plots.clearLandscape();
    },
    translate: showTitle,
    /** A sentence in place of the title (why there is no landscape). */
    explain(text) {
      title.textContent = text;
    },
  };
}
