/**
 * The walkable network of the testbed layout: where robots and people can go, and the shortest
 * way there.
 *
 * Nodes: each door gives one node on each side (0.35 m into either space, so a path "through"
 * the door really crosses the wall there); each reflex corner of a space polygon gives a node
 * 0.5 m inside it (shortest paths in a polygon bend only at reflex corners, so the corridor
 * ring routes round the atrium); each stair flight gives a node at its bottom and top. Edges:
 * nodes of the same space that see each other in a straight line (metres), door sides (the
 * door's depth), stair flights (walking length × `STAIR_COST_FACTOR`, because people climb at
 * about half their level speed). All-pairs shortest paths are precomputed (Floyd–Warshall, a
 * few hundred nodes) so a route query is a handful of visibility tests plus a table walk.
 */
import type { TestbedLayout } from '../../common/testbedLayout.js';
import { distanceToRing, distanceToSegment, pointInRing, ringBounds, ringCentroid, segmentInsideRing, signedArea, type Ring } from './planGeometry.js';
import { csr, MinHeap } from './graphSearch.js';

/** Stair edges cost their length times this (climbing/descending ≈ half the level speed). */
export const STAIR_COST_FACTOR = 2;
const DOOR_NUDGE_M = 0.35;
const CORNER_INSET_M = 0.5;
/** Portal nodes along an open boundary are at most this far apart (m), so wide openings are crossed where it is shortest. */
const PORTAL_SPACING_M = 6;
/** Sampling step along shared edges when looking for wall-free gaps (m). */
const GAP_STEP_M = 0.25;

export interface WalkSpace {
  index: number;
  id: string;
  name: string;
  storey: number;
  usage: TestbedLayout['spaces'][number]['usage'];
  ring: Ring;
  bounds: [number, number, number, number];
  area: number;
  centroid: [number, number];
  /** Node indices inside this space. */
  nodes: number[];
}

/** A route written into caller-owned columns (no allocation per query on the hot path). */
export interface RouteBuffer {
  x: Float64Array;
  y: Float64Array;
  storey: Int32Array;
}

export class WalkGraph {
  readonly spaces: WalkSpace[] = [];
  /** Space indices per storey index. */
  readonly spacesByStorey: number[][] = [];
  // Node columns: set once, by the constructor or (routes: 'deferred') by `buildSlices()`; read-only to users.
  nodeX = new Float64Array(0);
  nodeY = new Float64Array(0);
  nodeStorey = new Int32Array(0);
  nodeSpace = new Int32Array(0);
  nodeCount = 0;
  /** Connected component of every node (nodes that reach each other share it), whatever `routes` was. */
  nodeComponent = new Int32Array(0);
  private dist = new Float64Array(0);
  private nextHop = new Int32Array(0);
  /** Edges [a, b, metres] the route table is built from (kept for `routeTableSlices`). */
  private edges: readonly [number, number, number][] = [];
  /** Nodes of the last `route` (start side first), for `routeWithin`'s check. */
  private routeNodes = new Int32Array(64);
  private routeNodeCount = 0;
  /** Adjacency of `edges` (CSR), built on the first `routeWithin` that needs a search. */
  private adjacency: { start: Int32Array; to: Int32Array; w: Float64Array } | null = null;
  /** The node/edge build still to run (routes: 'deferred'), driven by `buildSlices()`. */
  private pending: Generator<void, void> | null = null;

  /**
   * `options.routes: false` skips the all-pairs table (O(nodes³), seconds for a large model): only
   * `nodeComponent`, `spaceAt` and `randomPointIn` then work — enough to check reachability.
   * `options.routes: 'deferred'` builds only the spaces here: the caller drives `buildSlices()` to
   * completion before using the graph (TestbedSimulator.create: a large model's nodes, edges and
   * route table take ~1 s, which must not block the event loop in one piece).
   */
  constructor(layout: Pick<TestbedLayout, 'storeys' | 'spaces' | 'doors' | 'stairs' | 'walls'>, options: { routes?: boolean | 'deferred' } = {}) {
    const nodes = this.nodeSlices(layout);
    if (options.routes === 'deferred') { this.pending = nodes; return; }
    for (const _ of nodes);
    if (options.routes === false) return;
    for (const _ of this.routeTableSlices());
  }

