/**
 * An operator's disk has no room for the live recording: the app opens and the testbed is live as always, and the
 * status bar says "not recording" (amber), with why on hover: how much is free on which disk, and the reserve the
 * recorder leaves (TWIN_RECORD_MIN_FREE_MB, set here far above any disk). Before, a disk that filled while recording
 * ended the whole app (ENOSPC thrown from the recorder's flush timer); the recorder's own tests
 * (test/unit/main/recording/diskSpace.test.ts) cover a disk that fills mid-recording. Screenshot:
 * test-results/recording-no-room.png.
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
  session = await startE2eSession('recording-space', ['--source', 'testbed:?robots=4&tags=40'], {}, { TWIN_RECORD_MIN_FREE_MB: '1e12' });
  page = session.page;
}, 300_000);

afterAll(async () => {
  await session?.close();
});

describe('no room on the disk for the live recording (twin serve + Chromium)', { timeout: 300_000 }, () => {
  it('the session runs without recording and the status bar says why', async () => {
    await expect.poll(() => page.locator('[data-status="source"]').innerText(), { timeout: 120_000 }).toContain('live');
    await expect.poll(() => page.locator('footer.statusbar [data-status="entities"]').innerText(), { timeout: 60_000 }).not.toMatch(/^0 entities/);
    const rec = page.locator('footer.statusbar [data-status="recording"]');
    await expect.poll(() => rec.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await rec.innerText()).toBe('not recording');
    expect(await rec.getAttribute('title')).toMatch(/^recording not started: [\d.]+ MiB free on the disk of .+, under the 1000000000000 MiB the recorder leaves free$/);
    expect(await rec.evaluate((el) => el.classList.contains('status-recording-stopped'))).toBe(true);
    await page.screenshot({ path: join(shots, 'recording-no-room.png') });
    expect(session.server.stderr()).not.toMatch(/ENOSPC|Unhandled|\n\s+at /);
  });
});
