/**
 * MQTT source against a real mosquitto broker, through the built CLI (`twin record`), as a user
 * would run it: valid and malformed payloads, a flood, and a broker crash + restart; then the
 * project's own `twin testbed` publishing while the broker crashes mid-stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { buildingToWgs84 } from '../../common/georeference.js';
import { readMcapFile } from '../../main/recording/McapMessageReader.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { repoRoot, twin, twinBin } from '../helpers/twinCli.js';

const T0 = Date.now();

async function publisher(url: string) {
  const c = mqtt.connect(url, { reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return {
    pub: (topic: string, payload: string | object) =>
      new Promise<void>((resolve, reject) =>
        c.publish(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 }, (e) => (e ? reject(e) : resolve())),
      ),
    end: () => new Promise<void>((resolve) => c.end(false, {}, () => resolve())),
  };
}

function waitFor(get: () => string, re: RegExp, ms: number, from = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const until = Date.now() + ms;
    const poll = () => {
      const text = get().slice(from);
      const m = re.exec(text);
      if (m) return resolve(from + m.index + m[0].length);
      if (Date.now() > until) return reject(new Error(`timed out waiting for ${re}; output:\n${get()}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

describe('MQTT source → twin record (real mosquitto)', () => {
  let broker: Broker;
  let child: ChildProcess;
  let stderr = '';
  const out = join(mkdtempSync(join(tmpdir(), 'twin-mqtt-')), 'live.mcap');

  beforeAll(async () => {
    broker = await startBroker();
    child = spawn(process.execPath, [twinBin, 'record', '--source', `${broker.url}/testbed?qos=1`, '--out', out], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => stderr, /: live/, 20_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await broker?.stop();
  });

  it('records valid input, rejects malformed input with reasons, survives a flood and a broker restart', async () => {
    const p = await publisher(broker.url);
    // Valid: a single record, an array of one kind, a geo state, a count, a scan, a position.
    await p.pub('testbed/state/robot/robot-01', { id: 'robot-01', kind: 'robot', type: 'delivery', t: new Date(T0).toISOString(), floor: '2F', x: 12.3, y: 45.6, heading: 90, speed: 0.8, battery: 0.76, state: 'moving', task: 'deliver 2F-12', error: null });
    await p.pub('testbed/state/robot/robot-02', [{ id: 'robot-02', kind: 'robot', t: T0, x: 1, y: 1 }, { id: 'robot-02', kind: 'robot', t: T0 + 1000, x: 2, y: 1 }]);
    await p.pub('testbed/state/bus/bus-1', { id: 'bus-1', kind: 'bus', t: T0, lat: 35.5494, lon: 139.7798, speed: 5 });
    await p.pub('testbed/count/2F-atrium', { zone: '2F-atrium', t: T0, count: 37 });
    await p.pub('testbed/scan/tag-0042', { device: 'tag-0042', t: T0, rssi: { 'b-001': -71, 'b-017': -80 } });
    await p.pub('testbed/position/tag-0042', { id: 'tag-0042', t: T0, floor: '1F', x: 10.2, y: 4.9, accuracy: 1.8 });
    // An entity kind the app has no special drawing for is still an entity (spec: any non-empty kind).
    await p.pub('testbed/state/forklift/fl-1', { id: 'fl-1', kind: 'forklift', t: T0, x: 3, y: 4 });
    // Malformed: 11 rejects.
    await p.pub('testbed/state/robot/robot-03', '{"id": "robot-03", "kind": "robot", "t": 1764061200000, "x": NaN, "y": 1}');
    await p.pub('testbed/state/robot/robot-03', { id: 'robot-03', kind: 42, t: T0, x: 1, y: 1 });
    await p.pub('testbed/state/robot/robot-03', { id: 'robot-03', kind: '', t: T0, x: 1, y: 1 });
    await p.pub('testbed/scan/tag-0043', { device: 'tag-0043', t: T0, rssi: { 'b-001': 20 } });
    await p.pub('testbed/state/robot/robot-03', '{"id": "robot-03", "kind": "robot", "t": ');
    await p.pub('testbed/state/robot/robot-03', { id: 'robot-03', kind: 'robot', t: T0, x: 'twelve', y: 1 });
    await p.pub('testbed/state/robot/robot-03', { id: 'robot-03', kind: 'robot', t: T0, x: 'NaN', y: 1 });
    await p.pub('testbed/state/robot/robot-03', { id: 'robot-03', kind: 'robot', t: 42 });
    await p.pub('testbed/state/robot/robot-03', { id: 'robot-03', kind: 'robot', t: '9999-12-31T00:00:00Z' });
    await p.pub('testbed/weather/station-1', { t: T0, temperature: 21 });
    await p.pub('testbed/count/hall', { zone: 'hall', t: T0, count: -5 });
    // Flood: 5 000 states of 50 robots, distinct times.
    const flood: Promise<void>[] = [];
    for (let i = 0; i < 5000; i++) {
      const id = `flood-${String(i % 50).padStart(2, '0')}`;
      flood.push(p.pub(`testbed/state/robot/${id}`, { id, kind: 'robot', t: T0 + 2000 + Math.floor(i / 50) * 100, x: i % 50, y: 3, state: 'moving', speed: 1 }));
    }
    await Promise.all(flood);
    await p.end();
    // The broker acknowledged every publish; give it a moment to deliver them before the crash
    // (what the broker had not yet sent is the broker's loss, not the source's).
    await new Promise((r) => setTimeout(r, 1500));

    // Crash the broker: the source reports reconnecting, then comes back by itself.
    const mark = stderr.length;
    await broker.kill();
    await waitFor(() => stderr, /reconnecting \([^)]*retry: attempt 1 at \d\d:\d\d:\d\d\)/, 15_000, mark);
    await broker.restart();
    await waitFor(() => stderr, /: live/, 30_000, mark);
    const q = await publisher(broker.url);
    await q.pub('testbed/state/robot/after-restart', { id: 'after-restart', kind: 'robot', t: T0 + 60_000, x: 0, y: 0 });
    await q.end();
    await new Promise((r) => setTimeout(r, 800));

    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/accepted 5009, rejected 11/);

    const r = twin(['inspect', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.truncated).toBe(false);
    const ch = Object.fromEntries(s.channels.map((c: { topic: string; messages: number }) => [c.topic, c.messages]));
    expect(ch['/state/robot']).toBe(1 + 2 + 5000 + 1);
    expect(ch['/state/bus']).toBe(1);
    expect(ch['/state/forklift']).toBe(1);
    expect(ch['/count']).toBe(1);
    expect(ch['/scan']).toBe(1);
    expect(ch['/position']).toBe(1);
    expect(ch['/rejected']).toBe(11);
    expect(s.rejected).toBe(11);
    expect(s.rejectReasons).toEqual({
      'invalid JSON': 2,
      'invalid state: kind': 2,
      'invalid scan: rssi.b-001': 1,
      'invalid state: x': 2,
      'invalid state: time out of range': 2,
      'unknown topic': 1,
      'invalid count: count': 1,
    });
    expect(s.entities).toEqual({ bus: 1, forklift: 1, robot: 2 + 50 + 1 });
    // The connection loss was alerted and recorded.
    expect(ch['/alert']).toBeGreaterThanOrEqual(2);
  });
});

describe('twin testbed → mosquitto → twin record, broker crash mid-stream', () => {
  it('reconnects by itself and records every record it received, before and after the crash', async () => {
    const broker = await startBroker();
    const out = join(mkdtempSync(join(tmpdir(), 'twin-mqtt-tb-')), 'stream.mcap');
    const procs: ChildProcess[] = [];
    const run = (args: string[]) => {
      const c = spawn(process.execPath, [twinBin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      procs.push(c);
      return { child: c, err: () => err, exited: new Promise<number | null>((r) => c.once('exit', (code) => r(code))) };
    };
    try {
      const rec = run(['record', '--source', `${broker.url}/site`, '--out', out]);
      await waitFor(rec.err, /: live/, 20_000);
      // A small testbed at real time: 8 units, 40 tags (scans ~1 Hz), counts and sensors.
      const tb = run(['testbed', '--to', `${broker.url}/site`, '--robots', '8', '--tags', '40', '--beacon-count', '60', '--seed', '3']);
      await waitFor(tb.err, /publishing to/, 20_000);
      await new Promise((r) => setTimeout(r, 3000));

      // Crash the broker while the testbed is publishing, and bring it back.
      const mark = rec.err().length;
      await broker.kill();
      await waitFor(rec.err, /reconnecting/, 15_000, mark);
      await new Promise((r) => setTimeout(r, 1000));
      await broker.restart();
      const restartedAt = Date.now();
      await waitFor(rec.err, /: live/, 30_000, mark);
      // The stream resumes (the testbed's own client reconnects too): keep it going a while.
      await new Promise((r) => setTimeout(r, 4000));

      tb.child.kill('SIGINT');
      expect(await tb.exited).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      rec.child.kill('SIGINT');
      expect(await rec.exited).toBe(0);

      const summary = /accepted (\d+), rejected (\d+), duplicates (\d+)/.exec(rec.err());
      expect(summary, rec.err()).not.toBeNull();
      const [accepted, rejected, duplicates] = summary!.slice(1).map(Number) as [number, number, number];
      // The project's own publisher produces nothing the edge rejects.
      expect(rejected).toBe(0);
      expect(accepted).toBeGreaterThan(100);

      // Everything the recorder's source accepted is in the file (duplicates are dropped by design).
      const times: number[] = [];
      let records = 0;
      let truncated = true;
      for await (const ev of readMcapFile(out)) {
        if (ev.type === 'end') truncated = ev.truncated;
        if (ev.type !== 'message') continue;
        const topic = ev.message.channel.topic;
        if (topic === '/alert' || topic === '/rejected' || topic === '/snapshot') continue;
        records++;
        if (topic.startsWith('/state/')) times.push(Number(ev.message.logTime / 1_000_000n));
      }
      expect(truncated).toBe(false);
      expect(records).toBe(accepted - duplicates);
      // Records arrived both before the crash and after the restart.
      expect(times.some((t) => t < restartedAt - 1000)).toBe(true);
      expect(times.some((t) => t > restartedAt + 1000)).toBe(true);
      // The loss of the connection was alerted and recorded.
      const r = twin(['inspect', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).alerts).toBeGreaterThanOrEqual(1);
    } finally {
      for (const c of procs) if (c.exitCode === null) c.kill('SIGKILL');
      await broker.stop();
    }
  });
});

describe('twin record --model: a building without a source layout (real mosquitto)', () => {
  it('raises crowding in an IFC space, positions scans on beacons placed on the model, and records WGS84 states with building x/y', async () => {
    const broker = await startBroker();
    const out = join(mkdtempSync(join(tmpdir(), 'twin-mqtt-model-')), 'model.mcap');
    const model = join(repoRoot, '..', 'shared', 'ifc', 'kit-ac20-fzk-haus-ifc4.ifc');
    const env = { ...process.env, TWIN_USER_DATA: mkdtempSync(join(tmpdir(), 'twin-ud-')) };
    let stderr = '';
    const child = spawn(process.execPath, [twinBin, 'record', '--source', `${broker.url}/site?qos=1`, '--model', model, '--out', out], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitFor(() => stderr, /: live/, 90_000);
      expect(stderr).toMatch(/positioning on, \d+ beacons placed on the model/);
      expect(stderr).toMatch(/crowding zones from the model, 7 spaces, WGS84 records placed/);
      const p = await publisher(broker.url);
      // KIT FZK-Haus: IfcSite 49°6′1.566″N 8°26′11.5404″E, true north 50°; the kitchen is 16.3 m².
      const [lat, lon] = buildingToWgs84({ lat: 49 + 6 / 60 + 1.566 / 3600, lon: 8 + 26 / 60 + 11.5404 / 3600, trueNorth: 50 }, 5, 3);
      await p.pub('site/state/bus/bus-1', { id: 'bus-1', kind: 'bus', t: T0, lat, lon, speed: 4 });
      await p.pub('site/count/Küche', { zone: 'Küche', t: T0, count: 40 });
      for (let k = 0; k < 3; k++) await p.pub('site/scan/tag-1', { device: 'tag-1', t: T0 + k * 1000, rssi: { 'b-001': -65, 'b-002': -72, 'b-003': -80 } });
      await p.end();
      await new Promise((r) => setTimeout(r, 1000));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await broker.stop();
    }
    const byTopic = new Map<string, Record<string, unknown>[]>();
    for await (const ev of readMcapFile(out)) {
      if (ev.type !== 'message') continue;
      const list = byTopic.get(ev.message.channel.topic) ?? [];
      list.push(JSON.parse(new TextDecoder().decode(ev.message.data)) as Record<string, unknown>);
      byTopic.set(ev.message.channel.topic, list);
    }
    expect(byTopic.get('/state/bus')![0]).toMatchObject({ id: 'bus-1', x: expect.closeTo(5, 1), y: expect.closeTo(3, 1), floor: 'Erdgeschoss' });
    expect(byTopic.get('/alert')!.some((a) => a.code === 'crowding' && a.entity === 'Küche' && a.active === true)).toBe(true);
    const positions = byTopic.get('/position') ?? [];
    expect(positions.length).toBeGreaterThanOrEqual(1);
    expect(['Erdgeschoss', 'Dachgeschoss']).toContain(positions[0]!.floor);
  });
});
