/** The timeline's speed menu: a source's own speed (a testbed at 30×) sits in order, and only while it is the source's. */
import { describe, expect, it } from 'vitest';
import { speedMenu } from '../../../../renderer/shell/TimelineBar.js';

describe('speed menu', () => {
  it('puts a speed of the source’s own in order among the usual ones, and drops it for the next source', () => {
    // Before: "… 60×, 100×, 30×", and 30× stayed when the source changed to a recording at 1×.
    expect(speedMenu(30)).toEqual([0.1, 0.25, 0.5, 1, 2, 4, 8, 10, 16, 30, 60, 100]);
    expect(speedMenu(1)).toEqual([0.1, 0.25, 0.5, 1, 2, 4, 8, 10, 16, 60, 100]);
    expect(speedMenu(1000)).toEqual([0.1, 0.25, 0.5, 1, 2, 4, 8, 10, 16, 60, 100, 1000]);
  });
});
