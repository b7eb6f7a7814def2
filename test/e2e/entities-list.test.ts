/**
 * The Entities list as an operator uses it while the testbed runs: a row stays the same element
 * while its robot is listed (the list refreshes twice a second), so a click held for a moment
 * still selects it (the inspector shows its pose, state, battery and task) and its tooltip (the
 * task) has time to show. Before: every refresh rebuilt all rows, so a row lived 0.5 s at most and
 * a press and release either side of a refresh landed on two different elements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Page } from 'playwright-core';
import { startE2eSession, type E2eSession } from '../helpers/launchChromium';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  session = await startE2eSession('entities-list', ['--no-record', '--source', 'testbed:?robots=12&tags=40&seed=4&speed=5']);
  page = session.page;
}, 300_000);

afterAll(() => session?.close());

describe('entities list (twin serve + Chromium)', { timeout: 300_000 }, () => {
  it('keeps each row while it is listed, and a held click selects the robot', async () => {
    await page.click('button.dock-tab[data-panel="entities"]');
    const rows = page.locator('.entity-row[data-id^="robot-"]');
    await expect.poll(() => rows.count(), { timeout: 120_000 }).toBeGreaterThan(3);
    const id = (await rows.nth(2).getAttribute('data-id'))!;
    const row = page.locator(`.entity-row[data-id="${id}"]`);
    // Mark the element; after several refreshes (battery and state figures change) it is still the one shown.
    await row.evaluate((el) => el.setAttribute('data-marked', ''));
    await page.waitForTimeout(2500);
    expect(await page.locator('.entity-row[data-marked]').getAttribute('data-id')).toBe(id);
    expect(await rows.count()).toBeGreaterThan(3);

    // A click as a person makes it: press, hold 0.7 s (across a refresh), release.
    const box = (await row.boundingBox())!;
    await page.mouse.move(box.x + 30, box.y + box.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(700);
    await page.mouse.up();
    await expect.poll(() => row.getAttribute('aria-selected'), { timeout: 10_000 }).toBe('true');
    const inspector = page.locator('[data-region="right-panel"]');
    await expect.poll(() => inspector.innerText(), { timeout: 30_000 }).toContain(id);
    const text = await inspector.innerText();
    for (const label of ['Position', 'Heading', 'Speed', 'Battery', 'State', 'Task']) expect(text).toContain(label);
  });
});
