/**
 * `twin testbed` against a real mosquitto broker, as a user runs it: what arrives on the topics of
 * spec/telemetry.md validates against common/records.ts and is exactly what the simulator produces
 * for the same options; it stops at --duration and on SIGINT; bad input exits 2, no broker exits 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { BeaconRegistrySchema, CountSchema, ScanSchema, StateSchema } from '../../common/records.js';
import { TestbedSimulator } from '../../main/sources/testbed/TestbedSimulator.js';
import { freePort, startBroker, type Broker } from '../helpers/mosquitto.js';
import { repoRoot, twin, twinBin } from '../helpers/twinCli.js';

const START = '2026-11-24T01:00:00Z';

interface Received { topic: string; value: unknown }

async function subscribe(url: string, filter: string): Promise<{ got: Received[]; end(): Promise<void> }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const got: Received[] = [];
  client.on('message', (topic, payload) => {
    const value: unknown = JSON.parse(payload.toString());
    for (const v of Array.isArray(value) ? value : [value]) got.push({ topic, value: v });
  });
  await client.subscribeAsync(filter, { qos: 0 });
  return { got, end: () => client.endAsync() };
}

describe('twin testbed → real mosquitto', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('publishes the simulated day on the spec topics, valid and complete, and stops at --duration', async () => {
    const sub = await subscribe(broker.url, 'itest/#');
    const args = ['testbed', '--to', `${broker.url}/itest`, '--robots', '10', '--tags', '60', '--beacon-count', '80', '--seed', '3', '--speed', '40', '--duration', '30', '--start', START];
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [twinBin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    await new Promise((res) => setTimeout(res, 300)); // let the last messages arrive
    await sub.end();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/done: sim 2026-11-24T01:00:30\.000Z \(\+30 s\)/);

    const expected = new TestbedSimulator({ robots: 10, tags: 60, beacons: 80, seed: 3, start: Date.parse(START) }).step(30);
    const byKind = { state: 0, scan: 0, count: 0 };
    const keys = new Set<string>();
    for (const { topic, value } of sub.got) {
      const parts = topic.split('/');
      expect(parts[0]).toBe('itest');
      if (parts[1] === 'state') {
        const s = StateSchema.parse(value);
        expect(parts.slice(2)).toEqual([s.kind, s.id]);
        byKind.state++;
        keys.add(`state ${s.id} ${s.t}`);
      } else if (parts[1] === 'scan') {
        const s = ScanSchema.parse(value);
        expect(parts[2]).toBe(s.device);
        byKind.scan++;
        keys.add(`scan ${s.device} ${s.t}`);
      } else if (parts[1] === 'count') {
        const c = CountSchema.parse(value);
        expect(parts[2]).toBe(c.zone);
        byKind.count++;
        keys.add(`count ${c.zone} ${c.t}`);
      } else throw new Error(`unexpected topic ${topic}`);
    }
    const want = { state: 0, scan: 0, count: 0 };
    const wantKeys = new Set<string>();
    for (const e of expected) {
      if (e.kind === 'state') { want.state++; wantKeys.add(`state ${e.record.id} ${e.record.t}`); }
      if (e.kind === 'scan') { want.scan++; wantKeys.add(`scan ${e.record.device} ${e.record.t}`); }
      if (e.kind === 'count') { want.count++; wantKeys.add(`count ${e.record.zone} ${e.record.t}`); }
    }
    expect(byKind).toEqual(want);
    expect(keys).toEqual(wantKeys);
    expect(want.state).toBeGreaterThan(10 * 30 * 0.85);
  });

  it('stops cleanly on SIGINT with a summary', async () => {
    const sub = await subscribe(broker.url, 'sig/#');
    const child = spawn(process.execPath, [twinBin, 'testbed', '--to', `${broker.url}/sig`, '--robots', '5', '--tags', '20', '--beacon-count', '40'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 20_000;
    while (sub.got.length < 20 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    expect(sub.got.length).toBeGreaterThanOrEqual(20);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGINT');
    });
    await sub.end();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/done: sim .* records/);
  });

  it('says the broker is gone, not the CPU, when the publishes wait for a broker that went away', async () => {
    // Its own broker, stopped under it. It said "running at ×0.1 of ×1 (CPU or consumer too slow)".
    const own = await startBroker();
    const child = spawn(process.execPath, [twinBin, 'testbed', '--to', `${own.url}/gone`, '--robots', '5', '--tags', '20', '--beacon-count', '40'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const until = async (re: RegExp, ms: number) => {
        const deadline = Date.now() + ms;
        while (!re.test(stderr) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
        return re.test(stderr);
      };
      expect(await until(/publishing to/, 20_000), stderr).toBe(true);
      await own.stop();
      expect(await until(/the broker is unreachable since \d{4}-\d\d-\d\dT[\d:.]+Z: the simulation waits for it/, 20_000), stderr).toBe(true);
      expect(stderr).not.toMatch(/CPU or consumer too slow/);
      expect(stderr.match(/broker error/g)?.length ?? 0).toBeLessThanOrEqual(1); // once per outage, not every second
      // Ctrl+C during the outage ends it with its summary (it waited for the broker for good).
      const code = await new Promise<number | null>((resolve) => { child.once('exit', (c) => resolve(c)); child.kill('SIGINT'); });
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/done: sim /);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await own.stop();
    }
  });

  it('exits 1 when the broker is unreachable and 2 on bad input', async () => {
    const port = await freePort();
    const down = twin(['testbed', '--to', `mqtt://127.0.0.1:${port}`, '--duration', '1', '--tags', '5'], { timeoutMs: 30_000 });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot connect to mqtt:\/\/127\.0\.0\.1/);
    const bad = twin(['testbed', '--to', broker.url, '--speed', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--speed must be a number/);
    const noTarget = twin(['testbed']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--to/);
    const badUri = twin(['testbed', '--to', 'http://x']);
    expect(badUri.code).toBe(2);
  });

  it('writes its beacon registry with --beacons-out', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'twin-beacons-')), 'beacons.json');
    const r = twin(['testbed', '--beacons-out', file, '--seed', '7']);
    expect(r.code, r.stderr).toBe(0);
    const reg = BeaconRegistrySchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(reg.beacons).toHaveLength(400);
    expect(new Set(reg.beacons.map((b) => b.floor))).toEqual(new Set(['1F', '2F', '3F']));
  });

  it('runs on the building of --model: the house’s storeys and spaces, people and beacons fitted to it', async () => {
    const house = join(repoRoot, '..', 'shared', 'ifc', 'kit-ac20-fzk-haus-ifc4.ifc');
    const sub = await subscribe(broker.url, 'house/#');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [twinBin, 'testbed', '--to', `${broker.url}/house`, '--model', house, '--robots', '6', '--seed', '5', '--speed', '40', '--duration', '20', '--start', START], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    await new Promise((res) => setTimeout(res, 300));
    await sub.end();
    expect(r.code, r.stderr).toBe(0);
    // 7 IfcSpaces; the spiral stair's well is a hole in Wohnen (ground floor) and Galerie (attic), and the testbed
    // layout keeps spaces as simple polygons, so each of the two is walked as two pieces: 9.
    expect(r.stderr).toMatch(/building kit-ac20-fzk-haus-ifc4\.ifc: 2 storeys \(Erdgeschoss, Dachgeschoss\), 9 spaces/);
    expect(r.stderr).toMatch(/2000 tags capped to \d+/);
    const states = sub.got.filter((m) => m.topic.includes('/state/')).map((m) => StateSchema.parse(m.value));
    const robots = states.filter((s) => s.kind === 'robot');
    expect(robots.length).toBeGreaterThan(4 * 15);
    for (const s of robots) expect(['Erdgeschoss', 'Dachgeschoss']).toContain(s.floor);
    const zones = new Set(sub.got.filter((m) => m.topic.includes('/count/')).map((m) => CountSchema.parse(m.value).zone));
    expect(zones.size).toBeGreaterThanOrEqual(7);
    // The house is about 10 m × 12 m: nothing indoors is far from it.
    for (const s of robots) expect(Math.abs(s.x!) + Math.abs(s.y!)).toBeLessThan(30);

    const empty = join(mkdtempSync(join(tmpdir(), 'twin-model-')), 'none.ifc');
    const bad = twin(['testbed', '--beacons-out', join(tmpdir(), 'never.json'), '--model', empty]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/none\.ifc: no such file/);
  });
});
