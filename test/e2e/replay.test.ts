/**
 * A planner opens a recording in the web app: the timeline offers play/seek for the replay, a
 * seek moves the clock, play advances it (also after a slider seek while paused), and the
 * Analytics panel draws the density heatmap. An operator in a live session reviews the last
 * minutes (the session keeps recording), scrubs back, and returns to live.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/launchChromium';
import { spawn } from 'node:child_process';
import { repoRoot, startServe, twin, twinBin } from '../helpers/twinCli';

const shots = join(repoRoot, 'test-results');
let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'twin-replay-e2e-'));
  const file = join(dir, 'day.mcap');
  const rec = twin(['record', '--source', 'testbed:?robots=10&tags=60&seed=4&speed=60', '--out', file, '--duration', '120']);
  expect(rec.code, rec.stderr).toBe(0);
  server = await startServe(['--no-record', '--source', `file:${file}`], { TWIN_USER_DATA: mkdtempSync(join(tmpdir(), 'twin-ud-')) });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(90_000);
  await page.goto(server.url);
  await page.waitForSelector('[data-region="viewport"]');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const clock = () => page.locator('[data-testid="timeline-now"]').innerText();

describe('replay in the web app (twin serve --source file:)', { timeout: 300_000 }, () => {
  it('plays (the clock runs), seeks back to the start, and shows no LIVE badge', async () => {
    await expect.poll(() => page.locator('[data-testid="play-pause"]').isVisible(), { timeout: 90_000 }).toBe(true);
    expect(await page.locator('[data-testid="live-badge"]').isVisible()).toBe(false);
    const first = await clock();
    await expect.poll(clock, { timeout: 60_000 }).not.toBe(first);
    const playing = await clock();
    await page.click('button[aria-label="Back to start"]');
    // The recording starts where `twin record` started: before the moment just shown.
    await expect.poll(async () => (await clock()) < playing, { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.locator('[data-region="statusbar"]').innerText(), { timeout: 60_000 }).toMatch(/[1-9]\d* entities/);
  });

  it('after pausing and seeking with the slider, play runs the clock on from the seek point', async () => {
    const label = () => page.locator('[data-testid="play-pause"]').getAttribute('aria-label');
    if ((await label()) === 'Pause') await page.click('[data-testid="play-pause"]');
    await expect.poll(label).toBe('Play');
    const before = await clock();
    await page.locator('[data-testid="timeline-slider"]').fill('400');
    await expect.poll(clock, { timeout: 60_000 }).not.toBe(before);
    const sought = await clock();
    await page.click('[data-testid="play-pause"]');
    await expect.poll(label).toBe('Pause');
    await expect.poll(async () => (await clock()) > sought, { timeout: 60_000 }).toBe(true);
  });

  it('draws the density heatmap over the recording in the Analytics panel', async () => {
    await page.click('button.dock-tab[data-panel="replay.analytics"]');
    await expect.poll(() => page.locator('[data-testid="replay-status"]').innerText(), { timeout: 60_000 }).not.toContain('No recording');
    await page.click('[data-testid="replay-heatmap"]');
    const canvas = page.locator('[data-testid="replay-heatmap-canvas"]');
    // The heatmap canvas gets non-background pixels once the analysis arrives.
    await expect
      .poll(
        () =>
          canvas.evaluate((c: HTMLCanvasElement) => {
            const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            const colours = new Set<number>();
            for (let i = 0; i < d.length; i += 64) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
            return colours.size;
          }),
        { timeout: 90_000 },
      )
      .toBeGreaterThan(3);
    await page.screenshot({ path: join(shots, 'replay-heatmap.png') });
  });
});

/**
 * `twin serve --port 0 ARGS` that may take longer than a minute to listen on a loaded 2-core
 * machine (a live testbed session that records); stopped (SIGTERM) if it never prints its URL.
 */
async function startLiveServer(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [twinBin, 'serve', '--port', '0', ...args], {
    cwd: repoRoot, env: { ...process.env, TWIN_USER_DATA: mkdtempSync(join(tmpdir(), 'twin-ud-')) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`twin serve ${args.join(' ')} did not print a URL in 150 s; stderr:\n${err}`)), 150_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Twin Workbench: (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`twin serve exited with ${code}; stderr:\n${err}`)));
    });
    return { url, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

describe('live review in the web app (twin serve --source testbed: --record DIR)', { timeout: 400_000 }, () => {
  let live: { url: string; stop(): Promise<void> };
  let livePage: Page;
  beforeAll(async () => {
    // One server at a time on the 2-core machine: the replay server is done with.
    await page?.close();
    await server?.stop();
    const recordDir = mkdtempSync(join(tmpdir(), 'twin-review-e2e-'));
    live = await startLiveServer(['--record', recordDir, '--source', 'testbed:?robots=10&tags=60&seed=4']);
    livePage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    livePage.setDefaultTimeout(120_000);
    await livePage.goto(live.url);
    await livePage.waitForSelector('[data-testid="review-start"]:visible');
  }, 300_000);
  afterAll(async () => {
    await livePage?.close();
    await live?.stop();
  });

  it('reviews the recent past while live keeps recording, scrubs back, and returns to live', async () => {
    const liveClock = () => livePage.locator('[data-testid="timeline-now"]').innerText();
    // Let the session record ~15 s (the recorder closes a chunk every second).
    const startedAt = await liveClock();
    await expect.poll(async () => (await liveClock()) > startedAt, { timeout: 60_000 }).toBe(true);
    await livePage.waitForTimeout(15_000);
    await livePage.click('[data-testid="review-start"]');
    await livePage.waitForSelector('[data-testid="back-to-live"]:visible', { timeout: 120_000 });
    expect(await livePage.locator('[data-testid="review-badge"]').innerText()).toBe('REVIEW');
    expect(await livePage.locator('[data-testid="live-badge"]').isVisible()).toBe(false);
    const end = await liveClock();
    // Scrub back to the first tenth of the reviewed range: the clock goes back in time.
    await livePage.locator('[data-testid="timeline-slider"]').fill('100');
    await expect.poll(async () => (await liveClock()) < end, { timeout: 60_000 }).toBe(true);
    await expect.poll(() => livePage.locator('[data-region="statusbar"]').innerText(), { timeout: 60_000 }).toMatch(/[1-9]\d* entities/);
    await livePage.screenshot({ path: join(shots, 'live-review.png') });
    await livePage.click('[data-testid="back-to-live"]');
    await livePage.waitForSelector('[data-testid="live-badge"]:visible');
    expect(await livePage.locator('[data-testid="review-start"]').isVisible()).toBe(true);
    // Live again: the clock is past the end of the reviewed range (recording never stopped).
    await expect.poll(async () => (await liveClock()) > end, { timeout: 60_000 }).toBe(true);
  });
});
