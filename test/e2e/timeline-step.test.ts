/**
 * An investigator replays a recording frame by frame: paused, "step forward" moves the clock by
 * exactly 1 s, Shift+"step back" by 0.1 s; "next alert" / "previous alert" put the clock on the
 * moment an alert was raised in the recording (the button says which), and are disabled where
 * there is none in that direction.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, openWorkbenchPage } from '../helpers/launchChromium';
import { writeFixtureRecording } from '../helpers/mcapFixture';
import { repoRoot, startServe } from '../helpers/twinCli';

const shots = join(repoRoot, 'test-results');
let server: Awaited<ReturnType<typeof startServe>>;
let browser: Browser;
let page: Page;
/** Alerts raised in the recording (the fixture's truth), by time. */
const raised: { t: number; entity: string }[] = [];

/** The clock as a person reads it while paused: local date and time with tenths (independent of the app's code). */
function clockText(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${Math.floor(d.getMilliseconds() / 100)}`;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'twin-step-e2e-'));
  const file = join(dir, 'alerts.mcap');
  // 40 robots for 5 minutes: several of them fail (a robot-error alert each) at known times.
  await writeFixtureRecording(file, {
    durationS: 300, robots: 40, people: 10, seed: 11,
    onRecord: (r) => {
      if (r.kind === 'alert' && r.record.active) raised.push({ t: r.record.t, entity: r.record.entity });
    },
  });
  raised.sort((a, b) => a.t - b.t);
  expect(raised.length).toBeGreaterThanOrEqual(3);
  server = await startServe(['--no-record', '--source', `file:${file}`], { TWIN_USER_DATA: mkdtempSync(join(tmpdir(), 'twin-ud-')) });
  browser = await launchChromium();
  page = await openWorkbenchPage(browser, server.url, { defaultTimeout: 90_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop().catch(() => undefined); // the last test stopped it
});

const clock = () => page.locator('[data-testid="timeline-now"]').innerText();
const clockMs = async () => Number(await page.locator('[data-testid="timeline-now"]').getAttribute('data-t'));
const playLabel = () => page.locator('[data-testid="play-pause"]').getAttribute('aria-label');

describe('timeline step and jump to alert (twin serve --source file:)', { timeout: 300_000 }, () => {
  it('paused, step forward moves the clock by exactly 1 s and Shift+step back by 0.1 s', async () => {
    await expect.poll(() => page.locator('[data-testid="step-forward"]').isVisible(), { timeout: 90_000 }).toBe(true);
    if ((await playLabel()) === 'Pause') await page.click('[data-testid="play-pause"]');
    await expect.poll(playLabel).toBe('Play');
    await page.click('button[aria-label="Back to start"]');
    // At the start nothing lies before: step back is disabled.
    await expect.poll(() => page.locator('[data-testid="step-back"]').isDisabled(), { timeout: 60_000 }).toBe(true);
    const t0 = await clockMs();
    expect(await clock()).toBe(clockText(t0));

    await page.click('[data-testid="step-forward"]');
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(t0 + 1000);
    expect(await clock()).toBe(clockText(t0 + 1000));
    await page.click('[data-testid="step-forward"]');
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(t0 + 2000);
    await page.click('[data-testid="step-back"]', { modifiers: ['Shift'] });
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(t0 + 1900);
    expect(await clock()).toBe(clockText(t0 + 1900));
    // The keyboard does the same: '.' one second forward, ',' one back (focus off any input).
    await page.locator('[data-region="viewport"]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('.');
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(t0 + 2900);
    await page.keyboard.press(',');
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(t0 + 1900);
    // With Shift, a tenth (the README's "Shift: 0.1 s"; it stepped a whole second).
    await page.keyboard.press('Shift+.'); // key "." with the shift held, as a planner's test sent it
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(t0 + 2000);
    await page.keyboard.press('Shift+,');
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(t0 + 1900);
    expect(await playLabel()).toBe('Play');
  });

  it('next / previous alert put the clock on the moments alerts were raised, and say which', async () => {
    const next = page.locator('[data-testid="alert-next"]');
    const prev = page.locator('[data-testid="alert-prev"]');
    // The marks arrive once the recording's index pass is done.
    await expect.poll(() => page.locator('[data-testid="timeline-alerts"]').innerText(), { timeout: 90_000 }).toBe(`${raised.length} alerts`);
    const now = await clockMs();
    const [first, second] = raised.filter((a) => a.t > now);
    expect(first && second).toBeTruthy();
    expect(await prev.isDisabled()).toBe(raised.every((a) => a.t >= now));
    expect(await next.getAttribute('title')).toContain(`Next alert: robot-error ${first!.entity} at`);

    await next.click();
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(first!.t);
    expect(await clock()).toBe(clockText(first!.t));
    await page.locator('[data-region="timeline"]').screenshot({ path: join(shots, 'timeline-step.png') });

    await next.click();
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(second!.t);
    await prev.click();
    await expect.poll(clockMs, { timeout: 30_000 }).toBe(first!.t);

    // After the last alert there is no next one.
    const last = raised.at(-1)!;
    if (last.t > first!.t) {
      await page.locator('[data-testid="timeline-slider"]').fill('1000');
      await expect.poll(() => next.isDisabled(), { timeout: 30_000 }).toBe(true);
      expect(await next.getAttribute('title')).toBe('No alert after this time');
      await prev.click();
      await expect.poll(clockMs, { timeout: 30_000 }).toBe(last.t);
    }
    expect(await playLabel()).toBe('Play');
  });

  // Last: it stops the host. A replay's page used to go on showing its controls as if they worked, with no badge.
  it('says NOT CONNECTED and takes its controls away when the page loses twin serve during a replay', async () => {
    await page.click('[data-testid="play-pause"]');
    await expect.poll(playLabel, { timeout: 30_000 }).toBe('Pause');
    const badge = page.locator('[data-testid="live-badge"]');
    expect(await badge.isVisible()).toBe(false); // a replay has no live badge while connected
    await server.stop();
    await expect.poll(() => badge.isVisible(), { timeout: 90_000 }).toBe(true);
    expect(await badge.innerText()).toBe('NOT CONNECTED');
    expect(await page.locator('[data-testid="play-pause"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="timeline-slider"]').isDisabled()).toBe(true);
  });
});
