/**
 * A small line chart on a canvas for the inspector (speed, battery history): the last samples of
 * one entity against time, with the latest value and unit. Redrawn from the entity's history ring
 * a few times a second; sized to its element with the device pixel ratio.
 */
export interface HistoryChartOptions {
  label: string;
  unit: string;
  /** Fixed y range, or null to fit the data (from 0). */
  range: [number, number] | null;
  format: (v: number) => string;
  colour: string;
}

export class HistoryChart {
  readonly el: HTMLCanvasElement;
  private readonly t = new Float64Array(240);
  private readonly v = new Float32Array(240);

  constructor(private readonly opts: HistoryChartOptions) {
    this.el = document.createElement('canvas');
    this.el.className = 'entity-chart';
    this.el.setAttribute('aria-label', `${opts.label} history`);
  }

  /** Draws n samples read by `fill(t, v)` (oldest first). */
  draw(fill: (t: Float64Array, v: Float32Array) => number): void {
    const n = fill(this.t, this.v);
    const canvas = this.el;
    const dpr = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth || 240));
    const h = Math.max(1, Math.round(canvas.clientHeight || 64));
    if (canvas.width !== w * dpr || canvas.height !== h * dpr) { canvas.width = w * dpr; canvas.height = h * dpr; }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const style = getComputedStyle(canvas);
    const muted = style.getPropertyValue('--text-muted').trim() || '#8a93a3';
    const grid = style.getPropertyValue('--border').trim() || 'rgba(140,150,165,0.25)';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = muted;
    ctx.textBaseline = 'top';
    ctx.fillText(this.opts.label, 4, 2);
    const last = n > 0 ? this.v[n - 1]! : Number.NaN;
    const value = Number.isNaN(last) ? '—' : `${this.opts.format(last)} ${this.opts.unit}`;
    ctx.textAlign = 'right';
    ctx.fillText(value, w - 4, 2);
    ctx.textAlign = 'left';
    const top = 18, bottom = h - 4, left = 4, right = w - 4;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, bottom + 0.5); ctx.lineTo(right, bottom + 0.5);
    ctx.stroke();
    if (n < 2) return;
    let lo = 0, hi = 1;
    if (this.opts.range) [lo, hi] = this.opts.range;
    else {
      hi = 0;
      for (let i = 0; i < n; i++) if (this.v[i]! > hi) hi = this.v[i]!;
      hi = hi > 0 ? hi * 1.15 : 1;
    }
    const t0 = this.t[0]!, t1 = Math.max(this.t[n - 1]!, t0 + 1);
    const X = (t: number) => left + ((t - t0) / (t1 - t0)) * (right - left);
    const Y = (v: number) => bottom - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * (bottom - top);
    ctx.strokeStyle = this.opts.colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < n; i++) {
      const v = this.v[i]!;
      if (Number.isNaN(v)) { pen = false; continue; }
      if (pen) ctx.lineTo(X(this.t[i]!), Y(v)); else ctx.moveTo(X(this.t[i]!), Y(v));
      pen = true;
    }
    ctx.stroke();
    ctx.fillStyle = muted;
    ctx.textBaseline = 'bottom';
    ctx.fillText(`${Math.round((t1 - t0) / 1000)} s`, left, bottom - 1);
  }
}
