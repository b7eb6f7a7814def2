/**
 * `twin replay FILE.mcap --to mqtt://HOST:PORT[/PREFIX] [--speed X] [--retime]`
 * Republishes a recording to a broker in the live format (spec/telemetry.md "MQTT"), at the
 * recording's pace (the records' own time `t`, i.e. MCAP publishTime) × speed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import mqtt from 'mqtt';
import { McapFileError, readMcapFile } from '../../recording/McapMessageReader.js';
import { parseMqttUri } from '../../sources/mqtt.js';
import { numberFlag, parseFlags, progress, UsageError, type CliCommand } from '../command.js';

const HELP = `Usage: twin replay FILE.mcap --to mqtt://HOST:PORT[/PREFIX] [--speed X] [--retime]

Republishes a recording to an MQTT broker with the live topics and payloads (spec/telemetry.md):
/state/KIND → PREFIX/state/KIND/ID, /scan → PREFIX/scan/DEVICE, /position → PREFIX/position/ID,
/count → PREFIX/count/ZONE (alerts and rejected input are not republished). Messages go out at
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

const decoder = new TextDecoder();

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'republishes a recording to an MQTT broker in the live format',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('replay', args, { to: { type: 'string' }, speed: { type: 'string' }, retime: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('twin replay: expected one FILE.mcap (see twin replay --help)');
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
    const client = mqtt.connect(target.url, { reconnectPeriod: 1000, connectTimeout: 10_000 });
    try {
      await new Promise<void>((ok, fail) => {
        client.once('connect', () => ok());
        client.once('error', (e) => fail(e));
        io.signal.addEventListener('abort', () => fail(new Error('interrupted')), { once: true });
      });
    } catch (e) {
      client.end(true);
      io.err(`twin replay: cannot connect to ${target.url}: ${(e as Error).message}\n`);
      return 1;
    }
    const bar = progress(io, 'replay');
    let published = 0;
    let skipped = 0;
    let first: number | undefined;
    let startWall = 0;
    let shift = 0;
    let truncated = false;
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    let lastWrite: Promise<void> = Promise.resolve();
    try {
      for await (const ev of readMcapFile(path, io.signal)) {
        if (ev.type === 'end') {
          truncated = ev.truncated;
          continue;
        }
        if (ev.type !== 'message') continue;
        const m = ev.message;
        const topicIn = m.channel.topic;
        if (!(topicIn.startsWith('/state/') || topicIn === '/scan' || topicIn === '/position' || topicIn === '/count')) {
          skipped++;
          continue;
        }
        const rec = JSON.parse(decoder.decode(m.data)) as Record<string, unknown> & { t: number };
        const t = rec.t;
        if (first === undefined) {
          first = t;
          startWall = Date.now();
          if (values.retime) shift = startWall - t;
        }
        if (speed > 0) {
          const due = startWall + (t - first) / speed;
          const wait = due - Date.now();
          if (wait > 4) {
            await lastWrite;
            await sleep(wait);
          }
        }
        if (io.signal.aborted) break;
        const out = values.retime ? { ...rec, t: t + shift } : rec;
        let topic: string;
        if (topicIn.startsWith('/state/')) topic = `${target.prefix}/state/${level(String(rec.kind ?? topicIn.slice(7)))}/${level(String(rec.id))}`;
        else if (topicIn === '/scan') topic = `${target.prefix}/scan/${level(String(rec.device))}`;
        else if (topicIn === '/position') topic = `${target.prefix}/position/${level(String(rec.id))}`;
        else topic = `${target.prefix}/count/${level(String(rec.zone))}`;
        lastWrite = new Promise<void>((ok) => client.publish(topic, JSON.stringify(out), { qos: target.qos }, () => ok()));
        published++;
        if (published % 1000 === 0) {
          await lastWrite;
          bar(0.5, `${published} published`);
        }
      }
      await lastWrite;
    } catch (e) {
      if (e instanceof McapFileError) throw new UsageError(`twin replay: ${e.message}`);
      throw e;
    } finally {
      await new Promise<void>((ok) => client.end(false, {}, () => ok()));
    }
    bar(1);
    io.err(`twin replay: published ${published} records to ${target.url}/${target.prefix} (${skipped} alert/rejected messages not republished)${truncated ? '; the recording was truncated' : ''}\n`);
    return 0;
  },
};
