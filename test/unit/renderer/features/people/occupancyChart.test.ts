import { afterEach, describe, expect, it, vi } from 'vitest';
import { drawOccupancyChart } from '../../../../../renderer/features/people/occupancyChart.js';

/** A canvas whose 2D context records fillText calls, measuring 11 px text at 6.2 px a character (about system-ui's digits). */
function recordingCanvas() {
  const texts: { text: string; x: number; align: string }[] = [];
  const ctx = {
    textAlign: 'left', font: '', fillStyle: '', strokeStyle: '', globalAlpha: 1, lineWidth: 1,
    setTransform() {}, clearRect() {}, beginPath() {}, moveTo() {}, lineTo() {}, stroke() {},
    measureText: (s: string) => ({ width: s.length * 6.2 }),
    fillText(text: string, x: number) { texts.push({ text, x, align: this.textAlign }); },
  };
  const canvas = { clientWidth: 283, clientHeight: 120, width: 0, height: 0, getContext: () => ctx } as unknown as HTMLCanvasElement;
  return { canvas, texts };
}

afterEach(() => vi.unstubAllGlobals());

describe('occupancy chart (Occupancy panel)', () => {
  it('y labels of a 1631-person building fit in the canvas and are whole people (office-a: "1635" lost its first digit at the left edge, and a "817.5" line)', () => {
    vi.stubGlobal('getComputedStyle', () => ({ color: '#ccc', getPropertyValue: () => '' }));
    const { canvas, texts } = recordingCanvas();
    const t0 = Date.UTC(2026, 11, 5, 8, 0);
    drawOccupancyChart(canvas, Float64Array.from([t0, t0 + 60_000]), Uint16Array.from([1625, 1631]), 'Occupancy: all spaces');
    const yLabels = texts.filter((l) => l.align === 'right' && /^\d+(\.\d+)?$/.test(l.text));
    expect(yLabels.map((l) => l.text)).toEqual(['0', '820', '1640']);
    for (const l of yLabels) expect(l.x - l.text.length * 6.2).toBeGreaterThanOrEqual(0); // right-aligned at x: starts at x − width
  });

  it('a few people: 0, 2, 4', () => {
    vi.stubGlobal('getComputedStyle', () => ({ color: '#ccc', getPropertyValue: () => '' }));
    const { canvas, texts } = recordingCanvas();
    drawOccupancyChart(canvas, Float64Array.from([0]), Uint16Array.from([3]), 'x');
    expect(texts.filter((l) => l.align === 'right' && /^\d/.test(l.text)).map((l) => l.text)).toEqual(['0', '2', '4']);
  });
});
