// Loss against step, linear or log (the gap to the known minimum on a log axis). Pure: the
// SurfacePlots model in, a figure out.

import { escapeHtml, FONT, GRID, logTicks, MUTED, positiveRange, scale, wrapText } from "./plots-common.js";
import { TERMINAL } from "./state.js";

export function lossFigure(p) {
  const s = scale(p.projector);
  const min = p.land && p.land.info.min_value;
  const gapMode = p.lossLog && Number.isFinite(min);
  const data = p.racers.map((r) => ({
    type: "scatter",
    // A few of the racer's own glyphs along its line (as on the map and in the legend), so
    // the curves differ by shape as well as colour: greyscale, colour blindness, a projector.
    mode: "lines+markers",
    marker: { symbol: r.symbol, size: s.marker + 2, color: r.color, maxdisplayed: 12 },
    name: r.label,
    x: r.steps.slice(),
    y: r.losses.map((v) => p.lossValue(v)),
    customdata: r.losses.slice(),
    line: { color: r.color, width: s.line },
    hovertemplate: `<b>${escapeHtml(r.label)}</b><br>${p.t("hover.step")} %{x}<br>${p.t("hover.loss")} %{customdata:.5g}<extra></extra>`,
  }));
  const empty = p.racers.every((r) => r.steps.length === 0);
  // A race can end with nothing to plot (every start outside the function's domain): the
  // chart then says so instead of inviting a Play that would end the same way.
  const ended = empty && p.racers.length > 0 && p.racers.every((r) => TERMINAL.has(r.status));
  const margin = p.projector ? { l: 112, r: 24, t: 12, b: 62 } : { l: 70, r: 18, t: 8, b: 42 };
  const div = p.divs.loss;
  const room = div && div.clientWidth ? div.clientWidth - margin.l - margin.r - 16 : Infinity;
  const ticks = p.lossLog ? logTicks(data.flatMap((d) => d.y), p.divs.loss, margin, s.small) : {};
  return {
    data,
    layout: {
      ...p.baseLayout(),
      margin,
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
        nticks: p.projector ? 5 : 7,
        ...ticks,
        // An empty chart's log ticks (10⁻¹ … 10³) measure nothing and crowd the note.
        showticklabels: !empty,
        linecolor: MUTED,
        fixedrange: true,
      },
      hovermode: "closest",
      annotations: empty
        ? [{
          // Wrapped to the plot's own width: a projector's type and a diagnosis panel beside
          // it leave less room than one line needs.
          text: wrapText(p.t(ended ? "plots.loss_none" : "plots.loss_empty"), room, `${s.small}px ${FONT}`),
          xref: "paper", yref: "paper", x: 0.5, y: 0.5, showarrow: false,
          font: { size: s.small, color: MUTED },
        }]
        : [],
    },
  };
}

/** The smallest and largest positive y over a figure's traces (what a log axis shows). */
export function rangeOf(data) {
  return positiveRange(data.flatMap((tr) => tr.y || []));
}

/** A growing log range needs ticks for its new decades, sparser ones when labels would
 * overlap: relayout then.
 * `added` holds the y values just appended, one array per extended trace. */
export function retickLoss(p, P, added) {
  if (!p.lossLog) return;
  const div = p.divs.loss;
  const layout = div.layout;
  if (!layout || !layout.yaxis) return;
  // Only a value outside the range seen so far can change the ticks.
  const seen = p.lossSeen || rangeOf([]);
  let grew = false;
  for (const v of added.flat()) {
    if (v > 0 && v < seen.lo) [seen.lo, grew] = [v, true];
    if (v > 0 && v > seen.hi) [seen.hi, grew] = [v, true];
  }
  p.lossSeen = seen;
  if (!grew) return;
  const next = logTicks([seen.lo, seen.hi], div, layout.margin, scale(p.projector).small);
  if (next.tickvals && String(next.tickvals) !== String(layout.yaxis.tickvals)) {
    P.relayout(div, { "yaxis.tickmode": "array", "yaxis.tickvals": next.tickvals, "yaxis.ticktext": next.ticktext });
  }
}
