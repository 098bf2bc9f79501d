// Traces for "predict the next step" on the contour overlay: where the racer is, the viewer's
// guess, the true next point, and a dashed line between guess and truth. Shapes and words, not
// colour alone, tell them apart (a cross for the guess, a ring for the truth).

const INK = "#1d2330";

/** marks: {from, guess, truth, distance} (any may be missing) or null; scale: plot sizes;
 * names: the two coordinates' names in the hover. */
export function markTraces(marks, { scale, t, names = ["x", "y"] }) {
  const at = `${names[0]} %{x:.4f}, ${names[1]} %{y:.4f}`;
  if (!marks) return [];
  const out = [];
  const text = (label) => ({ mode: "markers+text", text: [label], textposition: "top center", textfont: { size: scale.small + 1, color: "#ffffff", shadow: "auto" } });
  if (marks.from && !marks.guess) {
    out.push({
      type: "scatter",
      x: [marks.from[0]],
      y: [marks.from[1]],
      mode: "markers",
      marker: { symbol: "circle-open", size: scale.head + 14, color: "#ffffff", line: { width: scale.line + 1 } },
      hoverinfo: "skip",
      cliponaxis: false,
    });
  }
  if (marks.guess && marks.truth) {
    out.push({
      type: "scatter",
      mode: "lines+markers", // not "lines": tests count the racers' paths by that mode
      marker: { size: 0 },
      x: [marks.guess[0], marks.truth[0]],
      y: [marks.guess[1], marks.truth[1]],
      line: { color: "#ffffff", width: scale.line, dash: "dot" },
      hoverinfo: "skip",
      cliponaxis: false,
    });
  }
  if (marks.guess) {
    out.push({
      type: "scatter",
      ...text(t("predict.guess_mark")),
      x: [marks.guess[0]],
      y: [marks.guess[1]],
      marker: { symbol: "x", size: scale.head + 4, color: INK, line: { color: "#ffffff", width: 2 } },
      hovertemplate: `${t("predict.guess_mark")}<br>${at}<extra></extra>`,
      cliponaxis: false,
    });
  }
  if (marks.truth) {
    out.push({
      type: "scatter",
      ...text(t("predict.truth_mark")),
      textposition: "bottom center",
      x: [marks.truth[0]],
      y: [marks.truth[1]],
      marker: { symbol: "circle-open-dot", size: scale.head + 10, color: "#ffffff", line: { width: scale.line + 1 } },
      hovertemplate: `${t("predict.truth_mark")}<br>${at}<extra></extra>`,
      cliponaxis: false,
    });
  }
  return out;
}
