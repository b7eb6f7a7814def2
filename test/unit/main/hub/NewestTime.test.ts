import { describe, expect, it } from 'vitest';
import { NewestTime } from '../../../../main/hub/NewestTime.js';

const T0 = Date.UTC(2026, 11, 5, 13, 0, 0);

describe('NewestTime (the hub clock, a live source’s "now")', () => {
  it('does not follow one id far ahead of the receive time, follows the stream, and a jump two ids make', () => {
    const n = new NewestTime();
    n.note(T0, 'robot-00', T0);
    n.note(T0 + 1000, 'robot-01', T0 + 1000);
    n.note(T0 + 365 * 86_400_000, 'robot-future', T0 + 1000);
    expect(n.value).toBe(T0 + 1000);
    n.note(T0 + 365 * 86_400_000 + 500, 'robot-future', T0 + 1500); // the same device again confirms nothing
    n.note(T0 + 2000, 'robot-00', T0 + 2000);
    expect(n.value).toBe(T0 + 2000);
    // A source running 60× ahead of the wall clock moves on in small steps: followed.
    for (let i = 1; i <= 100; i++) n.note(T0 + 2000 + i * 30_000, `robot-0${i % 2}`, T0 + 2000 + i * 500);
    expect(n.value).toBe(T0 + 2000 + 100 * 30_000);
    const before = n.value;
    n.note(before + 7_200_000, 'a', 0);
    n.note(before + 7_200_500, 'b', 0);
    expect(n.value).toBe(before + 7_200_000);
    n.reset();
    n.note(T0 - 86_400_000, 'x', T0);
    expect(n.value).toBe(T0 - 86_400_000);
  });
});
