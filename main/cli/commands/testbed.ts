/**
 * `twin testbed`: the built-in testbed simulator as an MQTT publisher (spec/cli.md), and the
 * source of its beacon registry (`--beacons-out`).
 */
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { TelemetryRecord } from '../../../common/records.js';
import type { SourceStatus } from '../../../common/source.js';
import { loadMqtt, parseMqttUri } from '../../sources/mqtt.js';
import { MqttRecordPublisher } from '../../sources/testbed/MqttRecordPublisher.js';
import { TestbedSource } from '../../sources/testbed/TestbedSource.js';
import { testbedLayoutForModel } from '../../../workers/testbed/testbedLayoutForModel.js';
import { loadIfcStructure } from './ifc.js';
import { defaultTestbedOptions, parseStartTime, TestbedOptionsError, type TestbedOptions } from '../../sources/testbed/testbedOptions.js';
import { EXIT_FAILURE, EXIT_OK, numberFlag, parseFlags, UsageError, type CliCommand, type CliIo } from '../command.js';

const HELP = `Usage: twin testbed --to mqtt://HOST:PORT[/PREFIX] [--robots 60] [--tags 2000] [--duration S] [--seed S] [--speed X] [--model FILE.ifc]
       twin testbed --beacons-out FILE.json [--beacon-count 400] [--seed S] [--model FILE.ifc]

Runs the built-in testbed simulator — robots of 7 kinds and the autonomous bus, tag-carrying
people whose phones scan BLE beacons at ~1 Hz, people counts per space and environmental
sensors every 10 s, on the testbed building (common/testbedLayout.ts) or on the building of
--model — and publishes it to an
MQTT broker in the live format of spec/telemetry.md (QoS 0; one JSON array per topic when a
batch holds several records for it). A rate summary goes to standard error every 5 s.
Stops cleanly at --duration or on Ctrl+C.

Options:
  --to URI            broker and topic prefix: mqtt://HOST:PORT[/PREFIX] (default prefix "testbed")
  --robots N          mobile units including the bus (default 60)
  --buses N           autonomous buses among them (default 1)
  --tags N            tag-carrying people (default 2000)
  --beacon-count N    BLE beacons (default 400)
  --seed S            PRNG seed; the same seed gives the same day (default 1)
  --speed X           simulated seconds per real second (default 1)
  --start TIME        simulated start, ISO 8601 or epoch ms (default now)
  --duration S        stop after S simulated seconds (default: until Ctrl+C)
  --beacons-out FILE  write the beacon registry (spec/telemetry.md) to FILE; alone, writes and exits
  --model FILE.ifc    run on this building: its storeys, spaces, doors and stairs (the generated
                      sample runs on the built-in layout; people and beacons are capped to the
                      model's floor area: 0.5 people and 1/6 beacon per m²)

Examples:
  twin testbed --to mqtt://127.0.0.1:1883
  twin testbed --to mqtt://127.0.0.1:1883/site-a --robots 20 --tags 500 --speed 10 --duration 3600
  twin testbed --beacons-out beacons.json && twin serve --source mqtt://127.0.0.1:1883 --beacons beacons.json
  twin testbed --to mqtt://127.0.0.1:1883 --model house.ifc --speed 10
`;

/** The simulator on the building of `--model FILE` (UsageError naming the file when it cannot be loaded or has nothing walkable). */
async function sourceOnModel(file: string, options: TestbedOptions, io: CliIo): Promise<TestbedSource> {
  const { structure } = await loadIfcStructure(resolve(file), 'testbed');
  const notes: string[] = [];
  let layout;
  try {
    layout = testbedLayoutForModel(structure, basename(file), notes);
  } catch (e) {
    throw new UsageError(`twin testbed: --model ${(e as Error).message.replace(/^layoutFromStructure: /, '')}`);
  }
  const source = new TestbedSource(options, { layout });
  for (const n of [...notes, ...source.notes]) io.err(`twin testbed: ${n}\n`);
  const l = source.layout;
  io.err(`twin testbed: building ${l.name}: ${l.storeys.length} storeys (${l.storeys.map((s) => s.name).join(', ')}), ${l.spaces.length} spaces, ${l.doors.length} doors, ${l.stairs.length} stairs\n`);
  return source;
}

/** Rate summary period on standard error, ms (real time). */
const SUMMARY_MS = 5000;

