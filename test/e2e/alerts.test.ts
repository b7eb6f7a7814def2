/**
 * The Alerts and Source health panels in a real browser against `twin serve` with the testbed:
 * alerts raised by the hub appear with their severity, acknowledging one round-trips through the
 * API, the filter switches between active and all, a click selects the entity, and the health
 * panel shows the live source with its counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { startE2eSession, type E2eSession } from '../helpers/launchChromium';
import { repoRoot } from '../helpers/twinCli.js';

const shots = join(repoRoot, 'test-results');
mkdirSync(shots, { recursive: true });

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  // At 30× the testbed's own faults (errors, stalls, low batteries) raise alerts within minutes.
  session = await startE2eSession('alerts', ['--no-record', '--source', 'testbed:?robots=12&tags=20&seed=5&speed=30']);
  page = session.page;
}, 300_000);

afterAll(() => session?.close());

describe('alerts panel (twin serve + Chromium)', { timeout: 300_000 }, () => {
  it('lists hub alerts with severity, acknowledges one, filters, and selects the entity on click', async () => {
    await page.click('button.dock-tab[data-panel="alerts"]');
    const rows = page.locator('[data-testid="alert-row"]');
    await expect.poll(() => rows.count(), { timeout: 180_000 }).toBeGreaterThan(0);
    const first = rows.first();
    const severity = await first.getAttribute('data-severity');
    expect(['critical', 'warning', 'info']).toContain(severity);
    const id = (await first.getAttribute('data-alert-id'))!;
    // Acknowledge: the button goes away and the row is marked (or the alert cleared meanwhile).
    const row = page.locator(`[data-testid="alert-row"][data-alert-id="${id}"]`);
    const ack = row.locator('[data-testid="alert-ack"]');
    if (await ack.count()) {
      // At 30× an alert (e.g. outside-zone) can clear between the count and the click: then its row is gone.
      await ack.click({ timeout: 10_000 }).catch(async (e: unknown) => { if (await row.count()) throw e; });
      await expect
        .poll(async () => (await row.count()) === 0 || ((await row.locator('[data-testid="alert-ack"]').count()) === 0 && (await row.innerText()).includes('✓')), { timeout: 60_000 })
        .toBe(true);
    }
    // Filter: "All" shows at least as many rows as "Active".
    const active = await rows.count();
    await page.click('[data-testid="alerts-filter-all"]');
    await expect.poll(async () => (await page.locator('[data-testid="alerts-filter-all"]').getAttribute('aria-pressed')) === 'true').toBe(true);
    expect(await rows.count()).toBeGreaterThanOrEqual(Math.min(active, 1));
    // Click selects the entity: the inspector on the right shows it.
    const entity = (await rows.first().locator('span').nth(2).innerText()).trim();
    await rows.first().click();
    await expect.poll(() => page.locator('[data-region="right-panel"]').innerText(), { timeout: 60_000 }).toContain(entity);
    await page.screenshot({ path: join(shots, 'alerts-panel.png') });
  });

  it('shows the source health with state and counts', async () => {
    await page.click('button.dock-tab[data-panel="source-health"]');
    await expect.poll(() => page.locator('[data-testid="health-state"]').innerText(), { timeout: 60_000 }).toMatch(/testbed:.* — live/);
    await expect.poll(() => page.locator('[data-testid="health-counts"]').innerText(), { timeout: 60_000 }).toMatch(/accepted [1-9][\d,]* · rejected 0/);
    await page.screenshot({ path: join(shots, 'source-health.png') });
  });
});
