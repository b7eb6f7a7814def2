/**
 * Every IFC in ../shared/ifc (IFC2X3 and IFC4) opened in a real browser the way a user does it
 * without a native dialog: the file goes into the app's file input (what Ctrl+O's picker and a
 * drop both end in), the page uploads it to `twin serve`, and the IFC worker loads it. For each
 * file the Model panel names it with its storeys and > 0 elements, and the 3D view draws the
 * building: a screenshot of the viewport with the model differs, over a real share of its pixels,
 * from the same view with every storey switched off. Then a truncated IFC and a file that is not
 * IFC at all each give an error naming the file, and the last good model stays loaded.
 * Screenshots: test-results/model-<name>.png. Load times go to test-results/model-all-files.json.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, openWorkbenchPage } from '../helpers/launchChromium';
import { repoRoot, sharedDir, startServe } from '../helpers/twinCli.js';

const shots = join(repoRoot, 'test-results');
mkdirSync(shots, { recursive: true });
const ifcDir = join(sharedDir, 'ifc');
const files = readdirSync(ifcDir).filter((f) => f.toLowerCase().endsWith('.ifc')).sort();

/** Decoded 8-bit RGB or RGBA PNG (what Playwright screenshots are): RGBA pixels. */
interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A minimal PNG decoder: 8-bit truecolour (± alpha), non-interlaced, all five row filters. */
function decodePng(png: Buffer): Image {
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8]!;
      const colour = data[9]!;
      if (depth !== 8 || (colour !== 2 && colour !== 6) || data[12] !== 0) throw new Error(`decodePng: unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${data[12]})`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      let v = row[i]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = cur[x * channels]!;
      out[o + 1] = cur[x * channels + 1]!;
      out[o + 2] = cur[x * channels + 2]!;
      out[o + 3] = channels === 4 ? cur[x * channels + 3]! : 255;
    }
    prev.set(cur);
  }
  return { width, height, rgba: out };
}

/** Share of pixels whose colour differs by more than `tol` (sum over R, G, B) between two images. */
function changedShare(a: Image, b: Image, tol = 30): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let n = 0;
  for (let i = 0; i < a.rgba.length; i += 4) {
    if (Math.abs(a.rgba[i]! - b.rgba[i]!) + Math.abs(a.rgba[i + 1]! - b.rgba[i + 1]!) + Math.abs(a.rgba[i + 2]! - b.rgba[i + 2]!) > tol) n++;
  }
  return n / (a.width * a.height);
}

/** Share of pixels not within `tol` of the image's most common colour (the sky behind the grid). */
function nonBackgroundShare(img: Image, tol = 30): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < img.rgba.length; i += 4) {
    const k = (img.rgba[i]! << 16) | (img.rgba[i + 1]! << 8) | img.rgba[i + 2]!;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let bg = 0;
  let best = -1;
  for (const [k, c] of counts) if (c > best) [bg, best] = [k, c];
  const [r, g, b] = [(bg >> 16) & 255, (bg >> 8) & 255, bg & 255];
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4) if (Math.abs(img.rgba[i]! - r) + Math.abs(img.rgba[i + 1]! - g) + Math.abs(img.rgba[i + 2]! - b) > tol) n++;
  return n / (img.width * img.height);
}

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const figures: Record<string, unknown>[] = [];
/** The last good model's fitted view (the bad-file test checks it is still what the viewport shows). */
let lastView: Image | null = null;

// Toasts sit over the viewport corner and fade on their own: leave them out of the pixel comparison.
const HIDE_TOASTS = '[data-region="toasts"] { visibility: hidden !important; }';
const stats = () => page.locator('[data-testid="model-stats"]').innerText();
const title = () => page.locator('[data-testid="model-title"]').innerText();
const STATS_RE = /^(IFC\w+) · (\d+) storeys? · (\d+) elements? drawn · ([\d,.\s\u202f]+) triangles · ([\d.]+) s/;

