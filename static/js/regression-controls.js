// The regression lab's plot controls: contour or 3D landscape, the focus racer's mini-batch
// surface, the softmax landscape's axes, whose model the data view follows, the loss chart's
// log scale and the diagnosis labels. Each keeps the link current.

const $ = (sel) => document.querySelector(sel);

export function wirePlotControls({ state, plots, ui, scape, race, syncUrl }) {
  $("#land-toggle").addEventListener("click", (event) => {
    const b = event.target.closest("button[data-land]");
    if (!b) return;
    plots.view3d = b.dataset.land === "3d";
    state.land3d = plots.view3d;
    syncUrl();
    for (const x of $("#land-toggle").querySelectorAll("button")) x.setAttribute("aria-pressed", String(x === b));
    scape.showLayout();
    plots.markDirty();
    ui.schedule();
  });
  $("#batch-surface").addEventListener("change", async (event) => {
    plots.showBatch = event.target.checked;
    state.batchSurface = plots.showBatch;
    syncUrl();
    scape.noteBatch();
    if (plots.showBatch) await scape.refreshBatch(true);
    else await plots.renderBatch();
  });
  $("#land-refresh").addEventListener("click", () => {
    scape.chooseAxes(Number($("#axis-a").value), Number($("#axis-b").value));
    syncUrl();
  });
  $("#regions-racer").addEventListener("change", (event) => {
    plots.focus = Number(event.target.value);
    scape.noteBatch();
    state.focus = plots.focus;
    syncUrl();
    race.showFormula();
    plots.markDirty();
    ui.schedule();
  });
  $("#show-diagnosis").addEventListener("change", (event) => {
    state.diagnosis = event.target.checked;
    syncUrl();
    ui.diagnosis.show();
  });
  // The loss chart's options: each checkbox sets the plots' and the state's field of its name.
  for (const [sel, key] of [["#loss-epochs", "lossEpochs"], ["#loss-log", "lossLog"]]) {
    $(sel).addEventListener("change", (event) => {
      plots[key] = event.target.checked;
      state[key] = plots[key];
      syncUrl();
      plots.markDirty();
      ui.schedule();
    });
  }
}
