/**
 * The north arrow in the 3D view's corner. Building north is +y, which is three's −z; the arrow
 * turns with the camera's azimuth around the vertical so "N" always points at building north.
 */
import { h } from '../../shell/h.js';

export class NorthArrow {
  readonly dom: HTMLElement;
  private readonly needle: HTMLElement;
  private lastDeg = Number.NaN;

  constructor() {
    this.needle = h('div.north-needle');
    // Static SVG: a two-tone needle and an "N" above it.
    this.needle.innerHTML =
      '<svg viewBox="0 0 40 40" width="40" height="40" aria-hidden="true">' +
      '<circle cx="20" cy="20" r="18" class="north-ring"/>' +
      '<path d="M20 6 L25 20 L20 18 L15 20 Z" class="north-tip"/>' +
      '<path d="M20 34 L25 20 L20 22 L15 20 Z" class="north-tail"/>' +
      '</svg><span class="north-label">N</span>';
    this.dom = h('div.north-arrow', { title: 'North (building +y)', 'data-testid': 'north-arrow' }, this.needle);
  }

  /**
   * `azimuth`: OrbitControls' azimuthal angle in radians (0 = camera south of the target looking
   * north). Seen from there north is straight up; orbiting by θ turns north on screen by θ clockwise.
   */
  setAzimuth(azimuth: number): void {
    const deg = (azimuth * 180) / Math.PI;
    if (Math.abs(deg - this.lastDeg) < 0.1) return;
    this.lastDeg = deg;
    this.needle.style.transform = `rotate(${deg.toFixed(1)}deg)`;
  }
}
