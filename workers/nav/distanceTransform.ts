/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012), in cells²:
 * for every cell, the squared distance to the nearest cell with `mask === 0`. Cells outside the
 * grid count as blocked, so the border of the grid is a wall. O(cells).
 */
export function distanceTransform(mask: Uint8Array, nx: number, ny: number): Float64Array {
  const INF = 1e20;
  const out = new Float64Array(nx * ny);
  const n = Math.max(nx, ny) + 2;
  const f = new Float64Array(n), d = new Float64Array(n), z = new Float64Array(n + 1);
  const v = new Int32Array(n);
  // Columns first, with a blocked virtual cell just outside each end.
  for (let i = 0; i < nx; i++) {
    f[0] = 0;
    for (let j = 0; j < ny; j++) f[j + 1] = mask[j * nx + i] === 0 ? 0 : INF;
    f[ny + 1] = 0;
    transform1d(f, ny + 2, d, v, z);
    for (let j = 0; j < ny; j++) out[j * nx + i] = d[j + 1]!;
  }
  for (let j = 0; j < ny; j++) {
    f[0] = 0;
    for (let i = 0; i < nx; i++) f[i + 1] = out[j * nx + i]!;
    f[nx + 1] = 0;
    transform1d(f, nx + 2, d, v, z);
    for (let i = 0; i < nx; i++) out[j * nx + i] = d[i + 1]!;
  }
  return out;
}

/** 1-D lower envelope of parabolas: d[q] = min_p (q − p)² + f[p]. */
function transform1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0; z[0] = -Infinity; z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) { k--; s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!); }
    k++; v[k] = q; z[k] = s; z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    d[q] = (q - v[k]!) * (q - v[k]!) + f[v[k]!]!;
  }
}
