import { describe, expect, it } from 'vitest';
import { BeaconTable } from '../../../../workers/positioning/BeaconTable.js';
import { FIT_WINDOW, RegistryFit } from '../../../../workers/positioning/RegistryFit.js';
import { CLEAR, MIN_SCANS, RAISE, registryWarning } from '../../../../main/hub/beaconRegistryFit.js';

// Two beacons 40 m apart on one floor, a third on another floor.
const table = new BeaconTable({ beacons: [
  { id: 'a', floor: '1F', x: 0, y: 0, txPower: -59 },
  { id: 'b', floor: '1F', x: 40, y: 0, txPower: -59 },
  { id: 'c', floor: '2F', x: 0, y: 0, txPower: -59 },
] });
const idx = (...b: number[]) => Int32Array.from(b);
const rssi = (...r: number[]) => Float32Array.from(r);

describe('RegistryFit', () => {
  it('calls a scan a misfit when its two strongest beacons lie further apart than their signals allow', () => {
    const fit = new RegistryFit(table, 2.5);
    // −59 dBm is 1 m from each: 40 m apart > 2 × 2 m + 10 m.
    fit.observe(2, 0, idx(0, 1), rssi(-59, -59), 2);
    expect(fit.summary()).toEqual({ scans: 1, unknownShare: 0, judged: 1, misfitShare: 1 });
    // −89 dBm is 15.8 m: 2 × (1 + 15.8) + 10 = 43.6 m > 40 m, so a and b can both be heard from one place.
    fit.observe(2, 0, idx(0, 1), rssi(-59, -89), 2);
    expect(fit.summary().misfitShare).toBe(0.5);
    // The weaker beacon on another floor, or one usable entry: not judged. Unknown entries count apart.
    fit.observe(3, 1, idx(0, 2), rssi(-59, -60), 2);
    fit.observe(4, 3, idx(1), rssi(-70), 1);
    expect(fit.summary()).toEqual({ scans: 4, unknownShare: 4 / 11, judged: 2, misfitShare: 0.5 });
  });

  it('forgets scans older than the window', () => {
    const fit = new RegistryFit(table, 2.5);
    for (let i = 0; i < FIT_WINDOW; i++) fit.observe(2, 2, idx(), rssi(), 0);
    expect(fit.summary()).toMatchObject({ scans: FIT_WINDOW, unknownShare: 1, judged: 0 });
    for (let i = 0; i < FIT_WINDOW / 2; i++) fit.observe(2, 0, idx(0, 1), rssi(-59, -59), 2);
    expect(fit.summary()).toEqual({ scans: FIT_WINDOW, unknownShare: 0.5, judged: FIT_WINDOW / 2, misfitShare: 1 });
    for (let i = 0; i < FIT_WINDOW; i++) fit.observe(2, 0, idx(0, 1), rssi(-59, -89), 2);
    expect(fit.summary()).toEqual({ scans: FIT_WINDOW, unknownShare: 0, judged: FIT_WINDOW, misfitShare: 0 });
  });
});

describe('registryWarning', () => {
  const fit = (unknownShare: number, misfitShare: number, scans = 500, judged = 400) => ({ scans, unknownShare, judged, misfitShare });
  it('warns from RAISE on, holds until both shares are under CLEAR, and judges nothing on too few scans', () => {
    expect(registryWarning(fit(RAISE.unknown - 0.01, 0), 'model', false)).toBeNull();
    expect(registryWarning(fit(RAISE.unknown, 0), 'model', false)).toMatch(/^People positions are unreliable: 50 % of the beacons the scans name are not in the registry\. The workbench placed these beacons on the model/);
    expect(registryWarning(fit(CLEAR.unknown + 0.01, 0), 'model', true)).not.toBeNull();
    expect(registryWarning(fit(CLEAR.unknown - 0.01, CLEAR.misfit - 0.01), 'model', true)).toBeNull();
    expect(registryWarning(fit(0, RAISE.misfit), 'file', false)).toMatch(/in 20 % of the scans the two strongest beacons are too far apart.*Check that the registry you loaded is this deployment's\.$/);
    expect(registryWarning(fit(0, 0.9, 500, 49), 'source', false)).toBeNull();
    expect(registryWarning(fit(1, 1, MIN_SCANS - 1), 'model', false)).toBeNull();
  });
});
