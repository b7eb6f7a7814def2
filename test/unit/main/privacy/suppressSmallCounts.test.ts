import { describe, expect, it } from 'vitest';
import { countsToCsv, suppressSmallCounts } from '../../../../main/privacy/suppressSmallCounts.js';

const T = Date.UTC(2026, 10, 25, 9, 0, 0);

describe('k-anonymous count exports', () => {
  const rows = [0, 1, 4, 5, 37].map((count, i) => ({ zone: `z${i}`, t: T, count }));

  it('suppresses cells of 1 … k−1 people and keeps zero and ≥ k', () => {
    expect(suppressSmallCounts(rows).map((r) => r.count)).toEqual([0, null, null, 5, 37]);
    expect(suppressSmallCounts(rows, 2).map((r) => r.count)).toEqual([0, null, 4, 5, 37]);
    expect(() => suppressSmallCounts(rows, 0)).toThrow(/k must be/);
  });

  it('writes suppressed cells as <k in CSV', () => {
    const csv = countsToCsv([{ zone: 'Lobby, West', t: T, count: 3 }, { zone: 'Atrium', t: T, count: 12 }]);
    expect(csv).toBe(`zone,time,count\n"Lobby, West",2026-11-25T09:00:00.000Z,<5\nAtrium,2026-11-25T09:00:00.000Z,12\n`);
  });
});
