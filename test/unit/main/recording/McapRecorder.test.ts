import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { McapIndexedReader } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import type { TelemetryRecord } from '../../../../common/records.js';
import { McapRecorder, rotationFileName } from '../../../../main/recording/McapRecorder.js';
import { readMcapFile, McapFileError, type McapReadMessage } from '../../../../main/recording/McapMessageReader.js';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const tmp = () => mkdtempSync(join(tmpdir(), 'twin-rec-'));

function batch(i: number): TelemetryRecord[] {
  return [
    { kind: 'state', record: { id: `robot-${i % 5}`, kind: 'robot', t: T0 + i * 100, x: i, y: 2, state: 'moving', speed: 1 } },
    { kind: 'state', record: { id: 'bus-1', kind: 'bus', t: T0 + i * 100, lat: 35.55, lon: 139.78 } },
    { kind: 'count', record: { zone: '1F-atrium', t: T0 + i * 100, count: i } },
    { kind: 'rejected', record: { t: T0 + i * 100, source: 'mqtt://x', reason: 'invalid JSON', raw: '{' } },
  ];
}

async function readAll(path: string) {
  const messages: McapReadMessage[] = [];
  const metadata: Record<string, Map<string, string>> = {};
  let end: { truncated: boolean; error?: string } | undefined;
  for await (const ev of readMcapFile(path)) {
    if (ev.type === 'message') messages.push(ev.message);
    else if (ev.type === 'metadata') metadata[ev.name] = ev.metadata;
    else end = ev;
  }
  return { messages, metadata, end: end! };
}