beforeAll(async () => {
  const userData = mkdtempSync(join(tmpdir(), 'twin-model-all-e2e-'));
  // A light simulated source: this test is about the buildings, not the crowd.
  server = await startServe(['--no-record', '--source', 'testbed:?robots=2&tags=5'], { TWIN_USER_DATA: userData });
  browser = await launchChromium();
  page = await openWorkbenchPage(browser, server.url, { pageErrors });
  // The session starts with the bundled sample building: let it finish so it cannot race the first upload.
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="model-stats"]')?.textContent ?? ''), STATS_RE.source, { timeout: 150_000, polling: 250 });
}, 300_000);

afterAll(async () => {
  writeFileSync(join(shots, 'model-all-files.json'), JSON.stringify(figures, null, 2));
  await browser?.close();
  await server?.stop();
});

/**
 * A viewport screenshot once the picture has settled: software WebGL here draws 1–3 frames a
 * second, so take shots until two in a row differ in under 1 % of their pixels (only the small
 * robot markers still move), at most `maxMs`.
 */
async function settledViewportShot(maxMs = 20_000): Promise<Image> {
  const viewport = page.locator('[data-region="viewport"]').first();
  const end = Date.now() + maxMs;
  let prev = decodePng(await viewport.screenshot({ style: HIDE_TOASTS }));
  for (;;) {
    await page.waitForTimeout(800);
    const cur = decodePng(await viewport.screenshot({ style: HIDE_TOASTS }));
    if (changedShare(prev, cur) < 0.01 || Date.now() > end) return cur;
    prev = cur;
  }
}

/** Puts a file into the app's file input (the path Ctrl+O's picker takes; a drop uploads the same way). */
/** A well-formed IFC4 file with a project, site, building and storey, and nothing to draw. */
const EMPTY_IFC = `ISO-10303-21;
HEADER;
FILE_DESCRIPTION(('ViewDefinition [ReferenceView]'),'2;1');
FILE_NAME('empty-house.ifc','2026-12-04T00:00:00',(''),(''),'','','');
FILE_SCHEMA(('IFC4'));
ENDSEC;
DATA;
#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'Empty',$,$,$,$,$,$);
#2=IFCSITE('1YvctVUKr0kugbFTf53O9L',$,'Site',$,$,$,$,$,.ELEMENT.,$,$,$,$,$);
#3=IFCBUILDING('2YvctVUKr0kugbFTf53O9L',$,'Building',$,$,$,$,$,.ELEMENT.,$,$,$);
#4=IFCBUILDINGSTOREY('3YvctVUKr0kugbFTf53O9L',$,'Level 0',$,$,$,$,$,.ELEMENT.,0.);
#5=IFCRELAGGREGATES('4YvctVUKr0kugbFTf53O9L',$,$,$,#1,(#2));
#6=IFCRELAGGREGATES('5YvctVUKr0kugbFTf53O9L',$,$,$,#2,(#3));
#7=IFCRELAGGREGATES('6YvctVUKr0kugbFTf53O9L',$,$,$,#3,(#4));
ENDSEC;
END-ISO-10303-21;
`;

async function openFile(name: string, buffer: Buffer): Promise<void> {
  await page.locator('[data-testid="model-file-input"]').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
}

const PER_FILE = 240_000;