  /** Builds what `routes: 'deferred'` left out — nodes, edges, then the route table — yielding between slices. */
  *buildSlices(): Generator<void, void> {
    const nodes = this.pending;
    if (!nodes) throw new Error('WalkGraph.buildSlices: only for a graph constructed with routes: "deferred", once');
    this.pending = null;
    yield* nodes;
    yield* this.routeTableSlices();
  }

  /** Spaces, nodes, edges and components; yields after each space pair's portals and each node's visibility edges. */
  private *nodeSlices(layout: Pick<TestbedLayout, 'storeys' | 'spaces' | 'doors' | 'stairs' | 'walls'>): Generator<void, void> {
    const byId = new Map<string, number>();
    for (const s of layout.storeys) this.spacesByStorey[s.index] = [];
    for (const sp of layout.spaces) {
      if (sp.polygon.length < 3) throw new Error(`WalkGraph: space ${sp.id} has fewer than 3 polygon points`);
      const index = this.spaces.length;
      const ring = sp.polygon;
      this.spaces.push({
        index, id: sp.id, name: sp.name, storey: sp.storey, usage: sp.usage, ring,
        bounds: ringBounds(ring), area: Math.abs(signedArea(ring)), centroid: ringCentroid(ring), nodes: [],
      });
      byId.set(sp.id, index);
      (this.spacesByStorey[sp.storey] ??= []).push(index);
    }

    const xs: number[] = [], ys: number[] = [], st: number[] = [], sps: number[] = [];
    const addNode = (x: number, y: number, storey: number, space: number): number => {
      xs.push(x); ys.push(y); st.push(storey); sps.push(space);
      const i = xs.length - 1;
      this.spaces[space]?.nodes.push(i);
      return i;
    };
    const edges: [number, number, number][] = [];

    // Door nodes, one per side.
    for (const door of layout.doors) {
      const sides: number[] = [];
      for (const sid of door.between) {
        if (sid === 'outside') continue;
        const space = byId.get(sid);
        if (space === undefined) throw new Error(`WalkGraph: door ${door.id} names unknown space "${sid}"`);
        const ring = this.spaces[space]!.ring;
        const [nx, ny] = door.orientation === 'x' ? [0, 1] : [1, 0];
        let px = door.x + nx * DOOR_NUDGE_M, py = door.y + ny * DOOR_NUDGE_M;
        if (!pointInRing(ring, px, py)) {
          const qx = door.x - nx * DOOR_NUDGE_M, qy = door.y - ny * DOOR_NUDGE_M;
          if (pointInRing(ring, qx, qy)) { px = qx; py = qy; }
          else {
            const c = this.spaces[space]!.centroid;
            const sgn = (c[0] - door.x) * nx + (c[1] - door.y) * ny >= 0 ? 1 : -1;
            px = door.x + sgn * nx * DOOR_NUDGE_M; py = door.y + sgn * ny * DOOR_NUDGE_M;
          }
        }
        sides.push(addNode(px, py, door.storey, space));
      }
      if (sides.length === 2) edges.push([sides[0]!, sides[1]!, 2 * DOOR_NUDGE_M]);
    }
    yield;

    // Open boundaries: spaces that share an edge with no wall on it (corridor ring, atrium and
    // lobbies are open to each other) get a portal node pair every PORTAL_SPACING_M along the gap.
    for (const list of this.spacesByStorey) {
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = this.spaces[list[i]!]!, b = this.spaces[list[j]!]!;
          for (const [px, py, nx, ny] of openPortals(a, b, layout.walls.filter((w) => w.storey === a.storey))) {
            const ia = addNode(px + nx * DOOR_NUDGE_M, py + ny * DOOR_NUDGE_M, a.storey, a.index);
            const ib = addNode(px - nx * DOOR_NUDGE_M, py - ny * DOOR_NUDGE_M, a.storey, b.index);
            edges.push([ia, ib, 2 * DOOR_NUDGE_M]);
          }
          yield;
        }
      }
    }

    // Reflex corners.
    for (const space of this.spaces) {
      const ring = space.ring;
      const ccw = signedArea(ring) > 0;
      const n = ring.length;
      for (let i = 0; i < n; i++) {
        const p = ring[(i + n - 1) % n]!, v = ring[i]!, q = ring[(i + 1) % n]!;
        const cross = (v[0] - p[0]) * (q[1] - v[1]) - (v[1] - p[1]) * (q[0] - v[0]);
        const reflex = ccw ? cross < -1e-9 : cross > 1e-9;
        if (!reflex) continue;
        const ax = p[0] - v[0], ay = p[1] - v[1], bx = q[0] - v[0], by = q[1] - v[1];
        const la = Math.hypot(ax, ay) || 1, lb = Math.hypot(bx, by) || 1;
        // At a reflex corner the interior lies opposite the bisector of the two edges.
        let dx = -(ax / la + bx / lb), dy = -(ay / la + by / lb);
        const ld = Math.hypot(dx, dy);
        if (ld < 1e-9) continue;
        dx /= ld; dy /= ld;
        const x = v[0] + dx * CORNER_INSET_M * Math.SQRT2, y = v[1] + dy * CORNER_INSET_M * Math.SQRT2;
        if (pointInRing(ring, x, y) && distanceToRing(ring, x, y) > 0.2) addNode(x, y, space.storey, space.index);
      }
    }

    // Stair flights: bottom node on the lower storey, top node on the upper.
    for (const stair of layout.stairs) {
      const lo = this.nodeSpaceFor(stair.fromStorey, stair.bottom[0], stair.bottom[1], stair.id);
      const hi = this.nodeSpaceFor(stair.toStorey, stair.top[0], stair.top[1], stair.id);
      const a = addNode(stair.bottom[0], stair.bottom[1], stair.fromStorey, lo);
      const b = addNode(stair.top[0], stair.top[1], stair.toStorey, hi);
      edges.push([a, b, stair.length * STAIR_COST_FACTOR]);
    }

    // Visibility edges inside each space.
    for (const space of this.spaces) {
      const ns = space.nodes;
      for (let i = 0; i < ns.length; i++) {
        for (let j = i + 1; j < ns.length; j++) {
          const a = ns[i]!, b = ns[j]!;
          if (segmentInsideRing(space.ring, xs[a]!, ys[a]!, xs[b]!, ys[b]!)) edges.push([a, b, Math.hypot(xs[a]! - xs[b]!, ys[a]! - ys[b]!)]);
        }
        yield;
      }
    }

    const n = xs.length;
    this.nodeCount = n;
    this.nodeX = Float64Array.from(xs);
    this.nodeY = Float64Array.from(ys);
    this.nodeStorey = Int32Array.from(st);
    this.nodeSpace = Int32Array.from(sps);
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; }
      return i;
    };
    for (const [a, b] of edges) parent[find(a)] = find(b);
    this.nodeComponent = Int32Array.from({ length: n }, (_, i) => find(i));
    this.edges = edges;
  }

  /**
   * Builds the all-pairs route table (Floyd–Warshall), yielding after every `pivotsPerSlice` pivot
   * nodes so a caller can let its event loop breathe; the table is in place when the generator
   * is done (same result however it is driven). Office A: ~1 500 nodes, n² work per pivot.
   */
  *routeTableSlices(pivotsPerSlice = 2): Generator<void, void> {
    const n = this.nodeCount;
    const d = new Float64Array(n * n).fill(Infinity);
    const nh = new Int32Array(n * n).fill(-1);
    yield;
    for (let i = 0; i < n; i++) { d[i * n + i] = 0; nh[i * n + i] = i; }
    for (const [a, b, w] of this.edges) {
      if (w < d[a * n + b]!) {
        d[a * n + b] = w; d[b * n + a] = w;
        nh[a * n + b] = b; nh[b * n + a] = a;
      }
    }
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        const dik = d[i * n + k]!;
        if (dik === Infinity) continue;
        for (let j = 0; j < n; j++) {
          const alt = dik + d[k * n + j]!;
          if (alt < d[i * n + j]!) { d[i * n + j] = alt; nh[i * n + j] = nh[i * n + k]!; }
        }
      }
      if ((k + 1) % pivotsPerSlice === 0) yield;
    }
    this.dist = d;
    this.nextHop = nh;
  }

  /** The space containing a point on a storey, or -1 (outside every space: walls, voids, outdoors). */
  spaceAt(storey: number, x: number, y: number): number {
    const list = this.spacesByStorey[storey];
    if (!list) return -1;
    for (const i of list) {
      const s = this.spaces[i]!;
      const b = s.bounds;
      if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
      if (pointInRing(s.ring, x, y)) return i;
    }
    return -1;
  }

  /** Shortest walking distance between two nodes (metres, stairs weighted), Infinity when unconnected. */
  nodeDistance(a: number, b: number): number {
    if (this.dist.length === 0 && this.nodeCount > 0) throw new Error('WalkGraph: built with routes: false, no distances');
    return this.dist[a * this.nodeCount + b]!;
  }

  /**
   * Shortest route from (fx, fy) in space `fromSpace` to (tx, ty) in space `toSpace`, written as
   * waypoints into `out` starting at index 0 (the start point itself is not written; the last
   * waypoint is the target). Returns the waypoint count, or 0 when the target is unreachable or
   * the route has more than `out.x.length` waypoints.
   */
  route(fromSpace: number, fx: number, fy: number, toSpace: number, tx: number, ty: number, out: RouteBuffer): number {
    const from = this.spaces[fromSpace], to = this.spaces[toSpace];
    if (!from || !to) return 0;
    if (fromSpace === toSpace && segmentInsideRing(from.ring, fx, fy, tx, ty)) {
      out.x[0] = tx; out.y[0] = ty; out.storey[0] = to.storey;
      return 1;
    }
    const n = this.nodeCount;
    let best = Infinity, bi = -1, bj = -1;
    const srcs = this.visibleNodes(from, fx, fy);
    const dsts = this.visibleNodes(to, tx, ty);
    for (const i of srcs) {
      const di = Math.hypot(this.nodeX[i]! - fx, this.nodeY[i]! - fy);
      for (const j of dsts) {
        const total = di + this.dist[i * n + j]! + Math.hypot(this.nodeX[j]! - tx, this.nodeY[j]! - ty);
        if (total < best) { best = total; bi = i; bj = j; }
      }
    }
    if (bi < 0 || best === Infinity) return 0;
    let k = 0;
    const cap = out.x.length;
    if (this.routeNodes.length < cap) this.routeNodes = new Int32Array(cap);
    let cur = bi;
    for (;;) {
      if (k >= cap) return 0;
      out.x[k] = this.nodeX[cur]!; out.y[k] = this.nodeY[cur]!; out.storey[k] = this.nodeStorey[cur]!;
      this.routeNodes[k] = cur;
      k++;
      if (cur === bj) break;
      cur = this.nextHop[cur * n + bj]!;
      if (cur < 0) return 0;
    }
    if (k >= cap) return 0;
    this.routeNodeCount = k;
    out.x[k] = tx; out.y[k] = ty; out.storey[k] = to.storey;
    return k + 1;
  }

  /**
   * As `route`, through spaces where `allowed[space]` is 1 only (the start and target spaces always count): a robot
   * kept to its zone drives round a room it may not enter, or does not go. The shortest route is taken when it stays
   * inside; else a search over the allowed spaces' nodes. 0 when no route stays inside.
   */
  routeWithin(fromSpace: number, fx: number, fy: number, toSpace: number, tx: number, ty: number, allowed: Uint8Array, out: RouteBuffer): number {
    this.routeNodeCount = 0;
    const k = this.route(fromSpace, fx, fy, toSpace, tx, ty, out);
    const ok = (node: number): boolean => {
      const sp = this.nodeSpace[node]!;
      return sp === fromSpace || sp === toSpace || allowed[sp] === 1;
    };
    if (k === 0) return 0;
    let inside = true;
    for (let i = 0; i < this.routeNodeCount && inside; i++) inside = ok(this.routeNodes[i]!);
    return inside ? k : this.searchWithin(fromSpace, fx, fy, toSpace, tx, ty, ok, out);
  }

  /** Dijkstra over the nodes `ok` accepts, from the start's visible nodes to the target's; writes the route as `route` does. */
  private searchWithin(fromSpace: number, fx: number, fy: number, toSpace: number, tx: number, ty: number, ok: (node: number) => boolean, out: RouteBuffer): number {
    const from = this.spaces[fromSpace]!, to = this.spaces[toSpace]!, n = this.nodeCount;
    const adj = (this.adjacency ??= csr(n, this.edges));
    const dist = new Float64Array(n).fill(Infinity), prev = new Int32Array(n).fill(-1);
    const heap = new MinHeap(n + 2 * this.edges.length);
    for (const i of this.visibleNodes(from, fx, fy)) {
      if (!ok(i)) continue;
      const d = Math.hypot(this.nodeX[i]! - fx, this.nodeY[i]! - fy);
      if (d < dist[i]!) { dist[i] = d; heap.push(d, i); }
    }
    while (heap.size) {
      const d = heap.topKey(), u = heap.pop();
      if (d > dist[u]!) continue;
      for (let e = adj.start[u]!; e < adj.start[u + 1]!; e++) {
        const v = adj.to[e]!, alt = d + adj.w[e]!;
        if (alt < dist[v]! && ok(v)) { dist[v] = alt; prev[v] = u; heap.push(alt, v); }
      }
    }
    let best = Infinity, bj = -1;
    for (const j of this.visibleNodes(to, tx, ty)) {
      const total = dist[j]! + Math.hypot(this.nodeX[j]! - tx, this.nodeY[j]! - ty);
      if (total < best) { best = total; bj = j; }
    }
    if (bj < 0 || best === Infinity) return 0;
    let k = 0;
    for (let cur = bj; cur >= 0; cur = prev[cur]!) k++;
    if (k + 1 > out.x.length) return 0;
    let i = k - 1;
    for (let cur = bj; cur >= 0; cur = prev[cur]!, i--) { out.x[i] = this.nodeX[cur]!; out.y[i] = this.nodeY[cur]!; out.storey[i] = this.nodeStorey[cur]!; }
    out.x[k] = tx; out.y[k] = ty; out.storey[k] = to.storey;
    return k + 1;
  }

  /** A uniformly random point inside a space, at least `margin` metres from its boundary when possible. */
  randomPointIn(space: number, rand: () => number, margin = 0.4): [number, number] {
    const s = this.spaces[space]!;
    const [minX, minY, maxX, maxY] = s.bounds;
    for (let tries = 0; tries < 64; tries++) {
      const x = minX + (maxX - minX) * rand(), y = minY + (maxY - minY) * rand();
      if (pointInRing(s.ring, x, y) && (tries > 48 || distanceToRing(s.ring, x, y) >= margin)) return [x, y];
    }
    const nodes = s.nodes;
    if (nodes.length) {
      const i = nodes[Math.floor(rand() * nodes.length)]!;
      return [this.nodeX[i]!, this.nodeY[i]!];
    }
    return [s.centroid[0], s.centroid[1]];
  }

  private visibleNodes(space: WalkSpace, x: number, y: number): number[] {
    const seen: number[] = [];
    for (const i of space.nodes) {
      if (segmentInsideRing(space.ring, x, y, this.nodeX[i]!, this.nodeY[i]!)) seen.push(i);
    }
    return seen.length ? seen : space.nodes;
  }

  private nodeSpaceFor(storey: number, x: number, y: number, what: string): number {
    const inside = this.spaceAt(storey, x, y);
    if (inside >= 0) return inside;
    let best = -1, bestD = Infinity;
    for (const i of this.spacesByStorey[storey] ?? []) {
      const d = distanceToRing(this.spaces[i]!.ring, x, y);
      if (d < bestD) { bestD = d; best = i; }
    }
    if (best < 0) throw new Error(`WalkGraph: ${what} ends on storey ${storey}, which has no spaces`);
    return best;
  }
}

