/**
 * Agent positions of a playback track at time t (s), linearly interpolated between the two
 * samples around t, for one scenario floor: interleaved x,y (metres, building frame) into `out`
 * (agents × 2). Agents gone (left, on stairs, on another floor) get NaN, which deck.gl and the
 * 3D points skip. Hot path: writes into a caller-owned array, no allocation.
 */
import type { PlaybackTrack } from '../../../workers/sim/SimWorkerService.js';

export function playbackFrame(track: PlaybackTrack, t: number, floor: number, out: Float32Array): number {
  const n = track.agents;
  if (track.frames === 0) { out.fill(NaN); return 0; }
  const ft = Math.min(Math.max(t / track.interval, 0), track.frames - 1);
  const f0 = Math.floor(ft), f1 = Math.min(f0 + 1, track.frames - 1), w = ft - f0;
  let visible = 0;
  for (let i = 0; i < n; i++) {
    const a = f0 * n + i, b = f1 * n + i;
    const x0 = track.x[a]!, y0 = track.y[a]!;
    if (Number.isNaN(x0) || track.floor[a] !== floor) { out[2 * i] = NaN; out[2 * i + 1] = NaN; continue; }
    const x1 = track.x[b]!, y1 = track.y[b]!;
    const same = !Number.isNaN(x1) && track.floor[b] === floor;
    out[2 * i] = same ? x0 + (x1 - x0) * w : x0;
    out[2 * i + 1] = same ? y0 + (y1 - y0) * w : y0;
    visible++;
  }
  return visible;
}
