// The surface lab's model of a landscape from the server: the grid decoded into rows (in
// log10 when values span decades, gaps where the function is undefined) and a coarser mesh for
// the 3D scene. SurfacePlots (plots.js) keeps it as its `land`.

import { decodeTyped } from "./plots-common.js";

const MESH_3D = 76;

export function landscapeModel(landscape) {
  const x = Array.from(decodeTyped(landscape.x));
  const y = Array.from(decodeTyped(landscape.y));
  const flat = decodeTyped(landscape.z);
  const [ny, nx] = landscape.z.shape || [y.length, x.length];
  const info = landscape.surface;
  const zmin = Number.isFinite(landscape.zmin) ? landscape.zmin : 0;
  const zmax = Number.isFinite(landscape.zmax) ? landscape.zmax : 1;
  const log = landscape.log === null || landscape.log === undefined ? Boolean(info.log_scale) : Boolean(landscape.log);
  // Colour (and 3D height) by log10(f - fmin + eps) when values span decades.
  const eps = Math.max((zmax - zmin) * 1e-6, 1e-12);
  const tz = log ? (v) => Math.log10(Math.max(v - zmin, 0) + eps) : (v) => v;
  const rows = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < ny; j += 1) {
    const row = new Array(nx);
    for (let i = 0; i < nx; i += 1) {
      const v = flat[j * nx + i];
      if (Number.isFinite(v)) {
        const w = tz(v);
        row[i] = w;
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      } else {
        row[i] = null; // a gap, drawn as such
      }
    }
    rows.push(row);
  }
  if (!(lo < hi)) {
    lo = Number.isFinite(lo) ? lo - 1 : 0;
    hi = lo + 2;
  }
  // The 3D mesh is rebuilt on every Plotly redraw of its scene, so it gets a coarser grid
  // (at most MESH_3D a side); the contour keeps every point.
  const sx = Math.max(1, Math.ceil(nx / MESH_3D));
  const sy = Math.max(1, Math.ceil(ny / MESH_3D));
  const keep = (n, stride) => [...Array(n).keys()].filter((k) => k % stride === 0 || k === n - 1);
  const cols = keep(nx, sx);
  const lines = keep(ny, sy);
  const at = log ? (j, i) => lowestNear(rows, j, i, sy - 1, sx - 1) : (j, i) => rows[j][i];
  const mesh = {
    x: cols.map((i) => x[i]),
    y: lines.map((j) => y[j]),
    rows: lines.map((j) => cols.map((i) => at(j, i))),
  };
  return { info, domain: landscape.domain, x, y, rows, mesh, log, tz, zlo: lo, zhi: hi, zmin, zmax };
}

// In log scale a vertex of the coarse mesh takes the lowest value of the fine grid between it
// and its neighbours, not the value at its own point: there a valley narrower than the mesh
// spacing (Rosenbrock's near its minimum) is a crevice decades deep, and picked points hit it at
// random depths, a comb of spikes along the floor. In linear scale the same valley is shallow
// and the peaks of bumpy surfaces (Rastrigin) would erode, so points are picked as they are.
function lowestNear(rows, j, i, ry, rx) {
  if (rows[j][i] === null) return null; // a gap stays a gap
  let low = rows[j][i];
  for (let jj = Math.max(0, j - ry); jj <= Math.min(rows.length - 1, j + ry); jj += 1) {
    const row = rows[jj];
    for (let ii = Math.max(0, i - rx); ii <= Math.min(row.length - 1, i + rx); ii += 1) {
      if (row[ii] !== null && row[ii] < low) low = row[ii];
    }
  }
  return low;
}
