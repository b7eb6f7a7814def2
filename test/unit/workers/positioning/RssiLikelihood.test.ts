import { describe, expect, it } from 'vitest';
import { BeaconTable } from '../../../../workers/positioning/BeaconTable.js';
import { expectedRssi } from '../../../../workers/positioning/pathLoss.js';
import { RssiLikelihood } from '../../../../workers/positioning/RssiLikelihood.js';

const beacons = new BeaconTable({
  beacons: [
    { id: 'a', floor: '1F', x: 0, y: 0, txPower: -59, z: 1.2 },
    { id: 'b', floor: '1F', x: 10, y: 0, txPower: -59, z: 1.2 },
    { id: 'c', floor: '1F', x: 0, y: 10, txPower: -59, z: 1.2 },
    { id: 'd', floor: '2F', x: 5, y: 5, txPower: -59, z: 1.2 },
  ],
}, ['1F', '2F'], 1.2);

describe('RssiLikelihood', () => {
  it('selects the k strongest entries on the floor, strongest first', () => {
    const lk = new RssiLikelihood(beacons, 2.5, 5, 2, 4);
    const used = lk.select(0, Int32Array.of(0, 1, 2, 3), Float32Array.of(-80, -60, -70, -50), 4);
    expect(used).toBe(2);
    expect(Array.from(lk.useIdx)).toEqual([1, 2]); // d (−50) is on 2F: not used
    expect(Array.from(lk.useRssi)).toEqual([-60, -70]);
  });

  it('weights the particle where the readings fit the path-loss model most, normalised to 1', () => {
    const lk = new RssiLikelihood(beacons, 2.5, 5, 8, 3);
    // Truth (3, 2): readings from the model.
    const r = [0, 1, 2].map((b) => expectedRssi(-59, Math.hypot(3 - beacons.x[b]!, 2 - beacons.y[b]!), 2.5));
    const used = lk.select(0, Int32Array.of(0, 1, 2), Float32Array.from(r), 3);
    const px = Float32Array.of(8, 3, 1), py = Float32Array.of(8, 2, 9);
    const w = new Float32Array(3).fill(1 / 3);
    const lost = lk.weigh(px, py, w, 0, 3, used);
    expect(lost).toBe(false);
    expect(w[0]! + w[1]! + w[2]!).toBeCloseTo(1, 5);
    expect(w[1]!).toBeGreaterThan(0.9);
  });

  it('says the cloud is lost when no particle explains the scan', () => {
    const lk = new RssiLikelihood(beacons, 2.5, 5, 8, 2);
    // Every beacon "very near" (−45 dBm) at once: nowhere on the floor fits.
    const used = lk.select(0, Int32Array.of(0, 1, 2), Float32Array.of(-45, -45, -45), 3);
    const w = new Float32Array(2).fill(0.5);
    expect(lk.weigh(Float32Array.of(5, 9), Float32Array.of(5, 9), w, 0, 2, used)).toBe(true);
  });
});
