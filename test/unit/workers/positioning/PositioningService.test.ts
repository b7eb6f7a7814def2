import { describe, expect, it } from 'vitest';
import { ScanSchema, type BeaconRegistry, type PositionRecord, type ScanRecord } from '../../../../common/records.js';
import { buildTestbedLayout } from '../../../../common/testbedLayout.js';
import { PositioningService } from '../../../../workers/positioning/PositioningService.js';
import { SyntheticCrowd } from '../../../../workers/positioning/SyntheticCrowd.js';
import { WalkableGrid } from '../../../../workers/positioning/WalkableGrid.js';
import { gridBeacons } from '../../../../workers/positioning/gridBeacons.js';
import { walkableFromLayout } from '../../../../workers/positioning/walkableFromLayout.js';
import { weightedCentroid } from '../../../../workers/positioning/weightedCentroid.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const layout = buildTestbedLayout();
const walk = walkableFromLayout(layout);
const grid = new WalkableGrid(walk.maps);
const registry: BeaconRegistry = gridBeacons(grid, 400, 7);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const p90 = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length * 0.9)]!;

/** True if (x, y) or a point within 2 cm is walkable (positions are rounded to the centimetre). */
const nearWalkable = (p: PositionRecord) =>
  [0, 0.02, -0.02].some((dx) => [0, 0.02, -0.02].some((dy) => grid.isWalkable(p.floor!, p.x! + dx, p.y! + dy)));

