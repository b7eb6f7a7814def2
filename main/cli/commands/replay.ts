/**
 * `twin replay FILE.mcap --to mqtt://HOST:PORT[/PREFIX] [--speed X] [--retime]`
 * Republishes a recording to a broker in the live format (spec/telemetry.md "MQTT"), at the
 * recording's pace (the records' own time `t`, i.e. MCAP publishTime) × speed, in the order of `t`.
 *
 * Read through Recording (main/replay), a second of record time at a time: the recorder writes scans in chunks of
 * their own beside the chunk of everything else for the same stretch of time (McapFileWriter's ownChunks), so the
 * file's order is not time order; a read in file order published each stretch's scans in a burst after it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TelemetryRecord } from '../../../common/records.js';
import { CUT_SHORT } from '../../replay/McapChunkFile.js';
import type { RecordTopicKind } from '../../replay/decodeRecord.js';
import { openRecordingForCli } from '../../replay/openRecordingForCli.js';
import { loadMqtt, parseMqttUri } from '../../sources/mqtt.js';
import { numberFlag, parseFlags, progress, UsageError, type CliCommand } from '../command.js';

const HELP = `Usage: twin replay FILE.mcap|DIR --to mqtt://HOST:PORT[/PREFIX] [--speed X] [--retime]

Republishes a recording (a file, or a folder of rotated files) to an MQTT broker with the live
topics and payloads (spec/telemetry.md): /state/KIND → PREFIX/state/KIND/ID, /scan →
PREFIX/scan/DEVICE, /position → PREFIX/position/ID, /count → PREFIX/count/ZONE (alerts, rejected
input and records that fail validation are not republished). Messages go out in the order and at
the pace of the records' own time, times --speed. A truncated recording replays up to its end.

Options:
  --to URI      broker and topic prefix (default prefix: testbed)
  --speed X     pace multiplier (default 1; 10 = ten times faster; 0 = as fast as possible)
  --retime      shift every record's t so the first one is now (receivers see live times)

Example:
  twin replay day.mcap --to mqtt://127.0.0.1:1883/testbed --speed 10
`;

/** One topic level from an id: MQTT separators and wildcards are percent-encoded. */
function level(id: string): string {
  return id.replace(/[/+#%]/g, (c) => encodeURIComponent(c));
}

/** The record kinds republished (the live topics). */
const REPUBLISHED: ReadonlySet<RecordTopicKind> = new Set<RecordTopicKind>(['state', 'scan', 'position', 'count']);
/** Record time read at a time, ms. */
const WINDOW_MS = 1000;

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'republishes a recording to an MQTT broker in the live format',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('replay', args, { to: { type: 'string' }, speed: { type: 'string' }, retime: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('twin replay: expected one FILE.mcap or folder of recordings (see twin replay --help)');
    if (!values.to) throw new UsageError('twin replay: --to mqtt://HOST:PORT[/PREFIX] is required');
    const file = positionals[0]!;
    const path = resolve(file);
    if (!existsSync(path)) throw new UsageError(`twin replay: ${file}: no such file`);
    const speed = numberFlag('replay', 'speed', values.speed, 1, { min: 0, max: 100_000 });
    let target;
    try {
      target = parseMqttUri(values.to);
    } catch (e) {
      throw new UsageError(`twin replay: --to ${(e as Error).message}`);
    }
    // The recording first: a file that is not one, or of which not one record can be read, is the user's mistake
    // (exit 2), before any broker is involved. The index pass, scan chunks included: every chunk's time range, so
    // each window below reads only the chunks it overlaps.
    const rec = await openRecordingForCli('replay', path, { readable: true });
    const client = (await loadMqtt()).connect(target.url, { reconnectPeriod: 1000, connectTimeout: 10_000 });
    try {
      await new Promise<void>((ok, fail) => {
        client.once('connect', () => ok());
        client.once('error', (e) => fail(e));
        io.signal.addEventListener('abort', () => fail(new Error('interrupted')), { once: true });
      });
    } catch (e) {
      client.end(true);
      await rec.close();
      io.err(`twin replay: cannot connect to ${target.url}: ${(e as Error).message}\n`);
      return 1;
    }
    const bar = progress(io, 'replay');
    let published = 0;
    let first: number | undefined;
    let startWall = 0;
    let shift = 0;
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    let lastWrite: Promise<void> = Promise.resolve();
    const topicOf = (r: TelemetryRecord): string => {
      switch (r.kind) {
        case 'state': return `${target.prefix}/state/${level(r.record.kind)}/${level(r.record.id)}`;
        case 'scan': return `${target.prefix}/scan/${level(r.record.device)}`;
        case 'position': return `${target.prefix}/position/${level(r.record.id)}`;
        case 'count': return `${target.prefix}/count/${level(r.record.zone)}`;
        default: throw new Error(`twin replay: ${r.kind} records are not republished`);
      }
    };
    let messages = 0;
    try {
      for (const c of rec.chunks) messages += c.count;
      const range = rec.range;
      for (let from = (range?.start ?? 0) - 1; range && from < range.end && !io.signal.aborted; from += WINDOW_MS) {
        for (const r of await rec.read(from, Math.min(from + WINDOW_MS, range.end), REPUBLISHED)) {
          const t = r.record.t;
          if (first === undefined) {
            first = t;
            startWall = Date.now();
            if (values.retime) shift = startWall - t;
          }
          if (speed > 0) {
            const wait = startWall + (t - first) / speed - Date.now();
            if (wait > 4) {
              await lastWrite;
              await sleep(wait);
            }
          }
          if (io.signal.aborted) break;
          const out = values.retime ? { ...r.record, t: t + shift } : r.record;
          lastWrite = new Promise<void>((ok) => client.publish(topicOf(r), JSON.stringify(out), { qos: target.qos }, () => ok()));
          published++;
          if (published % 1000 === 0) {
            await lastWrite;
            bar(range.end > range.start ? (t - range.start) / (range.end - range.start) : 0.5, `${published} published`);
          }
        }
      }
      await lastWrite;
    } finally {
      await new Promise<void>((ok) => client.end(false, {}, () => ok()));
      await rec.close();
    }
    bar(1);
    const truncated = rec.notices.some((n) => n.includes(CUT_SHORT));
    const others = io.signal.aborted ? '' : ` (${messages - published} other messages not republished: alerts, rejected input, snapshots${rec.rejected ? `, ${rec.rejected} that failed validation` : ''})`;
    io.err(`twin replay: published ${published} records to ${target.url}/${target.prefix}${others}${truncated ? '; the recording was truncated' : ''}\n`);
    return 0;
  },
};