export const testbedCommand: CliCommand = {
  name: 'testbed',
  summary: 'run the built-in testbed simulator (robots, bus, BLE scans, counts) as an MQTT publisher',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('testbed', args, {
      to: { type: 'string' },
      robots: { type: 'string' },
      buses: { type: 'string' },
      tags: { type: 'string' },
      'beacon-count': { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      start: { type: 'string' },
      duration: { type: 'string' },
      'beacons-out': { type: 'string' },
      model: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`twin testbed: unexpected argument "${positionals[0]}" (see twin testbed --help)`);
    const d = defaultTestbedOptions();
    let start = d.start;
    if (values.start !== undefined) {
      try { start = parseStartTime(values.start); } catch (e) { throw new UsageError(`twin testbed: --start ${(e as TestbedOptionsError).message.replace(/^testbed: start /, '')}`); }
    }
    const robots = numberFlag('testbed', 'robots', values.robots, d.robots, { min: 0, max: 2000, integer: true });
    const options: TestbedOptions = {
      ...d,
      robots,
      buses: Math.min(robots, numberFlag('testbed', 'buses', values.buses, d.buses, { min: 0, max: 10, integer: true })),
      tags: numberFlag('testbed', 'tags', values.tags, d.tags, { min: 0, max: 100_000, integer: true }),
      beacons: numberFlag('testbed', 'beacon-count', values['beacon-count'], d.beacons, { min: 0, max: 10_000, integer: true }),
      seed: numberFlag('testbed', 'seed', values.seed, d.seed, { min: 0, max: 2 ** 32 - 1, integer: true }),
      speed: numberFlag('testbed', 'speed', values.speed, d.speed, { min: 0.001, max: 10_000 }),
      duration: values.duration !== undefined ? numberFlag('testbed', 'duration', values.duration, 0, { min: 0.001 }) : null,
      start,
    };
    if (values.to === undefined && values['beacons-out'] === undefined) {
      throw new UsageError('twin testbed: --to mqtt://HOST:PORT[/PREFIX] is required (or --beacons-out FILE to only write the beacon registry)');
    }
    let target: ReturnType<typeof parseMqttUri> | null = null;
    if (values.to !== undefined) {
      try { target = parseMqttUri(values.to); } catch (e) { throw new UsageError(`twin testbed: --to ${(e as Error).message.replace(/^source URI /, '')}`); }
    }

    const source = values.model !== undefined ? await sourceOnModel(values.model, options, io) : new TestbedSource(options);
    if (values['beacons-out'] !== undefined) {
      const file = resolve(values['beacons-out']);
      try {
        writeFileSync(file, JSON.stringify(source.beacons(), null, 2) + '\n');
      } catch (e) {
        throw new UsageError(`twin testbed: --beacons-out ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      io.err(`twin testbed: wrote ${source.beacons().beacons.length} beacons to ${file}\n`);
      if (!target) return EXIT_OK;
    }
    if (!target) return EXIT_OK;

    let client: MqttClient;
    try {
      client = await (await loadMqtt()).connectAsync(target.url, { clientId: `twin-testbed-${process.pid}`, connectTimeout: 5000, reconnectPeriod: 1000 }, false);
    } catch (e) {
      io.err(`twin testbed: cannot connect to ${target.url}: ${(e as Error).message}\n`);
      return EXIT_FAILURE;
    }
    // While the broker is away the publishes wait, and the simulator with them: that is why it falls behind, not the CPU.
    // Its error is said once per outage (it came every second, with each reconnection attempt).
    let offlineSince: number | null = null, lastError = '';
    client.on('error', (e) => {
      if (e.message !== lastError) io.err(`twin testbed: broker error: ${e.message}\n`);
      lastError = e.message;
    });
    client.on('offline', () => { offlineSince ??= Date.now(); });
    client.on('close', () => { offlineSince ??= Date.now(); });
    client.on('connect', () => {
      if (offlineSince !== null) io.err(`twin testbed: the broker is back; publishing again\n`);
      offlineSince = null;
      lastError = '';
    });
    const publisher = new MqttRecordPublisher(client, target.prefix, 0);
    io.err(`twin testbed: publishing to ${target.url} prefix "${target.prefix}": ${options.robots} units (${options.buses} bus), ${options.tags} tags, ${options.beacons} beacons, seed ${options.seed}, ×${options.speed}` +
      `${options.duration !== null ? `, ${options.duration} s` : ''}, start ${new Date(options.start).toISOString()}\n`);

    const began = performance.now();
    let lastSummary = began;
    let lastCounts = { messages: 0, records: 0 };
    let failure: Error | null = null;
    let finished!: () => void;
    const done = new Promise<void>((r) => (finished = r));
    const summary = (final: boolean) => {
      const now = performance.now();
      const c = publisher.counts;
      const secs = (now - (final ? began : lastSummary)) / 1000 || 1;
      const msgs = final ? c.messages : c.messages - lastCounts.messages;
      const recs = final ? c.records : c.records - lastCounts.records;
      const kinds = Object.entries(c.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
      const st = source.status();
      io.err(`twin testbed: ${final ? 'done: ' : ''}sim ${new Date(st.now ?? options.start).toISOString()} (+${source.simulator.elapsed.toFixed(0)} s)` +
        ` ${Math.round(msgs / secs)} msg/s, ${Math.round(recs / secs)} records/s; total ${c.messages} messages, ${c.records} records (${kinds})` +
        `${offlineSince !== null ? ` — the broker is unreachable since ${new Date(offlineSince).toISOString()}: the simulation waits for it (reconnecting every 1 s)` : st.detail ? ` — ${st.detail}` : ''}\n`);
      lastSummary = now;
      lastCounts = { messages: c.messages, records: c.records };
    };
    const timer = setInterval(() => summary(false), SUMMARY_MS);
    const onAbort = () => finished();
    const interrupted = io.signal.aborted ? Promise.resolve() : new Promise<void>((r) => io.signal.addEventListener('abort', () => r(), { once: true }));
    io.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await source.start({
        onBatch: async (batch: readonly TelemetryRecord[]) => {
          try {
            // Ctrl+C does not wait for a publish that waits for a broker that is away.
            await Promise.race([publisher.publish(batch), interrupted]);
          } catch (e) {
            if (!io.signal.aborted) failure = e as Error; // a publish cut off by Ctrl+C is not a failure
            finished();
          }
        },
        onStatus: (status: SourceStatus) => {
          if (status.state === 'ended' || status.state === 'error') {
            if (status.state === 'error') failure = new Error(status.detail ?? 'simulator failed');
            finished();
          }
        },
      });
      if (io.signal.aborted) finished();
      await done;
    } finally {
      clearInterval(timer);
      io.signal.removeEventListener('abort', onAbort);
      // Forced while the broker is away: the queued publishes would wait for it for good, and the source's stop with
      // them (Ctrl+C did nothing during an outage).
      const ending = client.endAsync(offlineSince !== null);
      await source.stop();
      await ending;
    }
    summary(true);
    if (failure) {
      io.err(`twin testbed: ${(failure as Error).message}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};
