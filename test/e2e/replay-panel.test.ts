/**
 * A planner's first minutes with the Analytics panel on a small screen (1024 × 700), and with a
 * recording that cannot be opened:
 *  - the timeline strip shows the whole recording inside the panel (it was 900 px wide and cut off
 *    at the panel's edge), and a click near its right end seeks near the recording's end;
 *  - before "Analyse window" the space and door choices say what fills them (they were empty
 *    38 px boxes), and after it they list the spaces and doors;
 *  - an empty folder as the source: the timeline and the panel name the folder and the reason
 *    (the timeline showed a clock and a speed for nothing, the panel "No recording is being replayed").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startE2eSession, type E2eSession } from '../helpers/launchChromium';
import { repoRoot, twin } from '../helpers/twinCli';

const shots = join(repoRoot, 'test-results');
const dir = mkdtempSync(join(tmpdir(), 'twin-replay-panel-e2e-'));

describe('Analytics panel at 1024 × 700', { timeout: 300_000 }, () => {
  let s: E2eSession;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    const file = join(dir, 'day.mcap');
    const rec = twin(['record', '--source', 'testbed:?robots=10&tags=60&seed=4&speed=60', '--out', file, '--duration', '60']);
    expect(rec.code, rec.stderr).toBe(0);
    s = await startE2eSession('replay-panel', ['--no-record', '--source', `file:${file}`]);
    await s.page.setViewportSize({ width: 1024, height: 700 });
    await s.page.click('button.dock-tab[data-panel="replay.analytics"]');
  }, 300_000);
  afterAll(async () => {
    await s?.close();
  });

  it('shows the whole recording in the strip, and a click near its right end seeks near the end', async () => {
    const { page } = s;
    await expect.poll(() => page.locator('[data-testid="replay-status"]').innerText(), { timeout: 90_000 }).toContain('ready');
    const strip = page.locator('[data-testid="replay-timeline"]');
    const panel = page.locator('.dock-body[data-panel="replay.analytics"]');
    const sb = (await strip.boundingBox())!;
    const pb = (await panel.boundingBox())!;
    expect(sb.x + sb.width).toBeLessThanOrEqual(pb.x + pb.width + 0.5);
    expect(sb.width).toBeGreaterThan(0.8 * pb.width);
    const label = () => page.locator('[data-testid="play-pause"]').getAttribute('aria-label');
    if ((await label()) === 'Pause') await page.click('[data-testid="play-pause"]');
    await expect.poll(label).toBe('Play');
    await strip.click({ position: { x: sb.width * 0.95, y: 30 } });
    // "whole recording" only once the index pass knows where it ends (before: "so far: … still being indexed").
    await expect.poll(() => page.locator('[data-testid="replay-window"]').innerText(), { timeout: 90_000 }).toMatch(/ UTC \(whole recording\)$/);
    const range = await page.locator('[data-testid="replay-window"]').innerText();
    const [, from, to] = /(\d\d:\d\d:\d\d) → (\d\d:\d\d:\d\d)/.exec(range)!;
    const secs = (hms: string) => hms.split(':').reduce((a, v) => a * 60 + Number(v), 0);
    const clock = async () => secs((await page.locator('[data-testid="timeline-now"]').innerText()).slice(11, 19));
    // The clock says its zone (the window above is UTC; this machine runs in UTC, so the two agree).
    expect(await page.locator('[data-testid="timeline-zone"]').innerText()).toBe('UTC');
    // 95 % of the strip is 95 % of the recording (± a second of rounding and frame time).
    await expect.poll(clock, { timeout: 60_000 }).toBeGreaterThanOrEqual(secs(from!) + 0.9 * (secs(to!) - secs(from!)));
  });

  it('says to press "Analyse window" before there is an analysis, then lists the spaces and doors', async () => {
    const { page } = s;
    const space = page.locator('[data-testid="replay-space"]');
    const door = page.locator('[data-testid="replay-door"]');
    await page.locator('[data-testid="replay-analyse"]').scrollIntoViewIfNeeded();
    expect(await space.locator('option').allInnerTexts()).toEqual(['spaces: press Analyse window']);
    expect(await door.locator('option').allInnerTexts()).toEqual(['doors: press Analyse window']);
    expect(await space.isDisabled()).toBe(true);
    expect((await space.boundingBox())!.width).toBeGreaterThan(120);
    expect(await page.locator('[data-testid="replay-analyse-hint"]').innerText()).toMatch(/^Press to fill the charts and tables below for the window \d\d:\d\d:\d\d → \d\d:\d\d:\d\d UTC\.$/);
    await page.screenshot({ path: join(shots, 'replay-panel-before-analyse-1024.png') });
    await page.click('[data-testid="replay-analyse"]');
    await expect.poll(() => space.locator('option').count(), { timeout: 90_000 }).toBeGreaterThan(1);
    expect(await space.isDisabled()).toBe(false);
    expect(await door.isDisabled()).toBe(false);
    expect((await door.locator('option').allInnerTexts())[0]).toMatch(/\(\d+\)$/);
    expect(await page.locator('[data-testid="replay-analyse-hint"]').innerText()).toMatch(/^Shown: /);
    await page.screenshot({ path: join(shots, 'replay-panel-analysed-1024.png') });
  });
});

describe('a recording folder with nothing in it', { timeout: 300_000 }, () => {
  let s: E2eSession;
  const empty = join(dir, 'empty-folder');
  beforeAll(async () => {
    mkdirSync(empty);
    s = await startE2eSession('replay-empty', ['--no-record', '--source', `file:${empty}`]);
  }, 300_000);
  afterAll(async () => {
    await s?.close();
  });

  it('names the folder and the reason in the timeline and the Analytics panel, with no clock or speed', async () => {
    const { page } = s;
    const text = page.locator('[data-testid="timeline-empty-text"]');
    await expect.poll(() => text.isVisible(), { timeout: 90_000 }).toBe(true);
    expect(await text.innerText()).toBe(`Could not open the recording ${empty}: folder holds no .mcap files`);
    expect(await page.locator('[data-testid="timeline-now"]').isVisible()).toBe(false);
    expect(await page.locator('select.speed-select').isVisible()).toBe(false);
    await page.click('button.dock-tab[data-panel="replay.analytics"]');
    await expect.poll(() => page.locator('[data-testid="replay-status"]').innerText(), { timeout: 60_000 }).toContain(`Could not open the recording ${empty}`);
    await page.screenshot({ path: join(shots, 'replay-empty-folder.png') });
  });
});
