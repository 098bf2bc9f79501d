// The 3D surface with the paths lifted onto it (camera kept by uirevision). Pure: the
// SurfacePlots model in, a figure out.

import { CENTER_3D, escapeHtml, GRID, INK, nearest, scale } from "./plots-common.js";
import { inDomain } from "./state.js";

export function surfaceFigure(p) {
  const { land } = p;
  const [[x0, x1], [y0, y1]] = land.domain;
  const s = scale(p.projector);
  const zTitle = land.log ? p.t("plots.z_log") : "f(x, y)";
  const lift = () => p.z3(land.info.min_value ?? null);
  const minima = land.info.minima || [];
  const data = [
    {
      type: "surface",
      x: land.mesh.x,
      y: land.mesh.y,
      z: land.mesh.rows,
      colorscale: "Viridis",
      cmin: land.zlo,
      cmax: land.zhi,
      showscale: false,
      opacity: 0.85,
      hoverinfo: "skip",
      contours: { z: { show: false } },
      lighting: { ambient: 0.75, diffuse: 0.6, specular: 0.1, roughness: 0.9 },
    },
    {
      type: "scatter3d",
      mode: "markers",
      name: p.t("plots.minimum"),
      x: minima.map((m) => m[0]),
      y: minima.map((m) => m[1]),
      z: minima.map(() => (Number.isFinite(land.info.min_value) ? lift() : land.zlo)),
      marker: { symbol: "diamond", size: s.marker, color: "#ffffff", line: { color: INK, width: 1 } },
      hovertemplate: `${p.t("plots.minimum")}<extra></extra>`,
    },
    {
      type: "scatter3d",
      // One point draws no line, but the line shader is built with the scene rather than at
      // the first Play (40-50 ms of it with software GL).
      mode: "lines+markers",
      name: p.t("plots.start"),
      x: p.start ? [p.start[0]] : [],
      y: p.start ? [p.start[1]] : [],
      z: p.start ? [startZ(p)] : [],
      marker: { symbol: "circle-open", size: s.head, color: "#ffffff", line: { color: "#ffffff", width: s.line } },
      hovertemplate: `${p.t("plots.start")}<extra></extra>`,
    },
  ];
  for (const r of p.racers) {
    const head = r.status === "diverged" ? r.lastInView : r.head;
    data.push(
      {
        type: "scatter3d",
        mode: "lines",
        name: r.label,
        x: r.x3.slice(),
        y: r.y3.slice(),
        z: r.z3.slice(),
        line: { color: r.color, width: s.line3d },
        hoverinfo: "skip",
        connectgaps: false,
      },
      {
        type: "scatter3d",
        mode: "markers",
        name: r.label,
        x: head && inDomain(head.point, land.domain) ? [head.point[0]] : [],
        y: head && inDomain(head.point, land.domain) ? [head.point[1]] : [],
        z: head && inDomain(head.point, land.domain) ? [p.z3(head.loss)] : [],
        marker: { symbol: r.symbol, size: s.marker + 1, color: r.color, line: { color: "#ffffff", width: 1 } },
        hovertemplate: `<b>${escapeHtml(r.label)}</b><extra></extra>`,
      },
    );
  }
  // At most about one tick per unit on the catalog's domains: Plotly's default of one per half
  // unit ran the projector's large labels into one another along a 1024x768 scene's edges.
  const axis3 = (title, range, nticks) => ({
    title: { text: title, font: { size: s.small } },
    range,
    autorange: false,
    nticks,
    tickfont: { size: s.small - 1 },
    backgroundcolor: "#f4f6fa",
    gridcolor: GRID,
    showspikes: false,
  });
  return {
    data,
    layout: {
      ...p.baseLayout(),
      margin: { l: 0, r: 0, t: 0, b: 0 },
      uirevision: "surface-lab", // the camera stays where the user left it
      scene: {
        xaxis: axis3("x", [x0, x1], 6),
        yaxis: axis3("y", [y0, y1], 6),
        zaxis: axis3(zTitle, [land.zlo, land.zhi + (land.zhi - land.zlo) * 0.03], 5),
        aspectmode: "manual",
        aspectratio: { x: 1, y: 1, z: 0.65 },
        camera: { eye: { x: -1.05, y: -1.35, z: 1.45 }, center: CENTER_3D }, // high enough to see valley floors
        dragmode: "orbit",
      },
    },
  };
}

export function startZ(p) {
  const { land } = p;
  if (!p.start) return null;
  // Nearest grid value under the start point.
  const ix = nearest(land.x, p.start[0]);
  const iy = nearest(land.y, p.start[1]);
  const v = land.rows[iy] ? land.rows[iy][ix] : null;
  return v === null || v === undefined ? land.zlo : v + (land.zhi - land.zlo) * 0.012;
}
