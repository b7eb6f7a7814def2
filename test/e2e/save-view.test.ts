/**
 * "Save view as PNG" in a real browser (Debian Chromium) against `twin serve` with its bundled
 * sample building and a simulated source: in split layout Ctrl+Shift+S downloads one PNG with the
 * 3D and plan canvases side by side at their pixel size over a caption line; in plan layout the
 * top-bar button saves the plan alone. The PNG must not be blank: the WebGL canvases have no
 * preserveDrawingBuffer, so a copy taken outside the task that drew them is empty. Checked by size
 * (a uniform image of the same size compresses to a few KB) and by decoding it in the page: each
 * half has a real share of pixels away from its most common colour. The split image is saved to
 * test-results/save-view.png.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Download, type Page } from 'playwright-core';
import { launchChromium, openWorkbenchPage } from '../helpers/launchChromium';
import { repoRoot, startServe } from '../helpers/twinCli.js';

const shots = join(repoRoot, 'test-results');
mkdirSync(shots, { recursive: true });
const STATS_RE = /^(IFC\w+) · (\d+) storeys? · (\d+) elements?/;
const NAME_RE = /^twin-view-\d{8}-\d{6}\.png$/;

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  const userData = mkdtempSync(join(tmpdir(), 'twin-save-view-e2e-'));
  server = await startServe(['--no-record', '--source', 'testbed:?robots=5&tags=20'], { TWIN_USER_DATA: userData });
  browser = await launchChromium();
  page = await openWorkbenchPage(browser, server.url, { pageErrors, acceptDownloads: true });
  // The session opens the bundled sample building: wait until the IFC worker has loaded it.
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="model-stats"]')?.textContent ?? ''), STATS_RE.source, { timeout: 150_000, polling: 250 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const SLOW = 240_000;

/** Pixel size of the 3D and plan canvases as the page has them now. */
const canvasSizes = () =>
  page.evaluate(() => {
    const size = (sel: string) => {
      const c = document.querySelector<HTMLCanvasElement>(sel);
      return c ? { width: c.width, height: c.height } : null;
    };
    return { viewport: size('[data-region="viewport"] canvas'), plan: size('[data-region="plan"] canvas') };
  });

async function setLayout(mode: '3d' | 'plan' | 'split'): Promise<void> {
  await page.click(`[data-testid="layout-switch"] [data-layout="${mode}"]`);
  await page.waitForSelector(`.workbench[data-view-layout="${mode}"]`);
  // Let the resize observers resize the canvases and the views redraw (software WebGL is slow).
  await page.waitForTimeout(1500);
}

/** PNG signature and IHDR width/height (bytes 16–23). */
function pngHeader(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Size in bytes of a PNG of one flat colour at this size, encoded by the same browser. */
const uniformPngBytes = (width: number, height: number) =>
  page.evaluate(async ([w, hgt]) => {
    const c = document.createElement('canvas');
    c.width = w!;
    c.height = hgt!;
    const g = c.getContext('2d')!;
    g.fillStyle = '#11141a';
    g.fillRect(0, 0, w!, hgt!);
    const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/png'));
    return blob!.size;
  }, [width, height]);

/**
 * Decodes the PNG in the page and, for each horizontal band [x0, x1) × [y0, y1), returns the share
 * of pixels farther than 30 (sum of |ΔRGB|) from the band's most common colour.
 */
const detailShares = (bytes: Buffer, bands: { x0: number; x1: number; y0: number; y1: number }[]) =>
  page.evaluate(async ([b64, rects]) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    return rects.map(({ x0, x1, y0, y1 }) => {
      const d = g.getImageData(x0, y0, x1 - x0, y1 - y0).data;
      const counts = new Map<number, number>();
      for (let i = 0; i < d.length; i += 4) {
        const k = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      let bg = 0;
      let best = -1;
      for (const [k, n] of counts) if (n > best) [bg, best] = [k, n];
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i]! - ((bg >> 16) & 255)) + Math.abs(d[i + 1]! - ((bg >> 8) & 255)) + Math.abs(d[i + 2]! - (bg & 255)) > 30) n++;
      }
      return n / (d.length / 4);
    });
  }, [bytes.toString('base64'), bands] as const);

async function downloadBytes(d: Download): Promise<Buffer> {
  const path = await d.path();
  return readFileSync(path);
}

describe('save view as PNG (twin serve + Chromium)', () => {
  it('Ctrl+Shift+S in split layout downloads the 3D view and the plan side by side with a caption, not blank', async () => {
    await setLayout('split');
    const sizes = await canvasSizes();
    expect(sizes.viewport).not.toBeNull();
    expect(sizes.plan).not.toBeNull();
    const v = sizes.viewport!;
    const p = sizes.plan!;
    expect(v.width).toBeGreaterThan(100);
    expect(p.width).toBeGreaterThan(100);

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.keyboard.press('Control+Shift+S')]);
    expect(download.suggestedFilename()).toMatch(NAME_RE);
    await download.saveAs(join(shots, 'save-view.png'));
    const bytes = await downloadBytes(download);
    const { width, height } = pngHeader(bytes);

    // Both canvases at their pixel size, side by side, and a caption strip under them.
    expect(Math.abs(width - (v.width + p.width))).toBeLessThanOrEqual(2);
    const viewsH = Math.max(v.height, p.height);
    expect(height).toBeGreaterThan(viewsH + 10);
    expect(height).toBeLessThan(viewsH + 80);

    // Not blank: far bigger than a flat image of the same size.
    const flat = await uniformPngBytes(width, height);
    console.log(`save-view: ${width}×${height}, ${bytes.length} bytes; flat image ${flat} bytes; canvases 3D ${v.width}×${v.height}, plan ${p.width}×${p.height}`);
    expect(bytes.length).toBeGreaterThan(20_000);
    expect(bytes.length).toBeGreaterThan(5 * flat);

    // Each half shows something (building, grid), and the caption line has text.
    const [left, right, caption] = await detailShares(bytes, [
      { x0: 0, x1: v.width, y0: 0, y1: v.height },
      { x0: v.width, x1: width, y0: 0, y1: p.height },
      { x0: 0, x1: width, y0: viewsH, y1: height },
    ]);
    console.log(`save-view: detail share 3D ${left!.toFixed(3)}, plan ${right!.toFixed(3)}, caption ${caption!.toFixed(4)}`);
    expect(left).toBeGreaterThan(0.02);
    expect(right).toBeGreaterThan(0.01);
    expect(caption).toBeGreaterThan(0.002);
    expect(pageErrors).toEqual([]);
  }, SLOW);

  it('the top-bar button in plan layout saves the plan alone', async () => {
    await setLayout('plan');
    const { plan } = await canvasSizes();
    expect(plan!.width).toBeGreaterThan(500);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid="save-view-png"]')]);
    expect(download.suggestedFilename()).toMatch(NAME_RE);
    const bytes = await downloadBytes(download);
    const { width, height } = pngHeader(bytes);
    expect(Math.abs(width - plan!.width)).toBeLessThanOrEqual(2);
    expect(height).toBeGreaterThan(plan!.height);
    const [share] = await detailShares(bytes, [{ x0: 0, x1: width, y0: 0, y1: plan!.height }]);
    expect(share).toBeGreaterThan(0.01);
    expect(bytes.length).toBeGreaterThan(3 * (await uniformPngBytes(width, height)));
    await setLayout('split');
  }, SLOW);
});
