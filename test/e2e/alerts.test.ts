/**
 * The Alerts and Source health panels in a real browser against `twin serve` with the testbed:
 * alerts raised by the hub appear with their severity, acknowledging one round-trips through the
 * API, the filter switches between active and all, a click selects the entity, and the health
 * panel shows the live source with its counts; at 1024 × 700 the alert messages and the status bar
 * (with a live recording) stay readable. Screenshots: test-results/alerts-1024x700.png and
 * alerts-1600x900.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  // Recording, as a user's session does: the status bar carries the recording's file and size.
  session = await startE2eSession('alerts', ['--record', mkdtempSync(join(tmpdir(), 'twin-alerts-rec-')), '--source', 'testbed:?robots=12&tags=20&seed=5&speed=30']);
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

  it('stays readable in a 1024 × 700 window: alert messages on whole lines, the status bar on one line with nothing cut or overlapping', async () => {
    await page.click('button.dock-tab[data-panel="alerts"]');
    await page.click('[data-testid="alerts-filter-all"]'); // cleared ones too: rows do not come and go while measured
    const rows = page.locator('[data-testid="alert-row"]');
    for (const [width, height] of [[1024, 700], [1600, 900]] as const) {
      await page.setViewportSize({ width, height });
      await expect.poll(() => rows.count(), { timeout: 120_000 }).toBeGreaterThan(0);
      await page.waitForTimeout(1000); // the status bar re-fits on the next frame
      // Each message gets at least ~200 px (it moves under severity, time and entity when the
      // panel is narrow): a message of a few words takes at most two lines, never one word per line.
      const messages = await rows.evaluateAll((els) => els.slice(0, 5).map((r) => {
        const m = r.querySelector('span:nth-of-type(4)')!;
        const range = document.createRange();
        range.selectNodeContents(m);
        const lines = new Set([...range.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top))).size;
        return { text: m.textContent ?? '', width: Math.round(m.getBoundingClientRect().width), lines };
      }));
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) {
        expect(m.width, `${width}: "${m.text}" is ${m.width} px wide`).toBeGreaterThanOrEqual(190);
        if (m.text.length < 60) expect(m.lines, `${width}: "${m.text}" on ${m.lines} lines`).toBeLessThanOrEqual(2);
      }
      // The status bar: every item it shows is whole (only the source URI may end in an ellipsis),
      // inside the bar and clear of its neighbours; the connection and the alerts are always shown.
      const bar = await page.locator('[data-region="statusbar"]').evaluate((b) => {
        const box = b.getBoundingClientRect();
        const items = [...b.querySelectorAll<HTMLElement>('.status-item')].filter((i) => i.offsetParent !== null && i.textContent).map((i) => {
          const r = i.getBoundingClientRect();
          const text = i.querySelector('.status-text') ?? i;
          return { id: i.dataset.status ?? '', text: i.textContent ?? '', left: r.left, right: r.right, cut: i.dataset.status !== 'source' && (text.scrollWidth > text.clientWidth + 1 || i.scrollWidth > i.clientWidth + 1) };
        });
        return { left: box.left, right: box.right, overflow: b.scrollWidth > b.clientWidth, height: box.height, items };
      });
      expect(bar.overflow, `${width}: status bar overflows`).toBe(false);
      expect(bar.items.map((i) => i.id)).toEqual(expect.arrayContaining(['connection', 'source', 'alerts']));
      const sorted = [...bar.items].sort((a, b) => a.left - b.left);
      sorted.forEach((i, k) => {
        expect(i.cut, `${width}: status item "${i.text}" is cut`).toBe(false);
        expect(i.right, `${width}: "${i.text}" outside the bar`).toBeLessThanOrEqual(bar.right + 0.5);
        if (k > 0) expect(i.left, `${width}: "${i.text}" overlaps "${sorted[k - 1]!.text}"`).toBeGreaterThanOrEqual(sorted[k - 1]!.right);
      });
      if (width === 1600) expect(bar.items.map((i) => i.id)).toEqual(expect.arrayContaining(['fps', 'recording', 'people', 'model'])); // room for everything
      // The top bar: the model's file name stays whole; the (long) source address gives way first.
      const modelName = await page.locator('[data-testid="model-name"]').evaluate((e) => ({ text: e.textContent ?? '', cut: e.scrollWidth > e.clientWidth + 1 }));
      expect(modelName.text).toMatch(/\.ifc$/);
      expect(modelName.cut, `${width}: the model name "${modelName.text}" is cut`).toBe(false);
      await page.screenshot({ path: join(shots, `alerts-${width}x${height}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps id, type and condition badge readable in the Entities list, at the default panel width and in a 1024 × 700 window', async () => {
    await page.click('button.dock-tab[data-panel="entities"]');
    const robotRows = page.locator('.entity-row').filter({ hasText: /^robot-/ });
    await expect.poll(() => robotRows.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    for (const [width, height] of [[1440, 900], [1024, 700]] as const) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(1000);
      // A robot with the "Low battery" badge (the testbed only rarely has one): a robot's row as the
      // list draws it, its condition made the badge, measured in the list (and pictured) and taken out again.
      const parts = await page.locator('.entity-list').evaluate((list) => {
        const real = [...list.querySelectorAll<HTMLElement>('.entity-row')].find((r) => r.querySelector('.entity-id')?.textContent?.startsWith('robot-'))!;
        const row = real.cloneNode(true) as HTMLElement;
        row.dataset.testClone = '';
        const badge = document.createElement('span');
        badge.className = 'entity-badge';
        badge.textContent = 'Low battery';
        row.querySelector('.entity-state, .entity-badge')!.replaceWith(badge);
        list.prepend(row);
        const part = (sel: string) => {
          const e = row.querySelector<HTMLElement>(sel)!;
          const r = e.getBoundingClientRect();
          return { sel, text: e.textContent ?? '', width: r.width, left: r.left, right: r.right, top: r.top, bottom: r.bottom, cut: e.scrollWidth > e.clientWidth + 1 };
        };
        const out = ['.entity-id', '.entity-type', '.entity-badge', '.entity-floor', '.entity-battery'].map(part);
        return { parts: out, right: row.getBoundingClientRect().right };
      });
      for (const p of parts.parts.slice(0, 3)) {
        expect(p.width, `${width}: ${p.sel} "${p.text}" is ${Math.round(p.width)} px wide`).toBeGreaterThanOrEqual(40);
        expect(p.cut, `${width}: ${p.sel} "${p.text}" is cut`).toBe(false);
      }
      for (const [i, a] of parts.parts.entries()) {
        expect(a.right, `${width}: ${a.sel} outside the row`).toBeLessThanOrEqual(parts.right + 0.5);
        for (const b of parts.parts.slice(i + 1)) {
          const overlap = a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
          expect(overlap, `${width}: ${a.sel} "${a.text}" overlaps ${b.sel} "${b.text}"`).toBe(false);
        }
      }
      await page.locator('.entity-panel').screenshot({ path: join(shots, `entities-${width}x${height}.png`) });
      await page.locator('.entity-list').evaluate((list) => list.querySelector('[data-test-clone]')?.remove());
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows the source health with state and counts', async () => {
    await page.click('button.dock-tab[data-panel="source-health"]');
    await expect.poll(() => page.locator('[data-testid="health-state"]').innerText(), { timeout: 60_000 }).toMatch(/testbed:.* — live/);
    await expect.poll(() => page.locator('[data-testid="health-counts"]').innerText(), { timeout: 60_000 }).toMatch(/accepted [1-9][\d,]* · rejected 0/);
    await page.screenshot({ path: join(shots, 'source-health.png') });
  });
});
