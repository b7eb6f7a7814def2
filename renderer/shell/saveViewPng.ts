/**
 * "Save view as PNG": what the views region shows — the 3D canvas, the plan canvas, or both side
 * by side in split layout — at the canvases' pixel size, with a caption line underneath (model,
 * source, the timeline's clock), downloaded as twin-view-YYYYMMDD-HHMMSS.png.
 *
 * The views' WebGL canvases are created without preserveDrawingBuffer, so reading them later
 * than the task that drew them gives a blank picture: each view's `capture()` draws now and
 * copies the pixels into a 2D canvas (`copyCanvas`) in the same task.
 */

/** A 2D copy of a canvas's current pixels (call in the same task as the WebGL draw). */
export function copyCanvas(src: HTMLCanvasElement): HTMLCanvasElement {
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height;
  out.getContext('2d')?.drawImage(src, 0, 0);
  return out;
}

export interface ViewShot {
  /** Pixels of one view (a 2D copy from the view's `capture()`). */
  canvas: HTMLCanvasElement;
  /** Device pixels per CSS pixel of that canvas (scales the caption). */
  scale: number;
}

export interface CaptionParts {
  model: string | null;
  source: string | null;
  /** The clock text the timeline shows ("07:03:12"), null or "—" when none. */
  time: string | null;
}

/** "Model · source · 07:03:12", leaving out what is missing. */
export function captionText(p: CaptionParts): string {
  const parts = [p.model ?? 'No model', p.source ?? 'No source'];
  const t = p.time?.trim();
  if (t && t !== '—') parts.push(t);
  return parts.join('  ·  ');
}

/** "twin-view-20261204-164123.png" in local time. */
export function viewPngName(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `twin-view-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.png`;
}

const CAPTION_CSS_PX = 24;

/** The shots side by side (left to right) over a caption bar, on one 2D canvas. */
export function composeViewImage(shots: readonly ViewShot[], caption: string): HTMLCanvasElement {
  const usable = shots.filter((s) => s.canvas.width > 1 && s.canvas.height > 1);
  if (usable.length === 0) throw new Error('Save view as PNG: no view is drawn (is WebGL available?)');
  const scale = Math.max(1, ...usable.map((s) => s.scale));
  const capH = Math.round(CAPTION_CSS_PX * scale);
  const width = usable.reduce((w, s) => w + s.canvas.width, 0);
  const viewsH = Math.max(...usable.map((s) => s.canvas.height));
  const out = document.createElement('canvas');
  out.width = width;
  out.height = viewsH + capH;
  const g = out.getContext('2d');
  if (!g) throw new Error('Save view as PNG: no 2D canvas context');
  g.fillStyle = '#11141a';
  g.fillRect(0, 0, out.width, out.height);
  let x = 0;
  for (const s of usable) {
    g.drawImage(s.canvas, x, 0);
    x += s.canvas.width;
  }
  g.fillStyle = '#eef1f6';
  g.font = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  g.textBaseline = 'middle';
  const pad = Math.round(8 * scale);
  const brand = 'Twin Workbench';
  const brandW = g.measureText(brand).width;
  g.fillText(caption, pad, viewsH + capH / 2, Math.max(10, width - brandW - 4 * pad));
  g.fillStyle = '#9aa3b2';
  g.textAlign = 'right';
  g.fillText(brand, width - pad, viewsH + capH / 2);
  return out;
}
