// The contour map as two figures: the heavy contour with its colour bar (drawn once per
// landscape), and the transparent overlay of paths, current points, arrows, divergence
// labels, the start, the minima and predict marks. Pure: the SurfacePlots model in, figures out.

import { escapeHtml, INK, scale } from "./plots-common.js";
import { markTraces } from "./plots-marks.js";
import { reasonText } from "./reasons.js";
import { arrowEnds, TERMINAL } from "./state.js";

export function contourBaseFigure(p) {
  const { land } = p;
  const [[x0, x1], [y0, y1]] = land.domain;
  const s = scale(p.projector);
  const colorTitle = land.log ? p.t("plots.colour_log") : p.t("plots.colour_linear");
  return {
    data: [
      {
        type: "contour",
        x: land.x,
        y: land.y,
        z: land.rows,
        colorscale: "Viridis",
        zmin: land.zlo,
        zmax: land.zhi,
        ncontours: 22,
        contours: { coloring: "heatmap", showlines: true },
        line: { width: p.projector ? 1.2 : 0.6, color: "rgba(255,255,255,0.45)" },
        connectgaps: false,
        hoverinfo: "skip",
        colorbar: {
          thickness: p.projector ? 18 : 12,
          len: 1,
          x: 1.02,
          xanchor: "left",
          outlinewidth: 0,
          tickfont: { size: s.small },
          title: { text: colorTitle, side: "right", font: { size: s.small } },
        },
      },
    ],
    layout: {
      ...p.baseLayout(),
      margin: p.margins(),
      xaxis: p.axis("x", [x0, x1]),
      yaxis: p.axis("y", [y0, y1]),
      dragmode: false,
    },
  };
}

export function hoverTemplate(p, label) {
  const t = p.t;
  return (
    `<b>${escapeHtml(label)}</b><br>${t("hover.step")} %{customdata[0]}<br>` +
    "x %{x:.4f}, y %{y:.4f}<br>" +
    `${t("hover.loss")} %{customdata[1]:.5g}<br>` +
    "∇f (%{customdata[2]:.3g}, %{customdata[3]:.3g})<extra></extra>"
  );
}

export function overlayFigure(p) {
  const { land } = p;
  const [[x0, x1], [y0, y1]] = land.domain;
  const s = scale(p.projector);
  const minima = land.info.minima || [];
  const data = [
    {
      type: "scatter",
      mode: "markers",
      name: p.t("plots.minimum"),
      x: minima.map((m) => m[0]),
      y: minima.map((m) => m[1]),
      marker: { symbol: "star", size: s.head + 2, color: "#ffffff", line: { color: INK, width: 1.5 } },
      hovertemplate: `${p.t("plots.minimum")}<br>x %{x:.4f}, y %{y:.4f}<extra></extra>`,
      cliponaxis: false,
    },
    {
      type: "scatter",
      // While a step is being predicted the word "start" would sit on the guess's own label
      // (a first step's guess lands right beside it): the ring alone marks the start then.
      mode: p.marks ? "markers" : "markers+text",
      name: p.t("plots.start"),
      x: p.start ? [p.start[0]] : [],
      y: p.start ? [p.start[1]] : [],
      text: [p.t("plots.start")],
      textposition: p.start && p.start[1] > (y0 + y1) / 2 ? "bottom center" : "top center",
      textfont: { color: "#ffffff", size: s.small },
      marker: { symbol: "circle-open-dot", size: s.head + 8, color: "#ffffff", line: { width: s.line } },
      hovertemplate: `${p.t("plots.start")}<br>x %{x:.4f}, y %{y:.4f}<extra></extra>`,
      cliponaxis: false,
    },
  ];
  for (const r of p.racers) {
    const hover = hoverTemplate(p, r.label);
    // A diverged path ends at its last finite point inside the view, where its marker is.
    const pathEnd = r.status === "diverged" ? r.lastInViewIndex + 1 : r.xs.length;
    const stopped = TERMINAL.has(r.status);
    const head = r.status === "diverged" ? r.lastInView : r.head;
    const arrows = stopped || !r.head || !p.showArrows
      ? { grad: null, update: null }
      : arrowEnds(r.head.point, r.head.grad, r.head.update, land.domain);
    data.push(
      {
        type: "scatter",
        mode: "lines",
        name: r.label,
        // Copies: Plotly keeps the arrays it is given, and extendTraces would then append
        // onto the model's own arrays a second time.
        x: r.xs.slice(0, pathEnd),
        y: r.ys.slice(0, pathEnd),
        customdata: r.custom.slice(0, pathEnd),
        line: { color: r.color, width: s.line },
        hovertemplate: hover,
      },
      {
        type: "scatter",
        mode: "markers",
        name: r.label,
        x: head ? [head.point[0]] : [],
        y: head ? [head.point[1]] : [],
        customdata: head ? [[head.step, head.loss, ...(head.grad || [null, null])]] : [],
        marker: { symbol: r.symbol, size: s.head, color: r.color, line: { color: "#ffffff", width: 1.5 } },
        hovertemplate: hover,
        cliponaxis: false,
      },
      arrowTrace(p, r.head ? r.head.point : null, arrows.grad, INK, s.arrow * 0.75, s.arrowHead * 0.85),
      arrowTrace(p, r.head ? r.head.point : null, arrows.update, r.color, s.arrow, s.arrowHead),
      divergenceTrace(p, r),
    );
  }
  // Marks go last: extendTraces addresses the racers' traces by index from the front.
  data.push(...markTraces(p.marks, { scale: s, t: p.t }));
  return {
    data,
    layout: {
      ...p.baseLayout(),
      margin: p.margins(),
      xaxis: p.axis("", [x0, x1], { showticklabels: false, ticks: "", showline: false, mirror: false }),
      yaxis: p.axis("", [y0, y1], { showticklabels: false, ticks: "", showline: false, mirror: false }),
      dragmode: false,
      hovermode: "closest",
      hoverdistance: 12,
      annotations: divergenceNotes(p),
    },
  };
}

