// Loss against step, linear or log (the gap to the known minimum on a log axis). Pure: the
// SurfacePlots model in, a figure out.

import { escapeHtml, GRID, MUTED, scale } from "./plots-common.js";

export function lossFigure(p) {
  const s = scale(p.projector);
  const min = p.land && p.land.info.min_value;
  const gapMode = p.lossLog && Number.isFinite(min);
  const data = p.racers.map((r) => ({
    type: "scatter",
    mode: "lines",
    name: r.label,
    x: r.steps.slice(),
    y: r.losses.map((v) => p.lossValue(v)),
    customdata: r.losses.slice(),
    line: { color: r.color, width: s.line },
    hovertemplate: `<b>${escapeHtml(r.label)}</b><br>${p.t("hover.step")} %{x}<br>${p.t("hover.loss")} %{customdata:.5g}<extra></extra>`,
  }));
  const empty = p.racers.every((r) => r.steps.length === 0);
  return {
    data,
    layout: {
      ...p.baseLayout(),
      margin: p.projector ? { l: 112, r: 24, t: 12, b: 62 } : { l: 70, r: 18, t: 8, b: 42 },
      xaxis: {
        title: { text: p.t("plots.step_axis"), font: { size: s.font }, standoff: 4 },
        rangemode: "tozero",
        gridcolor: GRID,
        zeroline: false,
        tickfont: { size: s.small },
        linecolor: MUTED,
        fixedrange: true,
      },
      yaxis: {
        // Projector type leaves no room for the long title; the checkbox says "log" anyway.
        title: {
          text: p.projector ? p.t("plots.loss_axis")
            : gapMode ? p.t("plots.loss_gap_log") : p.lossLog ? p.t("plots.loss_log") : p.t("plots.loss_axis"),
          font: { size: s.font },
          standoff: 4,
        },
        type: p.lossLog ? "log" : "linear",
        gridcolor: GRID,
        zeroline: false,
        tickfont: { size: s.small },
        exponentformat: "power",
        nticks: p.projector ? 5 : 7, // decades on a log axis, not every 2, 3, 4...
        linecolor: MUTED,
        fixedrange: true,
      },
      hovermode: "closest",
      annotations: empty
        ? [{
          text: p.t("plots.loss_empty"),
          xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false,
          font: { size: s.font, color: MUTED },
        }]
        : [],
    },
  };
}