describe('PositioningService against known true paths', () => {
  it('tracks walkers within the error bounds, on walkable cells, and beats the weighted centroid', () => {
    const crowd = new SyntheticCrowd(grid, walk.links, registry, 30, 21);
    const svc = new PositioningService(registry, { walkable: walk, seed: 5 });
    const err: number[] = [];
    const base: number[] = [];
    let floorOk = 0;
    let n = 0;
    for (let s = 0; s < 90; s++) {
      crowd.step(1);
      const scans = crowd.scans(T0 + s * 1000);
      scans.forEach((scan, i) => {
        const p = svc.processScan(scan);
        const c = weightedCentroid(scan, svc.beacons);
        if (s < 10 || !p || !c) return;
        expect(p.t).toBe(scan.t);
        expect(p.id).toBe(scan.device);
        expect(nearWalkable(p)).toBe(true);
        n++;
        err.push(Math.hypot(p.x! - crowd.x[i]!, p.y! - crowd.y[i]!));
        base.push(Math.hypot(c.x - crowd.x[i]!, c.y - crowd.y[i]!));
        if (p.floor === crowd.floors[crowd.floor[i]!]) floorOk++;
      });
    }
    expect(n).toBeGreaterThan(2000);
    expect(median(err)).toBeLessThan(1.8);
    expect(p90(err)).toBeLessThan(3.5);
    expect(floorOk / n).toBeGreaterThan(0.97);
    expect(median(err)).toBeLessThan(median(base));
  });

  it('is deterministic for a seed', () => {
    const run = () => {
      const crowd = new SyntheticCrowd(grid, walk.links, registry, 5, 3);
      const svc = new PositioningService(registry, { walkable: walk, seed: 9 });
      const out: PositionRecord[] = [];
      for (let s = 0; s < 10; s++) {
        crowd.step(1);
        out.push(...svc.processBatch(crowd.scans(T0 + s * 1000)));
      }
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('reports a larger accuracy radius when it knows less (first fix vs settled)', () => {
    const crowd = new SyntheticCrowd(grid, walk.links, registry, 20, 8);
    const svc = new PositioningService(registry, { walkable: walk, seed: 2 });
    const first = svc.processBatch(crowd.scans(T0)).map((p) => p.accuracy!);
    let later: number[] = [];
    for (let s = 1; s < 30; s++) {
      crowd.step(1);
      later = svc.processBatch(crowd.scans(T0 + s * 1000)).map((p) => p.accuracy!);
    }
    expect(median(first)).toBeGreaterThan(median(later));
  });
});

describe('PositioningService bad input', () => {
  const crowd = new SyntheticCrowd(grid, walk.links, registry, 1, 4, { dropout: 0 });
  const room: Record<string, number> = crowd.scanAt(0, 13, 4);

  it('ignores unknown beacons and too-weak readings; a scan left empty gives no fix and is counted', () => {
    const svc = new PositioningService(registry, { walkable: walk });
    expect(svc.processScan({ device: 'd', t: T0, rssi: { 'no-such-beacon': -60 } })).toBeNull();
    expect(svc.processScan({ device: 'd', t: T0 + 1000, rssi: { [registry.beacons[0]!.id]: -115 } })).toBeNull();
    expect(svc.processScan({ device: 'd', t: T0 + 2000, rssi: {} })).toBeNull();
    const st = svc.stats();
    expect(st.emptyScans).toBe(3);
    expect(st.unknownBeaconEntries).toBe(1);
    expect(st.weakEntries).toBe(1);
    expect(st.fixes).toBe(0);
    const p = svc.processScan({ device: 'd', t: T0 + 3000, rssi: { ...room, 'no-such-beacon': -40 } });
    expect(p).not.toBeNull();
    expect(p!.floor).toBe('1F');
  });

  it('drops duplicated and out-of-order scans (older than the device\'s last fix)', () => {
    const svc = new PositioningService(registry, { walkable: walk });
    const scan = (t: number): ScanRecord => ({ device: 'd', t, rssi: room });
    expect(svc.processScan(scan(T0 + 5000))).not.toBeNull();
    expect(svc.processScan(scan(T0 + 5000))).toBeNull();
    expect(svc.processScan(scan(T0 + 4000))).toBeNull();
    expect(svc.processScan(scan(T0 + 6000))!.t).toBe(T0 + 6000);
    const st = svc.stats();
    expect(st.duplicates).toBe(1);
    expect(st.outOfOrder).toBe(1);
    expect(st.fixes).toBe(2);
  });

  it('impossible RSSI is rejected at the edge; −130…−100 dBm passes the edge but is ignored', () => {
    const id = registry.beacons[0]!.id;
    expect(ScanSchema.safeParse({ device: 'd', t: T0, rssi: { [id]: 3 } }).success).toBe(false);
    expect(ScanSchema.safeParse({ device: 'd', t: T0, rssi: { [id]: -131 } }).success).toBe(false);
    const weak = ScanSchema.parse({ device: 'd', t: T0, rssi: { [id]: -120 } });
    const svc = new PositioningService(registry, { walkable: walk });
    expect(svc.processScan(weak)).toBeNull();
    expect(svc.stats()).toMatchObject({ weakEntries: 1, emptyScans: 1 });
  });

  it('rejects a registry with a duplicated beacon id, naming it', () => {
    const b = registry.beacons[0]!;
    expect(() => new PositioningService({ beacons: [b, b] })).toThrow(b.id);
  });
});

describe('floor decision with hysteresis', () => {
  const crowd = new SyntheticCrowd(grid, walk.links, registry, 1, 6, { dropout: 0, sigmaDb: 1 });
  /** A scan heard on floor `f` at (x, y), plus the other floor's beacons boosted by `boost` dB. */
  const mixed = (f: number, x: number, y: number, other: number, boost: number) => {
    const own = crowd.scanAt(f, x, y);
    const leak = crowd.scanAt(other, x, y);
    const out: Record<string, number> = { ...own };
    for (const [id, v] of Object.entries(leak)) out[id] = Math.min(-30, v + boost);
    return out;
  };

  it('keeps its floor through a one-scan burst of the other floor (heard on two floors at once)', () => {
    const svc = new PositioningService(registry, { walkable: walk });
    const floors: string[] = [];
    for (let s = 0; s < 20; s++) {
      const rssi = s === 10 ? mixed(0, 30, 10, 1, 12) : crowd.scanAt(0, 30, 10);
      floors.push(svc.processScan({ device: 'd', t: T0 + s * 1000, rssi })!.floor!);
    }
    expect(new Set(floors)).toEqual(new Set(['1F']));
  });

  it('changes floor promptly at a stair, and lands on the stair', () => {
    const svc = new PositioningService(registry, { walkable: walk });
    const stair = layout.stairs.find((s) => s.fromStorey === 0)!;
    const [sx, sy] = stair.bottom;
    let last: PositionRecord | null = null;
    for (let s = 0; s < 8; s++) last = svc.processScan({ device: 'd', t: T0 + s * 1000, rssi: crowd.scanAt(0, sx + 1, sy) });
    expect(last!.floor).toBe('1F');
    const floors: string[] = [];
    for (let s = 8; s < 16; s++) {
      last = svc.processScan({ device: 'd', t: T0 + s * 1000, rssi: crowd.scanAt(1, sx + 2, sy) });
      floors.push(last!.floor!);
    }
    expect(floors.indexOf('2F')).toBeGreaterThanOrEqual(0);
    expect(floors.indexOf('2F')).toBeLessThanOrEqual(1); // beside a stair one or two clear scans suffice
    expect(floors.at(-1)).toBe('2F');
    expect(Math.hypot(last!.x! - (sx + 2), last!.y! - sy)).toBeLessThan(4);
    expect(svc.stats().floorChanges).toBe(1);
  });

  it('far from any stair, a floor change needs much longer evidence', () => {
    const svc = new PositioningService(registry, { walkable: walk });
    const floors: string[] = [];
    for (let s = 0; s < 6; s++) svc.processScan({ device: 'd', t: T0 + s * 1000, rssi: crowd.scanAt(0, 30, 10) });
    for (let s = 6; s < 20; s++) floors.push(svc.processScan({ device: 'd', t: T0 + s * 1000, rssi: crowd.scanAt(1, 30, 10) })!.floor!);
    expect(floors.slice(0, 3)).toEqual(['1F', '1F', '1F']);
    expect(floors.at(-1)).toBe('2F'); // recovers eventually: the evidence is overwhelming
  });
});

describe('PositioningService memory', () => {
  it('forgets devices silent for forgetAfterS and reuses their slots', () => {
    const crowd = new SyntheticCrowd(grid, walk.links, registry, 1, 4, { dropout: 0 });
    const rssi = crowd.scanAt(0, 13, 4);
    const svc = new PositioningService(registry, { walkable: walk, forgetAfterS: 120 });
    for (let i = 0; i < 50; i++) svc.processScan({ device: `old-${i}`, t: T0, rssi });
    expect(svc.stats().devices).toBe(50);
    svc.processScan({ device: 'new', t: T0 + 200_000, rssi });
    expect(svc.stats().devices).toBe(1);
    // A forgotten device starts afresh: its next scan is not "out of order".
    expect(svc.processScan({ device: 'old-1', t: T0 + 200_500, rssi })).not.toBeNull();
  });
});