export function arrowTrace(p, from, to, color, width, headSize) {
  const has = from && to;
  return {
    type: "scatter",
    mode: "lines+markers",
    x: has ? [from[0], to[0]] : [],
    y: has ? [from[1], to[1]] : [],
    customdata: has ? [null, null] : [], // extendTraces needs every extended attribute
    line: { color, width },
    // An arrowhead at the tip, pointing along the segment; no marker at the tail.
    marker: { symbol: "arrow", angleref: "previous", size: [0, headSize], color, line: { width: 0 } },
    hoverinfo: "skip",
    cliponaxis: false,
  };
}

export function divergenceTrace(p, r) {
  const s = scale(p.projector);
  const at = r.status === "diverged" ? r.lastInView || r.head : null;
  const [[x0, x1], [y0, y1]] = p.land.domain;
  let position = "top right";
  if (at) {
    const v = at.point[1] > (y0 + y1) / 2 ? "bottom" : "top";
    const h = at.point[0] > (x0 + x1) / 2 ? "left" : "right";
    position = `${v} ${h}`;
  }
  const text = at ? divergenceText(p, r) : "";
  return {
    type: "scatter",
    mode: "markers",
    x: at ? [at.point[0]] : [],
    y: at ? [at.point[1]] : [],
    text: at ? [text] : [], // shown by divergenceNotes() as a boxed label; here for hover
    textposition: position,
    marker: { symbol: "x-thin-open", size: s.head + 8, color: r.color, line: { width: s.line + 1, color: r.color } },
    hovertemplate: `<b>${escapeHtml(r.label)}</b><br>${escapeHtml(text)}<extra></extra>`,
    cliponaxis: false,
  };
}

/** Boxed labels next to diverged racers' last points, kept inside the plot. */
export function divergenceNotes(p) {
  const s = scale(p.projector);
  const [[x0, x1], [y0, y1]] = p.land.domain;
  const notes = [];
  p.racers.forEach((r) => {
    const at = r.status === "diverged" ? r.lastInView || r.head : null;
    if (!at) return;
    const right = at.point[0] < (x0 + x1) / 2;
    const up = at.point[1] < (y0 + y1) / 2;
    notes.push({
      x: at.point[0],
      y: at.point[1],
      xref: "x",
      yref: "y",
      text: escapeHtml(divergenceShort(p, r)),
      showarrow: true,
      arrowhead: 0,
      arrowwidth: 1.5,
      arrowcolor: r.color,
      ax: right ? 40 : -40,
      ay: up ? -34 : 34,
      xanchor: right ? "left" : "right",
      font: { size: s.small + 1, color: INK },
      bgcolor: "rgba(255,255,255,0.92)",
      bordercolor: r.color,
      borderwidth: 2,
      borderpad: 3,
    });
  });
  return notes;
}

/** On the plot the reason is kept when short ("loss overflow"); the legend has it all. */
export function divergenceShort(p, r) {
  const said = reasonText(r.reason, p.t);
  const reason = said.length <= 24 ? said : "";
  return p.t("plots.diverged_label", { step: r.stoppedAt ?? "?", reason }).replace(/: $/, "");
}

export function divergenceText(p, r) {
  return p.t("plots.diverged_label", { step: r.stoppedAt ?? "?", reason: reasonText(r.reason, p.t) }).replace(/: $/, "");
}
