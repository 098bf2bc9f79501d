// The network lab's plot controls: contour or 3D landscape, its directions (random or PCA) and
// a fresh landscape on request, the loss chart's log scale, and which norms the norm chart shows.

const $ = (sel) => document.querySelector(sel);

export function wirePlotControls({ state, plots, race, landscape, syncUrl }) {
  $("#land-toggle").addEventListener("click", (event) => {
    const b = event.target.closest("button[data-land]");
    if (!b) return;
    plots.view3d = b.dataset.land === "3d";
    for (const x of $("#land-toggle").querySelectorAll("button")) x.setAttribute("aria-pressed", String(x === b));
    $("#land-plot").hidden = plots.view3d;
    $("#land-3d").hidden = !plots.view3d;
    plots.markDirty(["land", "d3"]);
    race.schedule();
    requestAnimationFrame(() => plots.resize());
  });
  $("#land-directions").addEventListener("change", (event) => {
    state.directions = event.target.value;
    syncUrl();
    const r = race.race;
    if (r && r.record && r.record.step > 0) landscape.compute(state, r.record);
  });
  $("#land-refresh").addEventListener("click", () => {
    const r = race.race;
    if (r && r.record) landscape.compute(state, r.record);
  });
  $("#loss-log").addEventListener("change", (event) => {
    state.lossLog = event.target.checked;
    plots.lossLog = state.lossLog;
    plots.markDirty(["loss"]);
    race.schedule();
  });
  $("#norms-toggle").addEventListener("click", (event) => {
    const b = event.target.closest("button[data-norms]");
    if (!b) return;
    plots.norms = b.dataset.norms;
    for (const x of $("#norms-toggle").querySelectorAll("button")) x.setAttribute("aria-pressed", String(x === b));
    plots.markDirty(["norms"]);
    race.schedule();
  });
}
