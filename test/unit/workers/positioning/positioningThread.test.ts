import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestbedLayout } from '../../../../common/testbedLayout.js';
import { nodeEndpoint } from '../../../../workers/positioning/node/nodeEndpoint.js';
import { PositioningWorkerService } from '../../../../workers/positioning/PositioningWorkerService.js';
import { SyntheticCrowd } from '../../../../workers/positioning/SyntheticCrowd.js';
import { WalkableGrid } from '../../../../workers/positioning/WalkableGrid.js';
import { gridBeacons } from '../../../../workers/positioning/gridBeacons.js';
import { walkableFromLayout } from '../../../../workers/positioning/walkableFromLayout.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-positioning-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('positioning worker thread (positioning.thread.ts)', () => {
  it('positions scans off-thread with the same results as in-thread, columns transferred', async () => {
    const file = join(dir, 'positioning.mjs');
    await build({ entryPoints: ['workers/positioning/positioning.thread.ts'], bundle: true, platform: 'node', format: 'esm', outfile: file, logLevel: 'silent' });
    const walk = walkableFromLayout(buildTestbedLayout());
    const grid = new WalkableGrid(walk.maps);
    const registry = gridBeacons(grid, 300, 4);
    const crowd = new SyntheticCrowd(grid, walk.links, registry, 20, 5);
    const batches = Array.from({ length: 5 }, (_, s) => {
      crowd.step(1);
      return crowd.scans(Date.UTC(2026, 10, 25, 9, 0, s));
    });
    const worker = new Worker(file);
    try {
      const remote = Comlink.wrap<PositioningWorkerService>(nodeEndpoint(worker));
      const local = new PositioningWorkerService();
      const info = await remote.configure(registry, { walkable: walk, seed: 8 });
      local.configure(registry, { walkable: walk, seed: 8 });
      expect(info).toEqual({ beacons: registry.beacons.length, floors: ['1F', '2F', '3F'] });
      for (const b of batches) {
        const r = await remote.processBatch(b);
        const l = local.processBatch(b);
        expect(r.count).toBe(20);
        expect(r.ids).toEqual(l.ids);
        expect(Array.from(r.x)).toEqual(Array.from(l.x));
        expect(Array.from(r.floor)).toEqual(Array.from(l.floor));
        expect(r.x).toBeInstanceOf(Float32Array);
      }
      expect((await remote.stats())!.fixes).toBe(100);
      await expect(remote.configure({ beacons: [registry.beacons[0]!, registry.beacons[0]!] })).rejects.toThrow(registry.beacons[0]!.id);
    } finally {
      await worker.terminate();
    }
  });
});
