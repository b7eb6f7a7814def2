/**
 * The people feature in a real browser against a real `twin serve` with the testbed source:
 * positions computed by the hub from BLE scans reach the page, the Occupancy panel shows people
 * per space and flows through doors, and no device id is shown anywhere. Screenshots of the
 * Fruin-coloured density heatmap (plan and 3D floors) go to test-results/ for a person to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { startE2eSession, type E2eSession } from '../helpers/launchChromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/twinCli.js';

const shots = join(repoRoot, 'test-results');
mkdirSync(shots, { recursive: true });

let session: E2eSession;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  session = await startE2eSession('people', ['--no-record', '--source', 'testbed:?robots=2&tags=400&seed=4&speed=5'], { consoleErrors, acceptDownloads: true });
  page = session.page;
}, 300_000);

afterAll(() => session?.close());

describe('people feature (twin serve testbed + Chromium)', { timeout: 300_000 }, () => {
  it('shows occupancy per space, door flows and the density heatmap, with people anonymous', async () => {
    await page.click('.dock-tab[data-panel="people.occupancy"]');
    await expect
      .poll(async () => Number(/(\d+) people present/.exec(await page.locator('[data-testid="people-status"]').innerText())?.[1] ?? 0), { timeout: 180_000 })
      .toBeGreaterThan(50);
    await expect.poll(() => page.locator('[data-testid="people-spaces"] tr').count(), { timeout: 60_000 }).toBeGreaterThan(5);
    await expect.poll(() => page.locator('[data-testid="people-flows"] tr').count(), { timeout: 180_000 }).toBeGreaterThan(2);
    const text = await page.locator('.people-panel').innerText();
    expect(text).not.toMatch(/tag-\d+/); // no device id (pseudonymised in main, aggregated here)
    expect(text).not.toMatch(/anon-[0-9a-f]{16}/);
    // Screenshots for a person to check the Fruin-coloured heatmap on the plan and the 3D floors
    // (the WebGL canvases cannot be read back reliably under software GL, so no pixel assertion).
    await page.waitForTimeout(15_000);
    await page.screenshot({ path: join(shots, 'people-occupancy.png') });
    await page.locator('[data-region="plan"]').screenshot({ path: join(shots, 'people-plan.png') });
    // Export counts (CSV): one download, a row per zone, no device ids.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('button.people-export')]);
    expect(download.suggestedFilename()).toMatch(/^occupancy-.+\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('zone,time,count');
    expect(lines.length).toBeGreaterThan(5);
    expect(csv).not.toMatch(/tag-\d+|anon-[0-9a-f]{16}/);
    expect(consoleErrors.filter((e) => /people|density|bitmap/i.test(e))).toEqual([]);
  });

  it('the Entities list says the people it counts are anonymous positions, and the Person chip says where they are', async () => {
    await page.click('.dock-tab[data-panel="entities"]');
    await expect.poll(() => page.locator('[data-testid="entity-summary"]').innerText(), { timeout: 60_000 }).toMatch(/\d+ people positioned/);
    const person = page.locator('button.entity-chip[data-kind="person"]');
    await person.click();
    // Before: "No entity matches the filters" under a headline of 400 people.
    await expect.poll(() => page.locator('.entity-more').innerText(), { timeout: 30_000 }).toMatch(/^No person reports as an entity\. The \d+ people positioned from beacon scans are anonymous/);
    await page.locator('[data-region="left-panel"]').screenshot({ path: join(shots, 'entities-person-chip.png') });
    await person.click();
    await expect.poll(() => page.locator('.entity-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  });
});
