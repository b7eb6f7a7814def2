/**
 * Fast marching (first-order upwind eikonal solver, Sethian 1996) over several floor grids at once,
 * with links (stairs) as graph edges between floors: |∇T| = 1 / F, T = 0 at the source cells.
 *
 * T is in "free-walking metres": the time to reach the sources at unit speed, so a link of length L
 * and speed factor f costs L / f, and a zone with speed factor f stretches distance by 1 / f. It is
 * a true Euclidean-like distance (not 4-neighbour Manhattan): diagonal error is a few percent.
 */
import type { FloorGrid } from './FloorGrid.js';

/** A link between two cell sets on (possibly) different floors; cells are global indices. */
export interface MarchLink {
  fromCells: Int32Array;
  toCells: Int32Array;
  /** Free-walking metres to traverse: length / speedFactor. */
  cost: number;
  /** When true, agents only go from → to, so the value propagates only from `to` back to `from`. */
  oneWay: boolean;
}

/**
 * Returns T per floor (Infinity where unreachable). `speed[f]` is the local speed factor F per
 * cell of floor f (0 = blocked). `sources` are global cell indices with T = 0.
 */
export function fastMarching(grids: readonly FloorGrid[], speed: readonly Float32Array[], sources: Int32Array, links: readonly MarchLink[]): Float32Array[] {
  const offsets: number[] = [];
  let total = 0;
  for (const g of grids) { offsets.push(total); total += g.nx * g.ny; }
  const T = new Float64Array(total).fill(Infinity);
  const state = new Uint8Array(total); // 0 far, 1 trial, 2 accepted
  const floorOf = new Uint16Array(total);
  grids.forEach((g, f) => floorOf.fill(f, offsets[f]!, offsets[f]! + g.nx * g.ny));
  // Link-end lookup: which link ends a cell belongs to (cells rarely belong to more than one).
  const endOf = new Map<number, number[]>();
  links.forEach((l, k) => {
    for (const c of l.toCells) (endOf.get(c) ?? endOf.set(c, []).get(c)!).push(2 * k);
    for (const c of l.fromCells) (endOf.get(c) ?? endOf.set(c, []).get(c)!).push(2 * k + 1);
  });
  const fired = new Uint8Array(2 * links.length);
  const heap = new MinHeap(1024);
  for (const c of sources) { T[c] = 0; state[c] = 1; heap.push(0, c); }

  while (heap.size > 0) {
    const key = heap.topKey();
    const c = heap.pop();
    if (state[c] === 2 || key > T[c]!) continue;
    state[c] = 2;
    const tc = T[c]!;
    if (endOf.size > 0) {
      const ends = endOf.get(c);
      if (ends) for (const e of ends) {
        if (fired[e]) continue;
        fired[e] = 1;
        const l = links[e >> 1]!;
        const isTo = (e & 1) === 0;
        if (!isTo && l.oneWay) continue;
        const targets = isTo ? l.fromCells : l.toCells;
        const v = tc + l.cost;
        for (const t of targets) if (state[t] !== 2 && v < T[t]!) { T[t] = v; state[t] = 1; heap.push(v, t); }
      }
    }
    const f = floorOf[c]!;
    const g = grids[f]!, off = offsets[f]!, nx = g.nx, ny = g.ny, sp = speed[f]!;
    const local = c - off, i = local % nx, j = (local - i) / nx;
    for (let k = 0; k < 4; k++) {
      const ni = k === 0 ? i - 1 : k === 1 ? i + 1 : i, nj = k === 2 ? j - 1 : k === 3 ? j + 1 : j;
      if (ni < 0 || nj < 0 || ni >= nx || nj >= ny) continue;
      const nl = nj * nx + ni, n = nl + off;
      if (state[n] === 2 || sp[nl]! <= 0) continue;
      const a = Math.min(ni > 0 && state[n - 1] === 2 ? T[n - 1]! : Infinity, ni < nx - 1 && state[n + 1] === 2 ? T[n + 1]! : Infinity);
      const b = Math.min(nj > 0 && state[n - nx] === 2 ? T[n - nx]! : Infinity, nj < ny - 1 && state[n + nx] === 2 ? T[n + nx]! : Infinity);
      const cost = g.h / sp[nl]!;
      let t: number;
      if (Math.abs(a - b) >= cost) t = Math.min(a, b) + cost;
      else t = (a + b + Math.sqrt(2 * cost * cost - (a - b) * (a - b))) / 2;
      if (t < T[n]!) { T[n] = t; state[n] = 1; heap.push(t, n); }
    }
  }
  return grids.map((g, f) => Float32Array.from(T.subarray(offsets[f]!, offsets[f]! + g.nx * g.ny)));
}

/** Binary min-heap of (key, cell) with lazy deletion (stale entries are skipped by the caller). */
class MinHeap {
  private keys: Float64Array;
  private vals: Int32Array;
  size = 0;
  constructor(capacity: number) { this.keys = new Float64Array(capacity); this.vals = new Int32Array(capacity); }
  topKey(): number { return this.keys[0]!; }
  push(key: number, val: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2); k.set(this.keys); this.keys = k;
      const v = new Int32Array(this.size * 2); v.set(this.vals); this.vals = v;
    }
    let i = this.size++;
    const keys = this.keys, vals = this.vals;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!; vals[i] = vals[p]!; i = p;
    }
    keys[i] = key; vals[i] = val;
  }
  pop(): number {
    const keys = this.keys, vals = this.vals;
    const top = vals[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const key = keys[n]!, val = vals[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
      if (keys[c]! >= key) break;
      keys[i] = keys[c]!; vals[i] = vals[c]!; i = c;
    }
    keys[i] = key; vals[i] = val;
    return top;
  }
}
