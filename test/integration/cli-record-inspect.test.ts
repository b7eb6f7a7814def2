/**
 * `twin record`, `twin inspect` and `twin replay` as a user runs them (built CLI): the testbed
 * at 60×, a recording killed with SIGKILL, a truncated file, bad input (exit 2), and a replay
 * through a real mosquitto broker recorded again by a second `twin record`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startBroker, type Broker } from '../helpers/mosquitto.js';
import { repoRoot, twin, twinBin } from '../helpers/twinCli.js';

interface Summary {
  file: string;
  start: string;
  end: string;
  messages: number;
  channels: { topic: string; schema: string; messages: number }[];
  entities: Record<string, number>;
  rejected: number;
  truncated: boolean;
  metadata: Record<string, Record<string, string>>;
}

const dir = mkdtempSync(join(tmpdir(), 'twin-cli-rec-'));
const day = join(dir, 'day.mcap');
const inspect = (file: string) => {
  const r = twin(['inspect', file, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return { summary: JSON.parse(r.stdout) as Summary, stderr: r.stderr };
};
const topics = (s: Summary) => Object.fromEntries(s.channels.map((c) => [c.topic, c.messages]));

describe('twin record / inspect / replay', () => {
  let recordSaid = '';
  beforeAll(() => {
    const r = twin(['record', '--source', 'testbed:?speed=60&seed=3&tags=150&robots=20', '--out', day, '--duration', '60'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    recordSaid = r.stderr;
  });

  it('records a minute of the 60× testbed, cut at exactly 60 s of source time, with the spec channels', () => {
    const { summary: s } = inspect(day);
    expect(s.file).toBe(day);
    expect(s.truncated).toBe(false);
    expect(Date.parse(s.end) - Date.parse(s.start)).toBeLessThanOrEqual(60_000);
    expect(Date.parse(s.end) - Date.parse(s.start)).toBeGreaterThanOrEqual(55_000);
    const t = topics(s);
    expect(t['/state/robot']).toBeGreaterThan(500);
    expect(t['/state/bus']).toBeGreaterThan(10);
    expect(t['/scan']).toBeGreaterThan(1000);
    // Scans become positions (the testbed brings its beacon registry).
    expect(t['/position']).toBeGreaterThan(0.8 * t['/scan']!);
    expect(t['/count']).toBeGreaterThan(0);
    expect(s.channels.find((c) => c.topic === '/state/robot')!.schema).toBe('twin.State');
    expect(s.entities.robot! + (s.entities.bus ?? 0)).toBe(20);
    expect(s.rejected).toBe(0);
    expect(s.messages).toBe(s.channels.reduce((a, c) => a + c.messages, 0));
    // What `twin record` said it wrote is what `twin inspect` counts, /snapshot keyframes included (it said 6 fewer).
    expect(t['/snapshot']).toBeGreaterThan(0);
    expect(recordSaid).toContain(`wrote ${s.messages} messages`);
    expect(s.metadata.twin?.source).toBe('testbed:?speed=60&seed=3&tags=150&robots=20');
  });

  it('prints a readable summary without --json', () => {
    const r = twin(['inspect', day]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/channels:\n/);
    expect(r.stdout).toMatch(/\/state\/robot\s+\d+\s+twin\.State/);
    expect(r.stdout).toMatch(/entities:\s+\d+ bus, \d+ robot/);
  });

  it('opens a truncated recording, says so, and counts what it could read', () => {
    const cut = join(dir, 'cut.mcap');
    copyFileSync(day, cut);
    truncateSync(cut, Math.floor(statSync(day).size * 0.6));
    const { summary, stderr } = inspect(cut);
    expect(summary.truncated).toBe(true);
    expect(summary.messages).toBeGreaterThan(0);
    expect(summary.messages).toBeLessThan(inspect(day).summary.messages);
    // One sentence a planner understands, naming the file, what can still be read and what is
    // missing (it read "(TRUNCATED: no footer; read up to the last complete chunk)").
    const text = twin(['inspect', cut]);
    const flat = text.stdout.replace(/\s+/g, ' ');
    expect(text.stdout).not.toMatch(/TRUNCATED|footer|chunk/);
    const span = `${((Date.parse(summary.end) - Date.parse(summary.start)) / 1000).toFixed(1)} s, ${summary.start.slice(11, 19)} → ${summary.end.slice(11, 19)} UTC (${summary.messages} messages)`;
    expect(flat).toContain(`damaged: ${cut} is cut short: it was not closed when recording stopped`);
    expect(flat).toContain(`What can still be read: the first ${span}; anything recorded after ${summary.end.slice(11, 19)} UTC is not in the file.`);
    expect(stderr.replace(/\s+/g, ' ')).toContain(`twin inspect: ${cut} is cut short`);
    // The seek (--at) names it the same way, with how much of the file replays.
    const at = twin(['inspect', cut, '--at', '+5']);
    expect(at.code, at.stderr).toBe(0);
    expect(at.stderr).toMatch(new RegExp(`${cut.replace(/[.\\/]/g, '\\$&')} was cut short .*: its first [\\d.]+ MiB of [\\d.]+ MiB replay; the last [\\d.]+ KiB could not be read`));
  });

  it('a file corrupt in the middle: says so, what was read before the damage, and that the app replays the rest', () => {
    const bad = join(dir, 'corrupt.mcap');
    // Overwrite the compressed end of the first chunk past the middle of the file (records:
    // opcode u8, length u64 LE, after the 8-byte magic; a chunk is opcode 0x06).
    const bytes = readFileSync(day);
    let pos = 8;
    while (pos < bytes.length) {
      const len = Number(bytes.readBigUInt64LE(pos + 1));
      if (bytes[pos] === 0x06 && pos > bytes.length / 2 && len > 200) {
        bytes.fill(0x58, pos + 9 + len - 64, pos + 9 + len);
        break;
      }
      pos += 9 + len;
    }
    expect(pos).toBeLessThan(bytes.length);
    writeFileSync(bad, bytes);
    const r = twin(['inspect', bad]);
    expect(r.code, r.stderr).toBe(0);
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain(`damaged: ${bad} is corrupt partway through (`);
    expect(flat).toMatch(/\)\. What can still be read before the damage: the first \d+\.\d s, \d\d:\d\d:\d\d → \d\d:\d\d:\d\d UTC \(\d+ messages\)\./);
    expect(flat).toContain('The replay in the app (twin serve --source file:…) skips the damaged part and shows the rest.');
  });

  it('a folder of recordings: says to inspect one file and lists them', () => {
    const folder = mkdtempSync(join(tmpdir(), 'twin-cli-rec-folder-'));
    let r = twin(['inspect', folder]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`twin inspect: ${folder} is a folder with no .mcap recordings in it\n`);
    copyFileSync(day, join(folder, 'b.mcap'));
    copyFileSync(day, join(folder, 'a.mcap'));
    r = twin(['inspect', folder]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`twin inspect: ${folder} is a folder of 2 recordings; inspect one file at a time, e.g. twin inspect ${join(folder, 'a.mcap')}\n  a.mcap\n  b.mcap\n`);
  });

  it('a recording killed with SIGKILL still opens, with the data up to the last seconds', async () => {
    const killed = join(dir, 'killed.mcap');
    const child = spawn(process.execPath, [twinBin, 'record', '--source', 'testbed:?speed=10&tags=50&robots=10', '--out', killed], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "recording" line: ${err}`)), 20_000);
      const poll = setInterval(() => {
        if (/recording testbed/.test(err)) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 4000));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const { summary } = inspect(killed);
    expect(summary.truncated).toBe(true);
    expect(topics(summary)['/state/robot']).toBeGreaterThan(0);
    // ≥ 4 s × 10 = 40 s of source time recorded, at most ~2 s of wall time (20 s of source) lost.
    expect(Date.parse(summary.end) - Date.parse(summary.start)).toBeGreaterThan(15_000);
  });

  it('a disk with no room: exit 1 naming the file and why, no crash; the reserve it keeps free is TWIN_RECORD_MIN_FREE_MB', () => {
    let r = twin(['record', '--source', 'testbed:', '--out', '/dev/full', '--duration', '2']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('twin record: recording not started: /dev/full: ENOSPC');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const out = join(dir, 'reserve.mcap');
    r = twin(['record', '--source', 'testbed:', '--out', out, '--duration', '2'], { env: { TWIN_RECORD_MIN_FREE_MB: '1e12' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/recording not started: [\d.]+ MiB free on the disk of .+, under the 1000000000000 MiB the recorder leaves free/);
    r = twin(['record', '--source', 'testbed:', '--out', out, '--duration', '2'], { env: { TWIN_RECORD_MIN_FREE_MB: 'plenty' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('TWIN_RECORD_MIN_FREE_MB="plenty" is not a number of MiB');
  });

  it('a recording of which nothing can be read: inspect reports it with exit 2, record and replay refuse it; a replay shorter than --duration ends', () => {
    const head = join(dir, 'head.mcap');
    copyFileSync(day, head);
    truncateSync(head, 4096);
    const i = twin(['inspect', head]);
    expect(i.code).toBe(2); // was 0, with "messages: 0"
    expect(i.stdout.replace(/\s+/g, ' ')).toContain('Nothing in it can be read');
    const r = twin(['record', '--source', `file:${head}`, '--out', join(dir, 'h2.mcap'), '--duration', '5'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to record/);
    expect(r.stderr).toContain('before its first complete block of data'); // read "its first 0.0 MiB of 0.0 MiB replay"
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // replay: bad input too, said before any broker is involved (was exit 0, "published 0 records … the recording was truncated").
    const p = twin(['replay', head, '--to', 'mqtt://127.0.0.1:1/x'], { timeoutMs: 60_000 });
    expect(p.code).toBe(2);
    expect(p.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^twin replay: .*head\.mcap was cut short before its first complete block of data .*: nothing in it can be replayed$/)]);
    // Re-recording a whole file (3 s) with a --duration longer than it: ends with the replay (it waited for good).
    const short = join(dir, 'short.mcap');
    expect(twin(['record', '--source', 'testbed:?speed=60&seed=3&tags=50&robots=5', '--out', short, '--duration', '3'], { timeoutMs: 60_000 }).code).toBe(0);
    const whole = twin(['record', '--source', `file:${short}`, '--out', join(dir, 'again.mcap'), '--duration', '100000'], { timeoutMs: 60_000 });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stderr).toMatch(/wrote [1-9]\d* messages/);
  });

  it('bad input exits 2 with a message naming the file or flag', () => {
    const notMcap = join(dir, 'not.mcap');
    writeFileSync(notMcap, 'hello, this is text and not an MCAP recording');
    let r = twin(['inspect', notMcap]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(notMcap);
    r = twin(['inspect', join(dir, 'missing.mcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.mcap: no such file/);
    r = twin(['record', '--source', 'gopher://x', '--out', join(dir, 'x.mcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gopher:\/\/x.*unknown scheme/);
    r = twin(['record', '--source', 'testbed:']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out/);
    const badBeacons = join(dir, 'beacons.json');
    writeFileSync(badBeacons, JSON.stringify({ beacons: [{ id: 'b1', floor: '1F', x: 'east', y: 0, txPower: -59 }] }));
    r = twin(['record', '--source', 'testbed:', '--out', join(dir, 'y.mcap'), '--beacons', badBeacons, '--duration', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/beacons\.json: beacons\.0\.x/);
    r = twin(['record', '--source', 'testbed:', '--out', join(dir, 'y.mcap'), '--duration', 'ten']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--duration/);
    r = twin(['replay', day, '--to', 'http://x']);
    expect(r.code).toBe(2);
    // --model: not IFC, and an IFC cut off mid-file (its structure cannot be extracted).
    r = twin(['record', '--source', 'testbed:', '--out', join(dir, 'y.mcap'), '--duration', '1', '--model', notMcap]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model .*not\.mcap: not an IFC file/);
    const cut = join(dir, 'cut.ifc');
    writeFileSync(cut, "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFCPROJECT('0x',$,'P',$,$,$,$,$,$);\n#2=IFCWALL(");
    r = twin(['record', '--source', 'testbed:', '--out', join(dir, 'y.mcap'), '--duration', '1', '--model', cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model .*cut\.ifc: .*truncated/);
  });

  describe('replay through a real broker', () => {
    let broker: Broker;
    beforeAll(async () => {
      broker = await startBroker();
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it('republishes in the live format; a second twin record gets the same records', async () => {
      const again = join(dir, 'again.mcap');
      const rec = spawn(process.execPath, [twinBin, 'record', '--source', `${broker.url}/replayed?qos=1`, '--out', again], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      rec.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      for (let i = 0; i < 1200 && !/: live/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
      expect(err).toMatch(/: live/);
      const r = twin(['replay', day, '--to', `${broker.url}/replayed?qos=1`, '--speed', '0'], { timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/published \d+ records/);
      await new Promise((res) => setTimeout(res, 1500));
      const exited = new Promise((res) => rec.once('exit', res));
      rec.kill('SIGINT');
      expect(await exited).toBe(0);
      const a = topics(inspect(day).summary);
      const b = inspect(again).summary;
      const tb = topics(b);
      for (const topic of ['/state/robot', '/state/bus', '/count', '/scan']) expect(tb[topic], topic).toBe(a[topic]);
      expect(b.rejected).toBe(0);
      expect(Date.parse(b.start)).toBe(Date.parse(inspect(day).summary.start));
      // Replayed positions arrive as positions; the second recorder has no beacons, so it computes none.
      expect(tb['/position']).toBe(a['/position']);
      expect(readFileSync(again).length).toBeGreaterThan(0);
    });

    it('a recording cut short at its end but with records before replays them and exits 0, saying it was truncated', () => {
      const half = join(dir, 'half.mcap');
      copyFileSync(day, half);
      truncateSync(half, Math.floor(statSync(day).size / 2));
      const r = twin(['replay', half, '--to', `${broker.url}/half`, '--speed', '0'], { timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/published [1-9]\d* records .*; the recording was truncated/);
    });

    it('republishes in the order of the records\' time, scans among the positions of the same second', async () => {
      // The recorder writes scans in chunks of their own beside each chunk of the rest (McapFileWriter ownChunks): read in
      // file order, each stretch's scans went out after all of its positions and states, up to a chunk's span late.
      const sub = mqtt.connect(broker.url);
      const got: { topic: string; t: number }[] = [];
      sub.on('message', (topic, payload) => got.push({ topic, t: (JSON.parse(payload.toString()) as { t: number }).t }));
      await new Promise<void>((ok, fail) => sub.once('connect', () => sub.subscribe('ordered/#', { qos: 1 }, (e) => (e ? fail(e) : ok()))));
      const replay = spawn(process.execPath, [twinBin, 'replay', day, '--to', `${broker.url}/ordered?qos=1`, '--speed', '20'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      replay.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((res) => replay.once('exit', res));
      expect(code, err).toBe(0);
      await new Promise((res) => setTimeout(res, 1000));
      sub.end(true);
      expect(got.filter((g) => g.topic.startsWith('ordered/scan/')).length).toBeGreaterThan(1000);
      expect(got.filter((g) => g.topic.startsWith('ordered/position/')).length).toBeGreaterThan(1000);
      const backwards = got.filter((g, i) => i > 0 && g.t < got[i - 1]!.t);
      expect(backwards.slice(0, 3)).toEqual([]);
    }, 120_000);
  });
});
