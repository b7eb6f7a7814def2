import { describe, expect, it } from 'vitest';
import type { BeaconRegistry } from '../../../../common/records.js';
import { BeaconTable } from '../../../../workers/positioning/BeaconTable.js';
import { FloorSelector } from '../../../../workers/positioning/FloorSelector.js';
import { RssiSmoother } from '../../../../workers/positioning/RssiSmoother.js';

// Two floors, two beacons each at the same x/y; a stair at x 0..4, y 0..4 joins them.
const registry: BeaconRegistry = {
  beacons: [
    { id: 'a1', floor: '1F', x: 10, y: 10, txPower: -59 },
    { id: 'a2', floor: '1F', x: 20, y: 10, txPower: -59 },
    { id: 'b1', floor: '2F', x: 10, y: 10, txPower: -59 },
    { id: 'b2', floor: '2F', x: 20, y: 10, txPower: -59 },
  ],
};
const stair = { id: 's', floorA: '1F', floorB: '2F', polygon: [[0, 0], [4, 0], [4, 4], [0, 4]] as [number, number][] };

function setup() {
  const beacons = new BeaconTable(registry, ['1F', '2F']);
  const smoother = new RssiSmoother(beacons.size, 1); // alpha 1: the newest reading only, so each scan is its own evidence
  smoother.grow(4);
  const sel = new FloorSelector(beacons, smoother, [stair], { hysteresisDb: 4, confirmScans: 2, linkRadius: 6 });
  sel.grow(4);
  sel.reset(0);
  smoother.reset(0);
  const heard = (t: number, f1: number, f2: number) =>
    smoother.update(0, t, Int32Array.of(0, 1, 2, 3), Float32Array.of(f1, f1, f2, f2), 4);
  return { sel, heard };
}

describe('FloorSelector', () => {
  it('picks the floor with the strongest evidence (mean of its two strongest beacons)', () => {
    const { sel, heard } = setup();
    heard(1000, -60, -80);
    expect(sel.best(0, 1000)).toBe(0);
    heard(2000, -85, -62);
    expect(sel.best(0, 2000)).toBe(1);
  });

  it('away from a stair, bursts of the other floor (heard on two floors at once) change nothing', () => {
    const { sel, heard } = setup();
    let t = 1000;
    for (let k = 0; k < 5; k++, t += 1000) {
      // Alternating: 2F wins by 10 dB on one scan, 1F the next.
      heard(t, k % 2 ? -60 : -80, k % 2 ? -80 : -70);
      expect(sel.decide(0, 0, sel.best(0, t), 40, 40)).toEqual({ kind: 'stay' });
    }
  });

  it('at a stair one clear scan is enough with confirmScans 2; away from it, 3 × confirmScans in a row', () => {
    const { sel, heard } = setup();
    heard(1000, -85, -62);
    const atStair = sel.decide(0, 0, sel.best(0, 1000), 2, 2);
    expect(atStair.kind).toBe('link');
    expect(atStair.kind === 'link' && atStair.to).toBe(1);

    const far = setup();
    const kinds: string[] = [];
    for (let k = 0; k < 6; k++) {
      far.heard(1000 + k * 1000, -85, -62);
      kinds.push(far.sel.decide(0, 0, far.sel.best(0, 1000 + k * 1000), 40, 40).kind);
    }
    expect(kinds).toEqual(['stay', 'stay', 'stay', 'stay', 'stay', 'far']);
  });

  it('a lead smaller than the hysteresis never changes the floor', () => {
    const { sel, heard } = setup();
    for (let k = 0; k < 10; k++) {
      heard(1000 + k * 1000, -65, -62); // 2F only 3 dB stronger
      expect(sel.decide(0, 0, sel.best(0, 1000 + k * 1000), 2, 2).kind).toBe('stay');
    }
  });
});
