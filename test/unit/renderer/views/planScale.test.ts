import { describe, it, expect } from 'vitest';
import { niceStep, planGridLayers, visibleBounds, type Rgba } from '../../../../renderer/views/plan/planGridLayers.js';
import { scaleBar } from '../../../../renderer/views/plan/scaleBar.js';

describe('plan grid and scale bar', () => {
  it('grid steps are 1-2-5 × 10^k and never finer than asked', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.2)).toBe(2);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(6)).toBe(10);
    expect(niceStep(0.03)).toBe(0.05);
  });

  it('draws the grid around the building, and none (instead of hanging the page) where a damaged model put the view 1e299 m out', () => {
    const c: Rgba = [0, 0, 0, 255];
    const colors = { gridMinor: c, gridMajor: c, axisX: c, axisY: c };
    const lines = (target: [number, number], zoom: number) => (planGridLayers(target, zoom, 800, 600, colors)[0]!.props.data as unknown[]).length;
    const near = lines([30, 20], 3);
    expect(near).toBeGreaterThan(20);
    expect(near).toBeLessThan(200);
    // 1e299 m: i++ no longer changes i there (the old loop never ended).
    expect(lines([5e299, 0], -10)).toBe(0);
    expect(lines([0, -5e299], -10)).toBe(0);
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
