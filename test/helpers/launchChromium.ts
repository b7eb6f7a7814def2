/**
 * Debian's Chromium as the e2e tests drive it: headless, no sandbox (CI runs as root), software
 * WebGL (SwiftShader) because these machines have no GPU, and no background networking (the
 * machine has no internet; Chromium's own lookups would only fail noisily).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServe } from './twinCli.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-gl=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

/**
 * The workbench page as the e2e tests open it: a 1440×900 page on `url`, page errors collected into
 * `pageErrors`, and the shell up (its 3D viewport region present). Generous limits: on a loaded
 * 2-core machine the page alone can take a minute to start.
 */
export interface WorkbenchPageOptions {
  /** Collects uncaught page errors (their messages). */
  pageErrors?: string[];
  /** Collects console errors and uncaught page errors (`pageerror: …`). */
  consoleErrors?: string[];
  acceptDownloads?: boolean;
  defaultTimeout?: number;
}

export async function openWorkbenchPage(browser: Browser, url: string, opts: WorkbenchPageOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: opts.acceptDownloads ?? false });
  page.setDefaultTimeout(opts.defaultTimeout ?? 120_000);
  if (opts.pageErrors) page.on('pageerror', (e) => opts.pageErrors!.push(e.message));
  if (opts.consoleErrors) {
    page.on('console', (m) => {
      if (m.type() === 'error') opts.consoleErrors!.push(m.text());
    });
    page.on('pageerror', (e) => opts.consoleErrors!.push(`pageerror: ${e.message}`));
  }
  // On a 2-core machine shared by several builds the first load has taken 80 s.
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.waitForSelector('[data-region="viewport"]', { timeout: 150_000 });
  return page;
}

export interface E2eSession {
  server: Awaited<ReturnType<typeof startServe>>;
  browser: Browser;
  page: Page;
  /** Closes the browser, then stops the server. */
  close(): Promise<void>;
}

/**
 * One e2e session: `twin serve ARGS` on a fresh user-data folder (`twin-NAME-e2e-…` in the temp
 * folder), Debian's Chromium, and the workbench page on it (see `openWorkbenchPage`).
 */
export async function startE2eSession(name: string, args: string[], opts: WorkbenchPageOptions = {}, env: NodeJS.ProcessEnv = {}): Promise<E2eSession> {
  const server = await startServe(args, { TWIN_USER_DATA: mkdtempSync(join(tmpdir(), `twin-${name}-e2e-`)), ...env });
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const page = await openWorkbenchPage(browser, server.url, opts);
    const b = browser;
    return { server, browser: b, page, close: async () => { await b.close(); await server.stop(); } };
  } catch (e) {
    await browser?.close();
    await server.stop();
    throw e;
  }
}
