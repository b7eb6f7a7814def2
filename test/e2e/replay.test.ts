/**
 * A planner opens a recording in the web app: the timeline offers play/seek for the replay, a
 * seek moves the clock, play advances it (also after a slider seek while paused), and the
 * Analytics panel draws the density heatmap (panel and plan), occupancy per space, door flows,
 * dwell, robot KPIs, and a ticked robot's trail in the plan. An operator in a live session reviews the last
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
/** Robots, buses, … (every entity but fixed sensors) in the recording, per `twin inspect`. */
let movingUnits = 0;
let recording = '';

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'twin-replay-e2e-'));
  const file = (recording = join(dir, 'day.mcap'));
  const rec = twin(['record', '--source', 'testbed:?robots=10&tags=60&seed=4&speed=60', '--out', file, '--duration', '120']);
  expect(rec.code, rec.stderr).toBe(0);
  const inspect = twin(['inspect', file]);
  expect(inspect.code, inspect.stderr).toBe(0);
  // "entities:  1 bus, 9 robot, 51 sensor"
  const entities = /^entities:\s*(.*)$/m.exec(inspect.stdout)?.[1] ?? '';
  for (const [, n, kind] of entities.matchAll(/(\d+) (\w+)/g)) if (kind !== 'sensor') movingUnits += Number(n);
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

  it('offers 10× among the speeds, and the replay takes it (the menu follows the source’s own speed)', async () => {
    const speed = page.locator('select.speed-select');
    const before = await speed.inputValue();
    expect(await speed.locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['8×', '10×', '16×']));
    await speed.selectOption('10');
    // The menu is redrawn from the source's status: a speed the source refused would snap back.
    const took = await page.evaluate(() => new Promise<string>((r) => setTimeout(() => r((document.querySelector('select.speed-select') as HTMLSelectElement).value), 3_000)));
    expect(took).toBe('10');
    await speed.selectOption(before);
  });

  it('draws the density heatmap over the recording in the Analytics panel', async () => {
    await page.click('button.dock-tab[data-panel="replay.analytics"]');
    await expect.poll(() => page.locator('[data-testid="replay-status"]').innerText(), { timeout: 60_000 }).not.toContain('No recording');
    // The heatmap's storey choice: no empty drop-down before there is a heatmap (QA saw a 38 px
    // wide one with no options); then one option per storey of the heatmap, wide enough to read.
    const storey = page.locator('[data-testid="replay-storey"]');
    expect(await storey.isVisible()).toBe(false);
    // Before the first Heatmap the box says so; it said "no positions on this storey" of a recording full of them.
    const canvas = page.locator('[data-testid="replay-heatmap-canvas"]');
    expect(await canvas.getAttribute('aria-label')).toBe('window: not computed yet (press Heatmap)');
    await page.click('[data-testid="replay-heatmap"]');
    await expect.poll(() => storey.isVisible(), { timeout: 90_000 }).toBe(true);
    expect((await storey.locator('option').allInnerTexts()).length).toBeGreaterThan(0);
    expect((await storey.boundingBox())!.width).toBeGreaterThanOrEqual(80);
    await expect.poll(() => canvas.getAttribute('aria-label')).toMatch(/^window: density heatmap of .+, peak [\d.]+ P\/m²$/);
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

  it('shows occupancy per space, door flows, dwell and robot KPIs of the window, and draws a ticked robot’s trail and the heatmap in the plan', async () => {
    const panel = page.locator('.dock-body[data-panel="replay.analytics"]');
    // The window heatmap is also a plan layer on the plan's storey.
    await expect.poll(() => panel.getAttribute('data-plan-layers'), { timeout: 60_000 }).toMatch(/heatmap:\S+/);
    // Pause, so the plan only changes by what the panel draws.
    const label = () => page.locator('[data-testid="play-pause"]').getAttribute('aria-label');
    if ((await label()) === 'Pause') await page.click('[data-testid="play-pause"]');
    await expect.poll(label).toBe('Play');

    await page.click('[data-testid="replay-analyse"]');
    const robotRows = page.locator('[data-testid="replay-kpi-robots"] tbody tr');
    await expect.poll(() => robotRows.count(), { timeout: 90_000 }).toBeGreaterThan(0);
    expect(movingUnits).toBeGreaterThan(0);
    expect(await robotRows.count()).toBe(movingUnits);
    expect(await page.locator('[data-testid="replay-kpi-kinds"] tbody tr').count()).toBeGreaterThanOrEqual(2);
    // Occupancy: "all" plus at least one space; the chart has a drawn series (green line).
    const spaces = await page.locator('[data-testid="replay-space"] option').allInnerTexts();
    expect(spaces.length).toBeGreaterThan(1);
    await page.selectOption('[data-testid="replay-space"]', { index: 1 });
    const seriesPixels = (testid: string, rgb: [number, number, number]) =>
      page.locator(`[data-testid="${testid}"]`).evaluate((c: HTMLCanvasElement, [r, g, b]) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - r) < 30 && Math.abs(d[i + 1]! - g) < 30 && Math.abs(d[i + 2]! - b) < 30) n++;
        return n;
      }, rgb);
    expect(await seriesPixels('replay-occupancy-chart', [32, 201, 151])).toBeGreaterThan(50);
    expect(await page.locator('[data-testid="replay-door"] option').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="replay-dwell"] tbody tr').count()).toBeGreaterThan(0);

    // Sort by distance (largest first) and tick the robot that went furthest.
    await page.click('[data-testid="replay-kpi-robots"] th[data-col="distance"]');
    const robot = page.locator('[data-testid="replay-kpi-robots"] tbody tr').filter({ hasText: /robot/ }).first();
    const id = (await robot.getAttribute('data-key'))!;
    expect(id).toBeTruthy();
    const trailPixels = async () => {
      const png = (await page.locator('[data-region="plan"]').screenshot()).toString('base64');
      return page.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let n = 0; // the first trail colour, rgb(79, 195, 247), blended over the plan
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - 79) < 35 && Math.abs(d[i + 1]! - 195) < 35 && Math.abs(d[i + 2]! - 247) < 35) n++;
        return n;
      }, png);
    };
    const tick = robot.locator('input[type="checkbox"]');
    await tick.check();
    await expect.poll(() => panel.getAttribute('data-plan-layers'), { timeout: 60_000 }).toContain(`trails:${id}`);
    await page.waitForTimeout(500);
    const withTrail = await trailPixels();
    await page.click('[data-testid="replay-trails-clear"]');
    await expect.poll(() => panel.getAttribute('data-plan-layers')).not.toContain('trails:');
    await page.waitForTimeout(500);
    const without = await trailPixels();
    expect(withTrail - without).toBeGreaterThan(30);

    // For a person to look at: the trail again, a taller bottom panel scrolled to the charts.
    await page.locator(`[data-testid="replay-kpi-robots"] tbody tr[data-key="${id}"] input[type="checkbox"]`).check();
    await expect.poll(() => panel.getAttribute('data-plan-layers'), { timeout: 60_000 }).toContain(`trails:${id}`);
    const splitter = page.locator('[aria-label="Resize bottom panel"]');
    for (let i = 0; i < 14; i++) await splitter.press('ArrowUp');
    await panel.evaluate((p: HTMLElement) => {
      const a = p.querySelector<HTMLElement>('[data-testid="replay-analyse"]')!;
      p.scrollTop = a.offsetTop - p.offsetTop - 30;
    });
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(shots, 'replay-analytics.png') });

    // Compare with a second run (here the same file, 30 s later on this clock): both curves on one
    // chart, and the second run's heatmap of the same window beside this one's.
    await page.fill('[data-testid="replay-compare-uri"]', `file:${recording}`);
    await page.fill('[data-testid="replay-compare-offset"]', '30');
    await page.click('[data-testid="replay-compare"]');
    await expect.poll(() => seriesPixels('replay-compare-chart', [252, 196, 25]), { timeout: 90_000 }).toBeGreaterThan(50);
    expect(await seriesPixels('replay-compare-chart', [32, 201, 151])).toBeGreaterThan(50);
    const heatB = page.locator('[data-testid="replay-compare-heatmap"]');
    await expect.poll(() => heatB.isVisible(), { timeout: 90_000 }).toBe(true);
    await expect
      .poll(() => heatB.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < d.length; i += 64) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
        return colours.size;
      }))
      .toBeGreaterThan(3);
    await panel.evaluate((p: HTMLElement) => {
      p.scrollTop = p.querySelector<HTMLElement>('[data-testid="replay-heatmap-canvas"]')!.offsetTop - p.offsetTop - 40;
    });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, 'replay-compare.png') });

    // Clearing the heatmap removes its plan layer too (the trail stays).
    await page.click('[data-testid="replay-heatmap-clear"]');
    await expect.poll(() => panel.getAttribute('data-plan-layers')).toBe(`trails:${id}`);
    expect(await heatB.isVisible()).toBe(false);
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
