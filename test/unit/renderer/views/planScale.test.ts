import { describe, it, expect } from 'vitest';
import { niceStep, visibleBounds } from '../../../../renderer/views/plan/planGridLayers.js';
import { scaleBar } from '../../../../renderer/views/plan/scaleBar.js';

describe('plan grid and scale bar', () => {
  it('grid steps are 1-2-5 × 10^k and never finer than asked', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.2)).toBe(2);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(6)).toBe(10);
    expect(niceStep(0.03)).toBe(0.05);
  });

  it('visible bounds follow zoom (2^zoom px per metre) around the target', () => {
    expect(visibleBounds([10, 20], 1, 400, 200)).toEqual({ minX: -90, maxX: 110, minY: -30, maxY: 70 });
  });

  it('the scale bar shows a round length no wider than asked', () => {
    const b = scaleBar(4, 120); // 4 px per metre → at most 30 m
    expect(b.metres).toBe(20);
    expect(b.px).toBe(80);
    expect(b.label).toBe('20 m');
    expect(scaleBar(1000, 120).label).toBe('100 mm');
    expect(scaleBar(0.05, 120).label).toBe('2 km');
  });
});
