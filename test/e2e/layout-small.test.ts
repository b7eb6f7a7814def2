/**
 * The workbench on a small laptop screen (1024 × 700) and a normal one (1440 × 900), with the
 * Model, Source health and Simulation panels open, as a person sees it: toasts do not cover the
 * panels' figures, the right panel's five tabs take at most two rows, each storey of the model
 * tree is one row with its fit button at the end, the plan keeps the building in view when the
 * window is resized, and the plan keeps the followed bus in view as it drives round the site.
 * Screenshots: test-results/layout-1024x700.png and layout-1440x900.png.
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

interface Box { left: number; top: number; right: number; bottom: number }
const overlaps = (a: Box, b: Box) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

/** The plan's view as it publishes it: centre (m) and zoom (log2 px per metre). */
async function planView(): Promise<{ cx: number; cy: number; zoom: number }> {
  const v = (await page.locator('[data-region="plan"]').getAttribute('data-view')) ?? '';
  const [cx, cy, zoom] = v.split(' ').map(Number);
  expect(Number.isFinite(zoom), `plan data-view "${v}"`).toBe(true);
  return { cx: cx!, cy: cy!, zoom: zoom! };
}

beforeAll(async () => {
  // At 5× the bus leaves its stop and drives the site road loop within a minute.
  session = await startE2eSession('layout-small', ['--no-record', '--source', 'testbed:?robots=8&tags=60&seed=3&speed=5']);
  page = session.page;
  await page.waitForSelector('[data-status="connection"][data-state="connected"]');
  await page.waitForSelector('[data-testid^="model-storey-"]', { timeout: 180_000 });
}, 300_000);

afterAll(() => session?.close());

