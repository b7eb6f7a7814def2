/**
 * An operator connects the workbench to a broker whose beacon scans come from a deployment it has no registry for
 * (twin testbed publishing, twin serve on the sample building with no --beacons). The workbench places beacons on
 * the model, numbered as the deployment numbers its own (b-001, …), so before this every person was drawn in the
 * wrong place and nothing said so (QA: about a third of the people, all near the atrium). Now the Source health
 * panel says whose beacons position people and how badly they fit the scans, a warning alert (and toast) says the
 * positions are unreliable, and loading the deployment's registry there ends it; a broken registry file is refused
 * with the field named. Screenshot: test-results/beacon-registry.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { startE2eSession, type E2eSession } from '../helpers/launchChromium';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { repoRoot, twin, twinBin } from '../helpers/twinCli.js';

const shots = join(repoRoot, 'test-results');
mkdirSync(shots, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'twin-beacons-e2e-'));

let broker: Broker;
let session: E2eSession;
let page: Page;
let publisher: ChildProcess;

beforeAll(async () => {
  broker = await startBroker();
  session = await startE2eSession('beacon-registry', ['--no-record', '--source', `${broker.url}/testbed`]);
  page = session.page;
  publisher = spawn(process.execPath, [twinBin, 'testbed', '--to', `${broker.url}/testbed`, '--robots', '4', '--tags', '300', '--seed', '3', '--duration', '600'], { cwd: repoRoot, stdio: 'ignore' });
}, 300_000);

afterAll(async () => {
  publisher?.kill();
  await session?.close();
  await broker?.stop();
});

const text = (id: string) => page.locator(`[data-testid="${id}"]`).innerText();
const visible = (id: string) => page.locator(`[data-testid="${id}"]`).isVisible();

describe('the beacon registry behind people positions (twin serve + mosquitto + twin testbed + Chromium)', { timeout: 300_000 }, () => {
  it('warns that positions are unreliable while the model\'s beacons do not fit the scans, and a loaded registry ends it', async () => {
    await page.click('button.dock-tab[data-panel="source-health"]');
    await expect.poll(() => text('health-positioning'), { timeout: 120_000 }).toContain('placed on the model by the workbench');
    await expect.poll(() => visible('health-positioning-warning'), { timeout: 120_000 }).toBe(true);
    expect(await text('health-positioning-warning')).toMatch(/^People positions are unreliable: \d+ % of the beacons the scans name are not in the registry/);
    // Said as an alert too: an operator on the plan sees it without the panel open. The Alerts list keeps it; its toast
    // lasts 7 s, which a loaded CI machine can spend before the panel above showed the warning (the toast was gone).
    await expect.poll(() => page.locator('[data-testid="alert-row"]').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringContaining('People positions are unreliable')]));
    await page.screenshot({ path: join(shots, 'beacon-registry.png') });

    // A registry with a broken field is refused, naming it; nothing changes.
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ beacons: [{ id: 'b-001', floor: '1F', x: 'ten', y: 5, txPower: -59 }] }));
    await page.setInputFiles('[data-testid="health-beacons-file"]', broken);
    await expect.poll(() => page.locator('.toast').allInnerTexts(), { timeout: 30_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/Beacon registry broken\.json: .*beacons\.0\.x/)]));
    expect(await text('health-positioning')).toContain('placed on the model');

    // The deployment's registry (the publisher's seed): positions fit, the warning goes and stays gone.
    const registry = join(dir, 'beacons.json');
    const r = twin(['testbed', '--beacons-out', registry, '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
    await page.setInputFiles('[data-testid="health-beacons-file"]', registry);
    await expect.poll(() => text('health-positioning'), { timeout: 30_000 }).toContain('400 beacons from the registry you loaded');
    await expect.poll(() => visible('health-positioning-warning'), { timeout: 30_000 }).toBe(false);
    // Judged again on the scans that came since: none names an unknown beacon.
    await expect.poll(() => text('health-positioning'), { timeout: 60_000 }).toMatch(/last \d+ scans: 0 % name unknown beacons, [01] % misfit/);
    expect(await visible('health-positioning-warning')).toBe(false);
    expect(await visible('health-drop-beacons')).toBe(true);
  });
});