describe('every shared IFC opens in the browser (twin serve + Chromium)', () => {
  it('finds IFC2X3 and IFC4 files in ../shared/ifc', () => {
    expect(files.length).toBeGreaterThan(0);
    const heads = files.map((f) => readFileSync(join(ifcDir, f), 'latin1').slice(0, 4000));
    expect(heads.some((h) => /FILE_SCHEMA\s*\(\s*\(\s*'IFC2X3'/i.test(h))).toBe(true);
    expect(heads.some((h) => /FILE_SCHEMA\s*\(\s*\(\s*'IFC4/i.test(h))).toBe(true);
  });

  it.each(files)('%s: shows in the Model panel and is drawn in the 3D view', async (file) => {
    const bytes = readFileSync(join(ifcDir, file));
    const t0 = Date.now();
    await openFile(file, bytes);
    await expect.poll(title, { timeout: PER_FILE - 60_000, interval: 250 }).toContain(file);
    await expect.poll(stats, { timeout: 30_000 }).toMatch(STATS_RE);
    const wallMs = Date.now() - t0;
    const m = STATS_RE.exec(await stats())!;
    const [schema, storeys, elements, workerS] = [m[1]!, Number(m[2]), Number(m[3]), Number(m[5])];
    expect(schema).toMatch(/^IFC(2X3|4)/);
    expect(elements).toBeGreaterThan(0);
    expect(storeys).toBeGreaterThan(0);
    expect(await stats()).not.toContain('(cache)');
    // The tree lists every storey (and its elements by type).
    for (let s = 0; s < storeys; s++) expect(await page.locator(`[data-testid="model-storey-${s}"]`).count()).toBe(1);
    expect(await page.locator('[data-testid="model-tree"] details[data-type]').count()).toBeGreaterThan(0);

    // The picture: the fitted model against the same view with every storey (and the unassigned slot) off.
    await page.click('[data-testid="model-fit-all"]');
    const a = await settledViewportShot();
    const checks = page.locator('input[data-testid^="model-storey-visible-"]');
    const nChecks = await checks.count();
    for (let i = 0; i < nChecks; i++) await checks.nth(i).uncheck();
    const b = await settledViewportShot();
    for (let i = 0; i < nChecks; i++) expect(await checks.nth(i).isChecked()).toBe(false);
    await page.click('[data-testid="model-show-all"]');
    for (let i = 0; i < nChecks; i++) expect(await checks.nth(i).isChecked()).toBe(true);
    await settledViewportShot(8_000);
    const name = basename(file, '.ifc');
    await page.screenshot({ path: join(shots, `model-${name}.png`) });

    lastView = a;
    const drawn = changedShare(a, b);
    const notBackground = nonBackgroundShare(a);
    figures.push({ file, mb: +(bytes.length / 2 ** 20).toFixed(2), schema, storeys, elements, wallS: +(wallMs / 1000).toFixed(1), workerS, drawnShare: +drawn.toFixed(3), nonBackgroundShare: +notBackground.toFixed(3) });
    console.log(`[model-all-files] ${file}: ${schema}, ${storeys} storeys, ${elements} elements, upload→shown ${(wallMs / 1000).toFixed(1)} s (worker ${workerS} s), model covers ${(drawn * 100).toFixed(1)} % of the viewport`);
    // A fitted building covers far more than a few stray pixels (robot markers, grid shimmer).
    expect(drawn).toBeGreaterThan(0.03);
    expect(pageErrors).toEqual([]);
  }, PER_FILE);

  it('a truncated IFC and a non-IFC file each give an error naming the file; the previous model stays; a file without geometry is tried again when opened again', async () => {
    const lastFile = files.at(-1)!;
    const before = { title: await title(), stats: await stats() };
    expect(before.title).toContain(lastFile);
    const errors = page.locator('[data-region="toasts"] [data-level="error"]');

    // First half of a shared file: the host refuses the upload (no END-ISO-10303-21;), so the session keeps its model.
    const full = readFileSync(join(ifcDir, files[0]!));
    await openFile('half-model.ifc', full.subarray(0, full.length >> 1));
    await expect.poll(() => errors.allInnerTexts(), { timeout: 120_000 }).toContainEqual(expect.stringMatching(/half-model\.ifc/));
    const truncatedMsg = (await errors.allInnerTexts()).find((t) => t.includes('half-model.ifc'))!;
    expect(truncatedMsg).toMatch(/half-model\.ifc: file is truncated/);
    expect(truncatedMsg).toMatch(/current model stays open/);
    expect(await title()).toBe(before.title);
    expect(await stats()).toBe(before.stats);
    // Shown once, and not retried on every session update (the server still names the broken file).
    await page.waitForTimeout(4000);
    const truncatedToasts = page.locator('[data-region="toasts"] [data-level="error"]', { hasText: 'half-model.ifc' });
    expect(await truncatedToasts.count()).toBe(1);
    expect(await truncatedToasts.first().getAttribute('data-count')).toBeNull();
    expect(await page.locator('[data-testid="model-progress"]').isVisible()).toBe(false);

    // Not IFC at all (a PNG under an .ifc name): refused by name, before any parsing.
    const png = readFileSync(join(shots, `model-${basename(lastFile, '.ifc')}.png`));
    await openFile('holiday-photo.ifc', png);
    await expect.poll(() => errors.allInnerTexts(), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/holiday-photo\.ifc/));
    const notIfcMsg = (await errors.allInnerTexts()).find((t) => t.includes('holiday-photo.ifc'))!;
    expect(notIfcMsg).toMatch(/not an IFC file/);
    expect(notIfcMsg.split('holiday-photo.ifc').length).toBe(2); // the file is named once

    // A file that is not even named .ifc.
    await openFile('notes.txt', Buffer.from('shopping list\n'));
    await expect.poll(() => errors.allInnerTexts(), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/notes\.txt: not an IFC file/));

    await page.waitForTimeout(1000);
    expect(await title()).toBe(before.title);
    expect(await stats()).toBe(before.stats);
    // The previous model is still drawn: the fitted view is the one taken when it loaded.
    await page.click('[data-testid="model-fit-all"]');
    const now = await settledViewportShot();
    expect(changedShare(lastView!, now)).toBeLessThan(0.02);
    await page.screenshot({ path: join(shots, 'model-bad-files.png') });

    // A valid IFC without any geometry: the host accepts it, the viewer cannot show it. Opening the
    // same file again tries again (a second error), instead of doing nothing because the session
    // already names that file.
    const emptyToasts = page.locator('[data-region="toasts"] [data-level="error"]', { hasText: /empty-house\.ifc.*no element with triangles/ });
    const shown = async () => (await emptyToasts.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.count ?? '1')))).reduce((a, b) => a + b, 0);
    await openFile('empty-house.ifc', Buffer.from(EMPTY_IFC));
    await expect.poll(shown, { timeout: 120_000 }).toBe(1);
    await emptyToasts.first().evaluate((e) => { (e as HTMLElement).dataset.seen = '1'; });
    await openFile('empty-house.ifc', Buffer.from(EMPTY_IFC));
    // The second try shows as one toast: the first counting up (×2) while it is still the newest toast, else a fresh
    // one in its place (another toast came in between). Not two, and not the first one left as it was.
    const retried = () => emptyToasts.evaluateAll((els) => els.filter((e) => !e.classList.contains('leaving'))
      .map((e) => ((e as HTMLElement).dataset.count === '2' ? 'x2' : (e as HTMLElement).dataset.seen === '1' ? 'old' : 'fresh')));
    await expect.poll(retried, { timeout: 120_000 }).toEqual([expect.stringMatching(/^(x2|fresh)$/)]);
    await page.waitForTimeout(400);
    expect(await emptyToasts.count()).toBe(1);
    // The opener's own refusal of notes.txt went when a file was accepted (it stayed for good: refused before upload).
    expect(await page.locator('[data-region="toasts"] [data-level="error"]', { hasText: 'notes.txt' }).count()).toBe(0);
    console.log(`[model-all-files] toasts after the second try: ${JSON.stringify(await page.locator('[data-region="toasts"] .toast').evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset.level}: ${(e as HTMLElement).dataset.message} ×${(e as HTMLElement).dataset.count ?? 1}`)))}`);
    expect(pageErrors).toEqual([]);
  }, PER_FILE);
});
