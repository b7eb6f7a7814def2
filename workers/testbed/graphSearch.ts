/**
 * Shortest-path pieces for WalkGraph's restricted search (routeWithin): a compressed adjacency of its edges and a
 * typed-array binary heap. No per-node objects.
 */
/** Compressed adjacency (both directions) of undirected edges [a, b, metres]. */
export function csr(n: number, edges: readonly [number, number, number][]): { start: Int32Array; to: Int32Array; w: Float64Array } {
  const start = new Int32Array(n + 1);
  for (const [a, b] of edges) { start[a + 1]!++; start[b + 1]!++; }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n), to = new Int32Array(2 * edges.length), w = new Float64Array(2 * edges.length);
  for (const [a, b, m] of edges) {
    to[fill[a]!] = b; w[fill[a]!++] = m;
    to[fill[b]!] = a; w[fill[b]!++] = m;
  }
  return { start, to, w };
}

/** Binary min-heap of (key, node) in typed arrays, with room for `capacity` pushes (lazy deletion: stale entries are skipped by the caller). */
export class MinHeap {
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.vals = new Int32Array(capacity);
  }
  push(key: number, val: number): void {
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.keys[i] = this.keys[p]!; this.vals[i] = this.vals[p]!; i = p;
    }
    this.keys[i] = key; this.vals[i] = val;
  }
  topKey(): number {
    return this.keys[0]!;
  }
  pop(): number {
    const top = this.vals[0]!, n = --this.size;
    const key = this.keys[n]!, val = this.vals[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.keys[c + 1]! < this.keys[c]!) c++;
      if (this.keys[c]! >= key) break;
      this.keys[i] = this.keys[c]!; this.vals[i] = this.vals[c]!; i = c;
    }
    this.keys[i] = key; this.vals[i] = val;
    return top;
  }
}
