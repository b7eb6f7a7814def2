/**
 * Debian's Chromium as the e2e tests drive it: headless, no sandbox (CI runs as root), software
 * WebGL (SwiftShader) because these machines have no GPU, and no background networking (the
 * machine has no internet; Chromium's own lookups would only fail noisily).
 */
import { chromium, type Browser, type Page } from 'playwright-core';

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
export async function openWorkbenchPage(
  browser: Browser,
  url: string,
  opts: { pageErrors?: string[]; acceptDownloads?: boolean; defaultTimeout?: number } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: opts.acceptDownloads ?? false });
  page.setDefaultTimeout(opts.defaultTimeout ?? 120_000);
  if (opts.pageErrors) page.on('pageerror', (e) => opts.pageErrors!.push(e.message));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForSelector('[data-region="viewport"]', { timeout: 120_000 });
  return page;
}