/**
 * Wall-free stretches of the boundary shared by two spaces, as portal points with the unit
 * normal pointing into space `a`: [x, y, nx, ny][]. Gaps narrower than 0.8 m are ignored.
 */
function openPortals(a: WalkSpace, b: WalkSpace, walls: TestbedLayout['walls']): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  const ra = a.ring, rb = b.ring;
  for (let i = 0; i < ra.length; i++) {
    const p = ra[i]!, q = ra[(i + 1) % ra.length]!;
    const ex = q[0] - p[0], ey = q[1] - p[1];
    const len = Math.hypot(ex, ey);
    if (len < 1e-6) continue;
    const ux = ex / len, uy = ey / len;
    for (let j = 0; j < rb.length; j++) {
      const r = rb[j]!, s = rb[(j + 1) % rb.length]!;
      // Collinear: both ends of b's edge on a's edge line.
      const dr = (r[0] - p[0]) * uy - (r[1] - p[1]) * ux;
      const ds = (s[0] - p[0]) * uy - (s[1] - p[1]) * ux;
      if (Math.abs(dr) > 0.05 || Math.abs(ds) > 0.05) continue;
      const tr = (r[0] - p[0]) * ux + (r[1] - p[1]) * uy;
      const ts = (s[0] - p[0]) * ux + (s[1] - p[1]) * uy;
      const lo = Math.max(0, Math.min(tr, ts)), hi = Math.min(len, Math.max(tr, ts));
      if (hi - lo < 0.8) continue;
      // Normal into a: whichever side of the edge a's interior lies on.
      let nx = -uy, ny = ux;
      const mx = p[0] + ux * (lo + hi) / 2, my = p[1] + uy * (lo + hi) / 2;
      if (!pointInRing(ra, mx + nx * 0.1, my + ny * 0.1)) { nx = -nx; ny = -ny; }
      let runStart = -1;
      const flush = (end: number) => {
        if (runStart < 0) return;
        const w = end - runStart;
        if (w >= 0.8) {
          const k = Math.max(1, Math.ceil(w / PORTAL_SPACING_M));
          for (let m = 0; m < k; m++) {
            const t = runStart + (w * (m + 0.5)) / k;
            out.push([p[0] + ux * t, p[1] + uy * t, nx, ny]);
          }
        }
        runStart = -1;
      };
      for (let t = lo + GAP_STEP_M / 2; t < hi; t += GAP_STEP_M) {
        const x = p[0] + ux * t, y = p[1] + uy * t;
        const walled = walls.some((w) => distanceToSegment(x, y, w.a[0], w.a[1], w.b[0], w.b[1]) <= w.thickness / 2 + 0.05);
        if (walled) flush(t - GAP_STEP_M / 2);
        else if (runStart < 0) runStart = t - GAP_STEP_M / 2;
      }
      flush(hi);
    }
  }
  return out;
}

