import { describe, expect, it } from 'vitest';
import { distanceFromRssi, expectedRssi } from '../../../../workers/positioning/pathLoss.js';

describe('log-distance path loss', () => {
  it('gives txPower at 1 m and loses 10·n dB per decade', () => {
    expect(expectedRssi(-59, 1, 2)).toBeCloseTo(-59, 9);
    expect(expectedRssi(-59, 10, 2)).toBeCloseTo(-79, 9);
    expect(expectedRssi(-59, 10, 3)).toBeCloseTo(-89, 9);
  });
  it('clamps distances below 0.1 m so a phone on the beacon stays finite', () => {
    expect(expectedRssi(-59, 0, 2)).toBeCloseTo(-59 + 20, 9);
    expect(expectedRssi(-59, 0.01, 2)).toBe(expectedRssi(-59, 0.1, 2));
  });
  it('distanceFromRssi inverts expectedRssi', () => {
    for (const d of [0.5, 1, 3.7, 12, 40]) expect(distanceFromRssi(expectedRssi(-61, d, 2.4), -61, 2.4)).toBeCloseTo(d, 6);
  });
});
