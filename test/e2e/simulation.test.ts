/**
 * The Simulation panel in a real browser (Debian Chromium via playwright-core) against a real
 * `twin serve` with its bundled sample building: derive a scenario with 50 occupants from the
 * session IFC (web-ifc in the sim worker), run it in the worker, and read the evacuation time,
 * the per-exit table and the playback slider. Screenshot: test-results/simulation.png.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/launchChromium';
import { repoRoot, startServe } from '../helpers/twinCli.js';

const shots = join(repoRoot, 'test-results');
mkdirSync(shots, { recursive: true });

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  const userData = mkdtempSync(join(tmpdir(), 'twin-sim-e2e-'));
  server = await startServe(['--no-record', '--source', 'testbed:?robots=4&tags=20'], { TWIN_USER_DATA: userData });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(90_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForSelector('[data-region="viewport"]', { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('simulation panel (twin serve + Chromium)', () => {
  it('derives a 50-occupant scenario from the sample building, runs it and shows the evacuation time', async () => {
    await page.click('.dock-tab[data-panel="simulation"]');
    await page.fill('[data-testid="sim-occupants"]', '50');
    await page.click('[data-testid="sim-derive"]');
    // the error line is part of the polled text so that a failure to derive names its reason
    const scenarioText = async () => `${await page.locator('[data-testid="sim-source"]').innerText()} ${await page.locator('[data-testid="sim-scenario-error"]').innerText()}`;
    await expect.poll(scenarioText, { timeout: 60_000 }).toMatch(/derived from .*, 50 occupants/);
    expect(await page.locator('[data-testid="sim-exits"] input[type=checkbox]').count()).toBeGreaterThan(0);
    await page.click('[data-testid="sim-run"]');
    await page.waitForSelector('[data-testid="sim-evac-time"]', { timeout: 90_000 });
    const evac = await page.locator('[data-testid="sim-evac-time"]').innerText();
    expect(evac).toMatch(/^\d+(\.\d+)? s$/);
    expect(Number.parseFloat(evac)).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="sim-evacuated"]').innerText()).toBe('Evacuated 50 / 50');
    // every person left through some exit: the table's counts add up to 50
    const counts = await page.locator('[data-testid="sim-exit-table"] tr td:nth-child(2)').allInnerTexts();
    expect(counts.reduce((s, c) => s + Number(c), 0)).toBe(50);
    // playback: the slider spans the run; seeking moves the clock
    const max = Number(await page.locator('[data-testid="sim-slider"]').getAttribute('max'));
    expect(max).toBeGreaterThan(0);
    await page.locator('[data-testid="sim-slider"]').fill(String(Math.round(max / 3)));
    await expect.poll(() => page.locator('[data-testid="sim-clock"]').innerText()).toMatch(new RegExp(`^${Math.round(max / 3)}\\.0 /`));
    await page.screenshot({ path: join(shots, 'simulation.png') });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('Monte-Carlo: 3 runs show mean/p50/p95 and a histogram; Cancel stops a long batch and keeps the results', async () => {
    console.log(`50 occupants: ${await page.locator('[data-testid="sim-performance"]').innerText()}`);
    await page.fill('[data-testid="sim-runs"]', '3');
    await page.locator('[data-testid="sim-runs"]').dispatchEvent('change');
    await page.click('[data-testid="sim-run"]');
    await expect.poll(() => page.locator('[data-testid="sim-summary"]').count(), { timeout: 90_000 }).toBe(1);
    expect(await page.locator('[data-testid="sim-summary"]').innerText()).toMatch(/^3 runs: mean \d+\.\d s, p50 \d+\.\d s, p95 \d+\.\d s/);
    expect(await page.locator('[data-testid="sim-histogram"] rect').count()).toBe(10);
    const before = await page.locator('[data-testid="sim-evac-time"]').innerText();
    await page.fill('[data-testid="sim-runs"]', '50');
    await page.locator('[data-testid="sim-runs"]').dispatchEvent('change');
    await page.click('[data-testid="sim-run"]');
    await expect.poll(() => page.locator('[data-testid="sim-status"]').innerText()).toMatch(/Running/);
    await page.click('[data-testid="sim-cancel"]');
    await expect.poll(() => page.locator('[data-testid="sim-status"]').innerText(), { timeout: 30_000 }).toBe('Run cancelled.');
    expect(await page.locator('[data-testid="sim-evac-time"]').innerText()).toBe(before);
    expect(await page.locator('[data-testid="sim-run"]').isEnabled()).toBe(true);
  }, 150_000);

  it('a scenario JSON with a bad field shows the field path and keeps the derived scenario', async () => {
    await page.locator('[data-testid="sim-file"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ maxTime: 10, floors: [{ id: 'F', walkable: [[[0, 0], [1, 0], [1, 1]]] }], exits: [], agentGroups: [] })) });
    await expect.poll(() => page.locator('[data-testid="sim-scenario-error"]').innerText()).toContain('bad.json: exits');
    expect(await page.locator('[data-testid="sim-source"]').innerText()).toMatch(/derived from/);
  }, 60_000);
});
