/**
 * Occupancy over the last hour as a step chart on a canvas (one step per minute), axis labels
 * in the canvas's CSS colour; `end` labels the right end (the data clock: a replay's is not now).
 * Redraws fully each call (≤ 61 points).
 */
export function drawOccupancyChart(canvas: HTMLCanvasElement, t: Float64Array, count: Uint16Array, title: string, end = 'now'): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 120;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const style = getComputedStyle(canvas);
  const fg = style.color || '#ccc';
  const accent = style.getPropertyValue('--accent').trim() || '#4aa3ff';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = fg;
  ctx.fillText(title, 6, 12);
  let max = 1;
  for (let i = 0; i < t.length; i++) max = Math.max(max, count[i]!);
  // Whole people at every gridline (0, half, top): the top is even (4, or a multiple of 10).
  const niceMax = max <= 4 ? 4 : Math.ceil(max / 10) * 10;
  const ticks = [0, niceMax / 2, niceMax];
  // The plot starts right of the widest y label ("1640" at 11 px is wider than a fixed 30 px margin).
  const left = Math.max(30, Math.ceil(Math.max(...ticks.map((v) => ctx.measureText(String(v)).width))) + 10);
  const top = 18;
  const bottom = h - 16;
  const right = w - 6;
  const n = t.length;
  if (n === 0) {
    ctx.fillText('no positions yet', left, (top + bottom) / 2);
    return;
  }
  const t0 = t[n - 1]! - 59 * 60_000;
  const x = (tt: number) => left + ((tt - t0) / (60 * 60_000)) * (right - left);
  const y = (v: number) => bottom - (v / niceMax) * (bottom - top);
  ctx.globalAlpha = 0.35;
  ctx.strokeStyle = fg;
  ctx.beginPath();
  for (const v of ticks) {
    ctx.moveTo(left, y(v));
    ctx.lineTo(right, y(v));
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.textAlign = 'right';
  for (const v of ticks) ctx.fillText(String(v), left - 4, y(v) + 4);
  ctx.textAlign = 'left';
  ctx.fillText('−60 min', left, h - 3);
  ctx.textAlign = 'right';
  ctx.fillText(end, right, h - 3);
  ctx.textAlign = 'left';
  ctx.strokeStyle = accent;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const xa = Math.max(left, x(t[i]!));
    const xb = Math.min(right, x(t[i]! + 60_000));
    if (i === 0) ctx.moveTo(xa, y(count[i]!));
    else ctx.lineTo(xa, y(count[i]!));
    ctx.lineTo(xb, y(count[i]!));
  }
  ctx.stroke();
}
