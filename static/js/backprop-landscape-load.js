// Which patch of the loss landscape the backprop lab shows: fetched around the current weights,
// fetched again (recentred) when they walk near its edge, and drawn with the trail of passes.

import { requestBody } from "./backprop-state.js";

const LAND = { n: 41, span: 2 };

/** landscape: the mounted #bp-landscape; post and showError: the lab's own (busy count, errors). */
export function landscapeLoader({ state, hook, landscape, post, showError }) {
  let land = null;
  let landCenter = null;

  function currentPoint() {
    return [state.params[state.axes[0]], state.params[state.axes[1]]];
  }

  function drawLandscape(graph, updated, trail) {
    if (!land) return;
    const [a, b] = state.axes;
    const after = updated ? Object.fromEntries(graph.update.map((u) => [u.param, u.after])) : null;
    landscape.draw(land, {
      point: currentPoint(),
      next: after ? [after[a], after[b]] : null,
      trail,
      projector: document.body.classList.contains("projector"),
    }).then(() => {
      hook.landscapePoint = landscape.point;
      hook.plotsReady = true; // the name every lab's tests wait for (tests/browser/test_security.py)
    });
  }

  async function loadLandscape(recentre = false) {
    const point = currentPoint();
    const outside = landCenter && point.some((v, i) => Math.abs(v - landCenter[i]) > LAND.span * 0.9);
    if (!landCenter || recentre || outside) landCenter = point;
    try {
      land = await post("/api/backprop/landscape", { ...requestBody(state), axes: state.axes, n: LAND.n, span: LAND.span, center: landCenter });
    } catch (err) {
      showError(err.message);
    }
  }

  return { currentPoint, drawLandscape, loadLandscape };
}