describe('McapRecorder', () => {
  it('writes a /snapshot keyframe every 10 s of record time holding the latest record per entity and zone', async () => {
    const file = join(tmp(), 'snap.mcap');
    const rec = await McapRecorder.create({ target: { file }, metadata: { source: 'testbed:' } });
    for (let i = 0; i < 300; i++) rec.write(batch(i), T0 + i * 100); // 30 s of records
    rec.close();
    const { messages } = await readAll(file);
    const snaps = messages.filter((m) => m.channel.topic === '/snapshot');
    expect(snaps.map((m) => m.channel.schemaName)).toEqual(['twin.Snapshot', 'twin.Snapshot']);
    const snap = JSON.parse(new TextDecoder().decode(snaps[0]!.data));
    expect(snap.t).toBe(T0 + 9_900);
    expect(snap.states.map((s: { id: string }) => s.id).sort()).toEqual(['bus-1', 'robot-0', 'robot-1', 'robot-2', 'robot-3', 'robot-4']);
    expect(snap.states.find((s: { id: string }) => s.id === 'robot-4').x).toBe(99);
    expect(snap.counts).toEqual([{ zone: '1F-atrium', t: T0 + 9_900, count: 99 }]);
  });

  it('puts a record it cannot write as JSON on /rejected and goes on recording', async () => {
    const file = join(tmp(), 'deep.mcap');
    const stops: string[] = [];
    const rec = await McapRecorder.create({ target: { file }, metadata: { source: 'mqtt://x' }, onStopped: (why) => stops.push(why) });
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    rec.write(batch(0), T0);
    rec.write([{ kind: 'state', record: { id: 'r9', kind: 'robot', t: T0 + 100, d: deep } }], T0 + 100);
    rec.write(batch(2), T0 + 200);
    expect(rec.status().state).toBe('recording');
    rec.close();
    expect(stops).toEqual([]);
    const { messages, end } = await readAll(file);
    expect(end.truncated).toBe(false);
    expect(messages).toHaveLength(9);
    const bad = messages.filter((m) => m.channel.topic === '/rejected').map((m) => JSON.parse(new TextDecoder().decode(m.data)) as { reason: string });
    expect(bad.map((b) => b.reason)).toContainEqual(expect.stringMatching(/^not recordable — state record: /));
  });

  it('writes spec channels with json schemas, times in ns, metadata, and an indexed file other readers open', async () => {
    const file = join(tmp(), 'a.mcap');
    const rec = await McapRecorder.create({ target: { file }, metadata: { source: 'testbed:?seed=1', modelName: 'x.ifc', modelHash: 'abc' } });
    for (let i = 0; i < 50; i++) rec.write(batch(i), T0 + 5000 + i);
    rec.close();
    const { messages, metadata, end } = await readAll(file);
    expect(end.truncated).toBe(false);
    expect(messages).toHaveLength(200);
    const topics = new Set(messages.map((m) => m.channel.topic));
    expect([...topics].sort()).toEqual(['/count', '/rejected', '/state/bus', '/state/robot']);
    const first = messages[0]!;
    expect(first.channel.messageEncoding).toBe('json');
    expect(first.channel.schemaEncoding).toBe('jsonschema');
    expect(first.channel.schemaName).toBe('twin.State');
    expect(first.publishTime).toBe(BigInt(T0) * 1_000_000n);
    expect(first.logTime).toBe(BigInt(T0 + 5000) * 1_000_000n);
    expect(JSON.parse(new TextDecoder().decode(first.data))).toMatchObject({ id: 'robot-0', kind: 'robot', x: 0 });
    expect(metadata.twin?.get('source')).toBe('testbed:?seed=1');
    expect(metadata.twin?.get('modelHash')).toBe('abc');

    // The summary is valid for an indexed reader (what Foxglove uses).
    await zstd.isLoaded;
    const bytes = readFileSync(file);
    const indexed = await McapIndexedReader.Initialize({
      readable: { size: async () => BigInt(bytes.length), read: async (o, l) => bytes.subarray(Number(o), Number(o + l)) },
      decompressHandlers: { zstd: (b, s) => zstd.decompress(b, Number(s)) },
    });
    expect(indexed.statistics?.messageCount).toBe(200n);
    expect(indexed.chunkIndexes.length).toBeGreaterThan(0);
    let n = 0;
    for await (const m of indexed.readMessages({ topics: ['/count'] })) {
      expect(m.publishTime).toBe(BigInt(T0 + n * 100) * 1_000_000n);
      n++;
    }
    expect(n).toBe(50);
  });


  it('writes scans in chunks of their own, closed with the others, and an indexed reader merges them back in time order', async () => {
    const file = join(tmp(), 'scans.mcap');
    const rec = await McapRecorder.create({ target: { file }, metadata: { source: 'mqtt://x' } });
    for (let i = 0; i < 30; i++) {
      rec.write([...batch(i), { kind: 'scan', record: { device: `tag-${i % 4}`, t: T0 + i * 100, rssi: { 'b-001': -60, 'b-002': -71 } } }], T0 + i * 100);
      if (i % 10 === 9) rec.flush();
    }
    rec.close();
    await zstd.isLoaded;
    const bytes = readFileSync(file);
    const indexed = await McapIndexedReader.Initialize({
      readable: { size: async () => BigInt(bytes.length), read: async (o, l) => bytes.subarray(Number(o), Number(o + l)) },
      decompressHandlers: { zstd: (b, s) => zstd.decompress(b, Number(s)) },
    });
    const scanChannel = [...indexed.channelsById.values()].find((c) => c.topic === '/scan')!.id;
    const chunkChannels = indexed.chunkIndexes.map((c) => [...c.messageIndexOffsets.keys()]);
    // Three flushes: each closes a chunk of the rest and a chunk of scans over the same tenth of the messages.
    expect(chunkChannels).toHaveLength(6);
    expect(chunkChannels.filter((ch) => ch.length === 1 && ch[0] === scanChannel)).toHaveLength(3);
    expect(chunkChannels.filter((ch) => !ch.includes(scanChannel))).toHaveLength(3);
    // Foxglove's indexed reader merges the chunks: every message, in log-time order, scans among the rest.
    const times: bigint[] = [];
    const topics: string[] = [];
    for await (const m of indexed.readMessages()) {
      times.push(m.logTime);
      topics.push(indexed.channelsById.get(m.channelId)!.topic);
    }
    expect(times).toHaveLength(150);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(topics.slice(0, 5)).toEqual(['/state/robot', '/state/bus', '/count', '/rejected', '/scan']);
  });
  it('rotates files in a directory by age, each complete on its own', async () => {
    const dir = tmp();
    let now = T0;
    const rec = await McapRecorder.create({ target: { dir, rotateSeconds: 60 }, metadata: { source: 'mqtt://h:1' }, now: () => now });
    rec.write(batch(0));
    now += 61_000;
    rec.write(batch(1));
    now += 10_000;
    rec.write(batch(2));
    rec.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual([rotationFileName(T0), rotationFileName(T0 + 61_000)]);
    expect(files[0]).toBe('twin-20261124-030000.mcap');
    const a = await readAll(join(dir, files[0]!));
    const b = await readAll(join(dir, files[1]!));
    expect(a.messages).toHaveLength(4);
    // The rotated file opens with a keyframe of the twin so far, then its own 8 records.
    expect(b.messages).toHaveLength(9);
    expect(b.messages[0]!.channel.topic).toBe('/snapshot');
    expect(JSON.parse(new TextDecoder().decode(b.messages[0]!.data)).states).toHaveLength(2);
    expect(b.end.truncated).toBe(false);
    expect(b.metadata.twin?.get('source')).toBe('mqtt://h:1');
  });

  it('a file cut short still reads up to its last complete chunk and says it was truncated', async () => {
    const file = join(tmp(), 'cut.mcap');
    const rec = await McapRecorder.create({ target: { file }, metadata: { source: 's' } });
    rec.write(batch(0));
    rec.flush();
    rec.write(batch(1));
    rec.close();
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 40)); // footer and part of the summary gone
    const { messages, end } = await readAll(file);
    expect(end.truncated).toBe(true);
    expect(messages).toHaveLength(8);
  });

  it('rejects a file that is not MCAP', async () => {
    const file = join(tmp(), 'x.mcap');
    writeFileSync(file, 'this is not an mcap file at all, not even close');
    await expect(readAll(file)).rejects.toThrow(McapFileError);
  });

  it('a recording process killed with SIGKILL loses at most the last seconds', async () => {
    const dir = tmp();
    const file = join(dir, 'killed.mcap');
    const marker = join(dir, 'progress.txt');
    // Built inside the repository so the child resolves packages from node_modules.
    const cache = join(resolve('node_modules'), '.cache');
    mkdirSync(cache, { recursive: true });
    const script = join(mkdtempSync(join(cache, 'twin-rec-child-')), 'child.mjs');
    // The child records 20 batches per second and writes how many batches it has handed over.
    writeFileSync(
      join(dir, 'child.ts'),
      `import { writeFileSync } from 'node:fs';
       import { McapRecorder } from ${JSON.stringify(resolve('main/recording/McapRecorder.ts'))};
       const rec = await McapRecorder.create({ target: { file: ${JSON.stringify(file)} }, metadata: { source: 'child' } });
       let i = 0;
       setInterval(() => {
         rec.write([{ kind: 'count', record: { zone: 'z', t: ${T0} + i * 50, count: i } }]);
         i++;
         writeFileSync(${JSON.stringify(marker)}, String(i));
       }, 50);`,
    );
    await build({ entryPoints: [join(dir, 'child.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm', packages: 'external', absWorkingDir: resolve('.'), logLevel: 'silent' });
    const child = spawn(process.execPath, [script], { cwd: resolve('.'), stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    // Let it record ~4 s (at least three timed chunk closes).
    for (let waited = 0; waited < 20_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        if (Number(readFileSync(marker, 'utf8')) >= 80) break;
      } catch {
        /* not started yet */
      }
    }
    child.kill('SIGKILL');
    await exited;
    const handed = Number(readFileSync(marker, 'utf8'));
    expect(handed).toBeGreaterThanOrEqual(80);
    expect(statSync(file).size).toBeGreaterThan(0);
    const { messages, end } = await readAll(file);
    expect(end.truncated).toBe(true);
    // At most ~2 s (40 batches) lost; what is there is the first N in order.
    expect(messages.length).toBeGreaterThanOrEqual(handed - 40);
    messages.forEach((m, i) => expect(JSON.parse(new TextDecoder().decode(m.data)).count).toBe(i));
  });
});