describe('layout at 1024 × 700 and 1440 × 900 (twin serve + Chromium)', { timeout: 300_000 }, () => {
  it('keeps toasts off the panels, the right tabs on two rows and each storey with its fit button on one row', async () => {
    await page.click('button.dock-tab[data-panel="source-health"]');
    await page.click('button.dock-tab[data-panel="simulation"]');
    for (const [width, height] of [[1024, 700], [1440, 900]] as const) {
      await page.setViewportSize({ width, height });
      await page.locator('[data-region="viewport"]').click({ position: { x: 5, y: 5 } }).catch(() => {}); // focus off the inputs
      await page.keyboard.press('Shift+Z'); // nothing selected: an info toast
      const toast = page.locator('[data-region="toasts"] .toast').last();
      await expect.poll(() => toast.isVisible(), { timeout: 30_000 }).toBe(true);
      await page.waitForTimeout(400);
      const geo = await page.evaluate(() => {
        const box = (el: Element) => { const r = el.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
        const tabs = document.querySelector('[data-region="right-panel"] .dock-tabs')!;
        const tabTops = new Set([...tabs.querySelectorAll('.dock-tab')].map((t) => Math.round(t.getBoundingClientRect().top)));
        return {
          toasts: [...document.querySelectorAll('[data-region="toasts"] .toast')].map(box),
          panels: ['left-panel', 'right-panel', 'bottom-panel'].map((r) => ({ region: r, box: box(document.querySelector(`[data-region="${r}"]`)!) })),
          tabRows: tabTops.size,
          storeys: [...document.querySelectorAll('[data-testid^="model-storey-"] > summary')].map((s) => {
            const b = s.querySelector('button')!;
            return { text: s.textContent ?? '', row: box(s), fit: box(b) };
          }),
        };
      });
      for (const t of geo.toasts) for (const p of geo.panels) expect(overlaps(t, p.box), `${width}: a toast covers the ${p.region}`).toBe(false);
      expect(geo.tabRows, `${width}: rows of right-panel tabs`).toBeLessThanOrEqual(2);
      expect(geo.storeys.length).toBeGreaterThan(1);
      for (const s of geo.storeys) {
        // One row: the fit button's middle is the row's middle, and the button ends the row.
        expect(Math.abs((s.fit.top + s.fit.bottom) / 2 - (s.row.top + s.row.bottom) / 2), `${width}: "${s.text}" fit beside its label`).toBeLessThan(2);
        expect(s.row.bottom - s.row.top, `${width}: "${s.text}" on one row`).toBeLessThan(s.fit.bottom - s.fit.top + 10);
        expect(Math.abs(s.row.right - s.fit.right), `${width}: "${s.text}" fit at the row's end`).toBeLessThan(2);
      }
      await page.screenshot({ path: join(shots, `layout-${width}x${height}.png`) });
    }
  });

  it('keeps the fitted building in view when the window is resized, and back at the same scale', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click('[data-command="fit"]');
    await page.waitForTimeout(500);
    const wide = await planView();
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.waitForTimeout(800);
    const small = await planView();
    // The plan went from ~420 to ~260 px wide: the same area needs a smaller scale (before: the
    // zoom stayed and the building was cut off until Fit).
    expect(small.zoom).toBeLessThan(wide.zoom - 0.3);
    expect([small.cx, small.cy]).toEqual([wide.cx, wide.cy]);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.waitForTimeout(800);
    const back = await planView();
    expect(Math.abs(back.zoom - wide.zoom)).toBeLessThan(0.01);
  });

  it('keeps the followed bus in the plan while it drives round the site', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.click('button.dock-tab[data-panel="entities"]');
    await page.fill('[data-testid="entity-search"]', 'bus');
    const row = page.locator('.entity-row[data-kind="bus"], .entity-row[data-id^="bus-"]').first();
    await expect.poll(() => row.count(), { timeout: 120_000 }).toBe(1);
    await row.click();
    const inspector = page.locator('[data-region="right-panel"]');
    const position = async (): Promise<[number, number]> => {
      const m = /Position\s+(-?[\d.]+), (-?[\d.]+) m/.exec(await inspector.innerText());
      expect(m, 'the inspector shows the position').not.toBeNull();
      return [Number(m![1]), Number(m![2])];
    };
    const inFrame = async (v: { cx: number; cy: number; zoom: number }, [x, y]: [number, number]) => {
      const box = (await page.locator('[data-region="plan"]').boundingBox())!;
      const s = 2 ** v.zoom;
      const px = box.width / 2 + (x - v.cx) * s, py = box.height / 2 - (y - v.cy) * s;
      return px >= 0 && px <= box.width && py >= 0 && py <= box.height;
    };
    const inPlan = async () => inFrame(await planView(), await position());
    await expect.poll(inPlan, { timeout: 30_000 }).toBe(true);
    await inspector.getByRole('button', { name: 'Follow' }).click();
    // A source restart drops every entity until it reports again (the testbed moves onto the model's layout once that
    // is derived, which on a loaded machine came after this click and lost the follow for good): the follow comes back.
    await page.click('.source-button');
    const dlg = page.locator('[data-dialog="connect"]');
    await dlg.locator('input').fill('testbed:?robots=8&tags=60&seed=3&speed=5');
    await dlg.locator('.button-primary').click();
    await expect.poll(() => dlg.isVisible(), { timeout: 30_000 }).toBe(false);
    await expect.poll(() => inspector.getByRole('button', { name: /^Follow/ }).getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');
    // The site road loop is wider than the plan's frame at 1 024 px: driving round it, the bus leaves the frame it was
    // followed in and the plan pans after it (before, the plan stayed put and lost it). How far the plan pans depends
    // on where the bus was when followed (from 2 to 32 m in one run), so the test waits for the bus to be
    // out of the first frame and in the plan's current one.
    const v0 = await planView();
    await expect.poll(async () => { const at = await position(); return !(await inFrame(v0, at)) && (await inFrame(await planView(), at)); }, { timeout: 240_000, interval: 500 }).toBe(true);
    await page.waitForTimeout(500);
    expect(await inPlan()).toBe(true);
    await page.screenshot({ path: join(shots, 'layout-bus-followed.png') });
  });
});
