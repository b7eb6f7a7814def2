/**
 * Debian's Chromium as the e2e tests drive it: headless, no sandbox (CI runs as root), software
 * WebGL (SwiftShader) because these machines have no GPU, and no background networking (the
 * machine has no internet; Chromium's own lookups would only fail noisily).
 */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-gl=swiftshader', '--enable-unsafe-swiftshader'],
  });
}
