/**
 * A planner opens a recording in the web app: the timeline offers play/seek for the replay, a
 * seek moves the clock, play advances it, and the Analytics panel draws the density heatmap.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/launchChromium';
import { repoRoot, startServe, twin } from '../helpers/twinCli';

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
