/**
 * The desktop app end to end, through Playwright's Electron driver. Runs wherever an Electron
 * binary exists (node_modules/electron/dist or ELECTRON_OVERRIDE_DIST_PATH); elsewhere it is
 * reported as skipped with the reason, because Electron downloads its binary on first run.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { _electron } from 'playwright-core';

const root = join(__dirname, '..', '..');

function electronBinary(): string | null {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const dir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(root, 'node_modules', 'electron', 'dist');
  const bin = join(dir, rel);
  return existsSync(bin) ? bin : null;
}

const bin = electronBinary();
const reason = 'no Electron binary on this machine (it is downloaded on first run; set ELECTRON_OVERRIDE_DIST_PATH to use one)';
if (!bin) console.log(`electron e2e: skipped: ${reason}`);

describe.skipIf(!bin)(`Electron app${bin ? '' : ` (skipped: ${reason})`}`, () => {
  it('opens one secure window showing the workbench with the sample building', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'twin-electron-'));
    const app = await _electron.launch({
      executablePath: bin!,
      args: [join(root, 'dist', 'electron', 'main.cjs'), `--user-data-dir=${userData}`, '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, TWIN_USER_DATA: userData },
    });
    try {
      const page = await app.firstWindow();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.waitForSelector('[data-region="viewport"]', { timeout: 30_000 });
      expect(await page.title()).toContain('Twin Workbench');
      // The page has no Node: isolation holds.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      // Isolation seen from the page: no Node globals, only the preload's tiny bridge object.
      const seen = await page.evaluate(() => ({
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: (globalThis as { twinElectron?: { isElectron?: boolean } }).twinElectron?.isElectron ?? false,
      }));
      expect(seen).toEqual({ process: 'undefined', bridge: true });
      // twin:// sends COOP + COEP: the page is cross-origin isolated, so a big simulation run can take a second thread.
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      await page.screenshot({ path: join(root, 'test-results', 'electron.png') });
      expect(errors).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
