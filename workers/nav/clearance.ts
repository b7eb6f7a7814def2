/**
 * Where a body can get out from, allowing for its width: the cells connected to a set of exits through cells with
 * enough clearance to the nearest wall (and through the links, in their walking direction).
 *
 * The exit fields (fastMarching) run over every walkable cell, so a spot walled in but for gaps narrower than a
 * body still has a finite travel time: an agent placed there walked on the spot until maxTime and left the run
 * unfinished (office-a, "S202 STAIR", 0.06 m gaps round a stair flight). The locomotion model lets a body move on
 * while its wall distance stays at least half of it (moveSlots, slotStages.ts: a step that halves the clearance
 * below the radius is refused), so the clearance asked for here is `radius / 2`; a link end is reached when the
 * body's centre comes within `linkReach` of its segment, so those cells count as passable (a stair head often
 * lies along a stairwell's edge, which is a wall).
 */
import type { Segment } from '../../common/scenario.js';
import type { NavMap } from './NavMap.js';
import { distanceToSegment } from './planarGeometry.js';

export interface ClearanceOptions {
  /** Least distance from a cell centre to the nearest wall for a body to pass, m. */
  clearance: number;
  /** A body's centre within this of a link end's segment reaches the link, m. */
  linkReach: number;
  /** Exits narrower than this (the body's width, m) let nobody out: at a 0.2 m exit 50 people of 0.4 m stood till the end. */
  minExitWidth?: number;
}

/** Per floor, 1 where a body can reach one of `exits` (scenario exit indices; closed ones are ignored), else 0. */
export function reachableWithClearance(nav: NavMap, exits: readonly number[], opts: ClearanceOptions): Uint8Array[] {
  const { grids, links } = nav;
  const reach = grids.map((g) => new Uint8Array(g.nx * g.ny));
  // Cells within reach of each link end ([2k] from, [2k + 1] to), flagged per floor in `band`.
  const band = grids.map((g) => new Uint8Array(g.nx * g.ny));
  const endCells = links.flatMap((l) => [markBand(nav, l.fromFloor, l.from, opts.linkReach, band[l.fromFloor]!), markBand(nav, l.toFloor, l.to, opts.linkReach, band[l.toFloor]!)]);
  const endsOn = grids.map((_, f) => links.flatMap((l, k) => [...(l.fromFloor === f ? [2 * k] : []), ...(l.toFloor === f ? [2 * k + 1] : [])]));
  const offsets: number[] = [];
  let total = 0;
  for (const g of grids) { offsets.push(total); total += g.nx * g.ny; }
  const queue = new Int32Array(total);
  let head = 0, tail = 0;
  const push = (f: number, c: number): void => {
    if (reach[f]![c]) return;
    reach[f]![c] = 1;
    queue[tail++] = offsets[f]! + c;
  };
  const wanted = new Set(exits);
  grids.forEach((g, f) => {
    const portals = nav.portals[f]!;
    for (let c = 0; c < g.portal.length; c++) {
      const p = g.portal[c]!;
      if (p < 0) continue;
      const portal = portals[p]!;
      if (portal.kind === 'exit' && wanted.has(portal.exit) && portal.width + 1e-9 >= (opts.minExitWidth ?? 0)) push(f, c);
    }
  });
  const fired = new Uint8Array(2 * links.length);
  let floor = 0;
  while (head < tail) {
    const gc = queue[head++]!;
    while (floor + 1 < grids.length && gc >= offsets[floor + 1]!) floor++;
    while (gc < offsets[floor]!) floor--;
    const f = floor, g = grids[f]!, c = gc - offsets[f]!;
    if (band[f]![c]) {
      // A link end touched from here: its other end reaches the exits too, where people may walk that way.
      const [x, y] = g.centre(c);
      for (const e of endsOn[f]!) {
        if (fired[e]) continue;
        const l = links[e >> 1]!, from = (e & 1) === 0, seg = from ? l.from : l.to;
        if (distanceToSegment(x, y, seg[0][0], seg[0][1], seg[1][0], seg[1][1]) > opts.linkReach) continue;
        fired[e] = 1;
        if (from && l.oneWay) continue; // nobody walks to → from
        const of = from ? l.toFloor : l.fromFloor, og = grids[of]!;
        for (const k of endCells[e ^ 1]!) if (og.kind[k] !== 0) push(of, k);
      }
    }
    const nx = g.nx, i = c % nx, j = (c - i) / nx;
    for (let k = 0; k < 4; k++) {
      const ni = k === 0 ? i - 1 : k === 1 ? i + 1 : i, nj = k === 2 ? j - 1 : k === 3 ? j + 1 : j;
      if (ni < 0 || nj < 0 || ni >= nx || nj >= g.ny) continue;
      const n = nj * nx + ni;
      if (reach[f]![n] || g.kind[n] === 0) continue;
      if (g.kind[n] === 1 && g.wallDist[n]! < opts.clearance && g.portal[n]! < 0 && !band[f]![n]) continue;
      push(f, n);
    }
  }
  return reach;
}

/** The cells of floor f whose centre lies within `reach` of the segment, also flagged in `out`. */
function markBand(nav: NavMap, f: number, seg: Segment, reach: number, out: Uint8Array): Int32Array {
  const cells: number[] = [];
  const g = nav.grids[f]!, h = g.h;
  const [[ax, ay], [bx, by]] = seg;
  const i0 = Math.max(0, Math.floor((Math.min(ax, bx) - reach - g.x0) / h)), i1 = Math.min(g.nx - 1, Math.floor((Math.max(ax, bx) + reach - g.x0) / h));
  const j0 = Math.max(0, Math.floor((Math.min(ay, by) - reach - g.y0) / h)), j1 = Math.min(g.ny - 1, Math.floor((Math.max(ay, by) + reach - g.y0) / h));
  for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) {
    const x = g.x0 + (i + 0.5) * h, y = g.y0 + (j + 0.5) * h;
    if (distanceToSegment(x, y, ax, ay, bx, by) <= reach) { out[j * g.nx + i] = 1; cells.push(j * g.nx + i); }
  }
  return Int32Array.from(cells);
}
