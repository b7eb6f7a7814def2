/**
 * Positions of a playback track at time t (s), linearly interpolated between the two samples around
 * t, for one scenario floor: interleaved x,y (metres, building frame) into `out` (count × 2).
 * `playbackFrame` reads the people, `robotFrame` the robots. Entries gone (left, on stairs, on
 * another floor) get NaN, which deck.gl and the 3D points skip. Hot path: writes into a
 * caller-owned array, no allocation.
 */
import type { MaxDensityGrid, PlaybackTrack } from '../../../workers/sim/SimWorkerService.js';

/** People of `track` on `floor` at time t; returns how many are visible. */
export function playbackFrame(track: PlaybackTrack, t: number, floor: number, out: Float32Array): number {
  return interpolate(track, track.x, track.y, track.floor, track.agents, t, floor, out);
}

/** Robots of `track` on `floor` at time t; returns how many are visible. */
export function robotFrame(track: PlaybackTrack, t: number, floor: number, out: Float32Array): number {
  const r = track.robots;
  return interpolate(track, r.x, r.y, r.floor, r.count, t, floor, out);
}

function interpolate(track: PlaybackTrack, xs: Float32Array, ys: Float32Array, fl: Uint8Array, n: number, t: number, floor: number, out: Float32Array): number {
  if (track.frames === 0 || n === 0) { out.fill(NaN); return 0; }
  const ft = Math.min(Math.max(t / track.interval, 0), track.frames - 1);
  const f0 = Math.floor(ft), f1 = Math.min(f0 + 1, track.frames - 1), w = ft - f0;
  let visible = 0;
  for (let i = 0; i < n; i++) {
    const a = f0 * n + i, b = f1 * n + i;
    const x0 = xs[a]!, y0 = ys[a]!;
    if (Number.isNaN(x0) || fl[a] !== floor) { out[2 * i] = NaN; out[2 * i + 1] = NaN; continue; }
    const x1 = xs[b]!, y1 = ys[b]!;
    const same = !Number.isNaN(x1) && fl[b] === floor;
    out[2 * i] = same ? x0 + (x1 - x0) * w : x0;
    out[2 * i + 1] = same ? y0 + (y1 - y0) * w : y0;
    visible++;
  }
  return visible;
}

/**
 * People per cell of `grid` (a floor's max-density grid: same cells, same origin) at time t, from the track
 * sample nearest to t — the sampling the max-density map takes its maximum over, so the largest count per
 * cell over all samples, over the cell's walkable area (grid.area), is that map. Writes `counts` (grid.cols × grid.rows); returns
 * the largest count. Hot path: no allocation.
 */
export function frameCounts(track: PlaybackTrack, t: number, grid: MaxDensityGrid, counts: Uint16Array): number {
  counts.fill(0);
  if (track.frames === 0) return 0;
  const n = track.agents, base = nearestSample(track, t) * n;
  let most = 0;
  for (let i = 0; i < n; i++) {
    const x = track.x[base + i]!, y = track.y[base + i]!;
    if (Number.isNaN(x) || track.floor[base + i] !== grid.floor) continue;
    const cx = Math.floor((x - grid.minX) / grid.cellSize), cy = Math.floor((y - grid.minY) / grid.cellSize);
    if (cx < 0 || cy < 0 || cx >= grid.cols || cy >= grid.rows) continue;
    const c = ++counts[cy * grid.cols + cx]!;
    if (c > most) most = c;
  }
  return most;
}

/** Index of the track sample nearest to time t, s (0 for an empty track). */
export function nearestSample(track: PlaybackTrack, t: number): number {
  return Math.min(Math.max(Math.round(t / track.interval), 0), Math.max(0, track.frames - 1));
}
