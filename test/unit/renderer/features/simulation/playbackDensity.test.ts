/**
 * The density-at-playback-time map (frameCounts) against the run's maximum-density map: same cells, same samples,
 * so its maximum over the run's samples is that map, and at a given time it counts the people standing there.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../../../common/scenario.js';
import { frameCounts } from '../../../../../renderer/features/simulation/PlaybackFrame.js';
import { SimWorkerService } from '../../../../../workers/sim/SimWorkerService.js';

/** 40 people in the west half of a 12 m × 6 m room with a 1 m exit in the east wall: a jam builds at the exit. */
const room: Scenario = {
  name: 'jam', seed: 5, maxTime: 200,
  floors: [{ id: 'F0', walkable: [[[0, 0], [12, 0], [12, 6], [0, 6]]] }],
  exits: [{ id: 'east', floor: 'F0', segment: [[12, 2.5], [12, 3.5]] }],
  agentGroups: [{ id: 'g', floor: 'F0', area: [[0.5, 0.5], [6, 0.5], [6, 5.5], [0.5, 5.5]], count: 40 }],
};

describe('density at the playback time', () => {
  it('counts who stands in each 2 m cell at the nearest sample; over all samples its maximum is the max-density map', async () => {
    const out = await new SimWorkerService('unused/').run(JSON.stringify(room), { runs: 1, seed: 5 });
    const g = out.maxDensity[0]!, { track } = out, counts = new Uint16Array(g.cols * g.rows), most = new Float32Array(g.cols * g.rows);
    // t = 0: everybody in the west half (the first sample may be a step in), nobody east of x = 8
    expect(frameCounts(track, 0, g, counts)).toBeGreaterThan(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) if (g.minX + c * g.cellSize >= 8) expect(counts[r * g.cols + c]).toBe(0);
    // between two samples the nearest one is shown: 0.2 s after t = 0 is still t = 0, 0.3 s is the next sample
    const first = counts.slice();
    frameCounts(track, 0.2, g, counts);
    expect(counts).toEqual(first);
    // over every sample, the largest count per cell over its walkable area is the run's maximum-density map
    for (let f = 0; f < track.frames; f++) {
      frameCounts(track, f * track.interval, g, counts);
      for (let k = 0; k < counts.length; k++) most[k] = Math.max(most[k]!, counts[k]! / g.area[k]!);
    }
    expect(Array.from(most)).toEqual(Array.from(g.density));
    expect(Math.max(...g.density)).toBeGreaterThan(1); // the jam at the exit
    // later on fewer are inside: the counts follow the people out
    frameCounts(track, 20, g, counts);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThan(40);
  });
});
