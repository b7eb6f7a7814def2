/**
 * The workbench shell in a real browser (Debian Chromium via playwright-core) against a real
 * `twin serve`: regions visible, no console errors, theme and layout switches (persisted through
 * main), shortcuts overlay, connection state, WebGL (or its clear fallback message).
 * Screenshots go to test-results/ for a person to look at.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, openWorkbenchPage } from '../helpers/launchChromium';
import { repoRoot, startServe } from '../helpers/twinCli.js';

const shots = join(repoRoot, 'test-results');
mkdirSync(shots, { recursive: true });

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

/** A workbench page whose console and page errors go to `consoleErrors` (the suite opens a second one). */
const openPage = (url: string): Promise<Page> => openWorkbenchPage(browser, url, { consoleErrors });

beforeAll(async () => {
  const userData = mkdtempSync(join(tmpdir(), 'twin-shell-e2e-'));
  // A small testbed keeps software WebGL (swiftshader on 2 cores) responsive; the shell is what is under test.
  server = await startServe(['--no-record', '--source', 'testbed:?robots=8&tags=60&seed=3'], { TWIN_USER_DATA: userData });
  browser = await launchChromium();
  page = await openPage(server.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('workbench shell (twin serve + Chromium)', { timeout: 300_000 }, () => {
  it('connects to the workbench and shows every region of the layout', async () => {
    await page.waitForSelector('[data-status="connection"][data-state="connected"]');
    for (const region of ['topbar', 'left-panel', 'viewport', 'plan', 'right-panel', 'timeline', 'statusbar']) {
      const box = await page.locator(`[data-region="${region}"]`).first().boundingBox();
      expect(box, `region ${region}`).not.toBeNull();
      expect(box!.width * box!.height, `region ${region} has an area`).toBeGreaterThan(100);
    }
    await expect.poll(() => page.locator('[data-status="connection"]').innerText(), { timeout: 90_000 }).toContain('Connected');
    // The default source of twin serve is the testbed simulator: the status bar names it.
    await expect.poll(() => page.locator('[data-status="source"]').innerText(), { timeout: 90_000 }).toContain('testbed:');
    // Each status-bar item answers to its own name (tests and tools find them by it).
    const names = await page.locator('footer.statusbar [data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(names.length).toBeGreaterThan(5);
    expect(new Set(names).size, names.join(', ')).toBe(names.length);
    await page.screenshot({ path: join(shots, 'shell-dark.png') });
  });

  it('shows every panel tab by its whole name, and the Properties tab says how to fill it', async () => {
    await expect.poll(() => page.locator('[data-region="right-panel"] .dock-tab').count(), { timeout: 90_000 }).toBeGreaterThanOrEqual(4);
    const tabs = await page.locator('.dock-tab').evaluateAll((els) =>
      els.map((el) => ({ name: el.textContent ?? '', clipped: el.scrollWidth > el.clientWidth + 1, visible: el.getBoundingClientRect().width > 0 })));
    for (const t of tabs) expect(t, `tab "${t.name}" is shown whole`).toEqual({ name: t.name, clipped: false, visible: true });
    await page.locator('[data-region="right-panel"] .dock-tab[data-panel="model.properties"]').click();
    await expect.poll(() => page.locator('[data-testid="model-properties"]').innerText()).toContain('Click an element');
  });

  it('draws the 3D view with WebGL, or says clearly that it needs WebGL', async () => {
    const state = await page.evaluate(() => {
      const canvas = document.querySelector('[data-region="viewport"] canvas');
      const msg = document.querySelector('[data-region="viewport"] .viewport-message');
      return { canvas: !!canvas, message: msg?.textContent ?? null };
    });
    if (state.canvas) expect(state.message).toBeNull();
    else expect(state.message).toContain('3D needs WebGL');
    // The grid and scale bar make an empty plan read as a plan.
    await expect.poll(() => page.locator('[data-testid="scale-bar"]').innerText(), { timeout: 90_000 }).toMatch(/\d+ (m|mm|km)/);
  });

  it('toggles the theme from the top bar and persists it in main', async () => {
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    const bgBefore = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.click('[data-testid="theme-toggle"]');
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(after).not.toBe(before);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(bgBefore);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, `shell-${after}.png`) });
    // A fresh page gets the theme from main's settings.
    const second = await openPage(server.url);
    await expect.poll(() => second.evaluate(() => document.documentElement.dataset.theme), { timeout: 90_000 }).toBe(after);
    await second.close();
    await page.keyboard.press('t');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(before);
  });

  it('switches between 3D, plan and split layouts by button and by key', async () => {
    const widths = () =>
      page.evaluate(() => ({
        v: document.querySelector<HTMLElement>('[data-region="viewport"]')!.getBoundingClientRect().width,
        p: document.querySelector<HTMLElement>('[data-region="plan"]')!.getBoundingClientRect().width,
      }));
    await page.click('.segment[data-layout="3d"]');
    let w = await widths();
    expect(w.p).toBe(0);
    expect(w.v).toBeGreaterThan(600);
    await page.screenshot({ path: join(shots, 'shell-3d.png') });
    await page.keyboard.press('2');
    w = await widths();
    expect(w.v).toBe(0);
    expect(w.p).toBeGreaterThan(600);
    expect(await page.getAttribute('.segment[data-layout="plan"]', 'aria-pressed')).toBe('true');
    await page.screenshot({ path: join(shots, 'shell-plan.png') });
    await page.keyboard.press('3');
    w = await widths();
    expect(w.v).toBeGreaterThan(200);
    expect(w.p).toBeGreaterThan(200);
  });

  it('opens the keyboard shortcuts overlay with ? and closes it with Escape', async () => {
    await page.keyboard.press('Shift+Slash');
    const overlay = page.locator('[data-dialog="shortcuts"]');
    await expect.poll(() => overlay.isVisible(), { timeout: 90_000 }).toBe(true);
    const text = await overlay.innerText();
    for (const want of ['Toggle light / dark theme', 'Keyboard shortcuts', 'Open IFC model', 'Plan view']) expect(text).toContain(want);
    await page.screenshot({ path: join(shots, 'shell-shortcuts.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => overlay.isVisible(), { timeout: 90_000 }).toBe(false);
  });

  it('resizes the left panel by dragging its splitter', async () => {
    const panel = page.locator('[data-region="left-panel"]');
    const before = (await panel.boundingBox())!.width;
    const splitter = page.locator('.main > .splitter').first();
    const box = (await splitter.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 80, box.y + 200, { steps: 5 });
    await page.mouse.up();
    const after = (await panel.boundingBox())!.width;
    expect(after).toBeGreaterThan(before + 40);
  });

  it('checks a source URI in the connect dialog before sending it', async () => {
    await page.click('.source-button');
    const dlg = page.locator('[data-dialog="connect"]');
    await expect.poll(() => dlg.isVisible(), { timeout: 90_000 }).toBe(true);
    await dlg.locator('input').fill('http://nowhere');
    await dlg.locator('.button-primary').click();
    await expect.poll(() => dlg.locator('.form-error').innerText(), { timeout: 90_000 }).toContain('is not a source URI');
    await page.screenshot({ path: join(shots, 'shell-connect.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dlg.isVisible(), { timeout: 90_000 }).toBe(false);
  });

  it('opens the About dialog with the version and the connection', async () => {
    await page.click('[data-command="about"]');
    const dlg = page.locator('[data-dialog="about"]');
    await expect.poll(() => dlg.isVisible(), { timeout: 90_000 }).toBe(true);
    const text = await dlg.innerText();
    expect(text).toMatch(/Version\s+\d+\.\d+\.\d+/);
    expect(text).toContain('Web (twin serve)');
    expect(text).toContain('connected over WebSocket');
    await page.keyboard.press('Escape');
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });

  // Last: it stops the host (the browser then logs failed WebSocket attempts, which is expected).
  it('shows the connection dropping and being retried when the host goes away', async () => {
    // A robot in the inspector first: its figures must not pass for live once the host is gone.
    await page.click('button.dock-tab[data-panel="entities"]');
    const robot = page.locator('.entity-row[data-id^="robot-"]').first();
    await expect.poll(() => robot.count(), { timeout: 90_000 }).toBe(1);
    await robot.click();
    const inspector = page.locator('[data-region="right-panel"]');
    await expect.poll(() => inspector.innerText(), { timeout: 30_000 }).toMatch(/Last record\s+[\d.]+ s ago/);
    await server.stop();
    const conn = page.locator('[data-status="connection"]');
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 90_000 }).toMatch(/^(reconnecting|connecting)$/);
    // The next attempt's number, and a countdown to it (it moves: the figure is counted down in the page).
    await expect.poll(() => conn.getAttribute('title'), { timeout: 90_000 }).toMatch(/retrying in \d+ s \(attempt \d+\), at \d\d:\d\d:\d\d/);
    await expect.poll(() => conn.innerText(), { timeout: 90_000 }).toMatch(/^(Reconnecting in \d+ s|Connecting…) · attempt \d+$/);
    expect(await page.locator('[data-status="connection"] .status-dot').getAttribute('data-tone')).toBe('busy');
    // What the page last heard of the source is not passed off as live: grey, "when last heard", and the clock's badge.
    const source = page.locator('[data-status="source"]');
    await expect.poll(() => source.innerText(), { timeout: 10_000 }).toMatch(/· live when last heard$/);
    expect(await source.locator('.status-dot').getAttribute('data-tone')).toBe('idle');
    expect(await page.locator('.source-button .status-dot').getAttribute('data-tone')).toBe('idle');
    expect(await page.locator('[data-testid="live-badge"]').innerText()).toBe('NOT CONNECTED');
    // The inspector too (it read "Last record 0.3 s ago" and "moving" for good).
    const text = await inspector.innerText();
    expect(text).toMatch(/State\s+\S+ \(as last heard: the workbench is not connected\)/);
    expect(text).toMatch(/Last record\s+[\d.]+ s before the connection was lost/);
  });

  // The host comes back on the same port with a new token (twin serve makes one per start): the page cannot get in
  // with its old one. Before, it counted down to attempt after attempt, for good, saying only "connection lost".
  it('says so, and stops retrying, when the host restarted with a new token', async () => {
    const port = new URL(server.url).port;
    server = await startServe(['--port', port, '--no-record', '--source', 'testbed:?robots=8&tags=60&seed=3'], { TWIN_USER_DATA: mkdtempSync(join(tmpdir(), 'twin-shell-e2e-')) });
    const conn = page.locator('[data-status="connection"]');
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 90_000 }).toBe('disconnected');
    expect(await conn.getAttribute('title')).toMatch(/refused this page's token: twin serve makes a new one each time it starts/);
    const toast = page.locator('.toast-error', { hasText: 'Not connected to the workbench' });
    await expect.poll(() => toast.innerText(), { timeout: 10_000 }).toMatch(/refused this page's token.*open the address it printed/s);
    await page.screenshot({ path: join(shots, 'shell-token-refused.png') });
    // The page opened from the address the new host printed connects.
    const fresh = await openPage(server.url);
    await expect.poll(() => fresh.locator('[data-status="connection"]').getAttribute('data-state'), { timeout: 90_000 }).toBe('connected');
    await fresh.close();
  });
});
