/**
 * `twin record --source URI --out FILE.mcap [--duration SECONDS] [--beacons FILE.json] [--model FILE.ifc]`
 * Records a source to MCAP until the duration ends or SIGINT/SIGTERM (spec/cli.md).
 * `--model` gives the pipeline the model's structure (ModelStructureService: worker thread,
 * cached by content hash in user data) before the source starts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { BuildingStructure } from '../../../common/buildingStructure.js';
import { BeaconRegistrySchema, describeZodError, type BeaconRegistry } from '../../../common/records.js';
import { DEFAULT_SETTINGS } from '../../../common/api.js';
import { retryAtText } from '../../../common/retry.js';
import { TelemetryPipeline } from '../../hub/TelemetryPipeline.js';
import { createSource, SourceUriError } from '../../sources/sourceUri.js';
import { createTestbedSourceForModel } from '../../sources/testbed/testbedSourceForModel.js';
import { UnavailableTestbedSource } from '../../sources/testbed/UnavailableTestbedSource.js';
import { appPaths } from '../../services/AppPaths.js';
import { checkIfcFile, ModelFileError, sha256File } from '../../services/ModelService.js';
import { ModelStructureService } from '../../services/ModelStructureService.js';
import { numberFlag, parseFlags, progress, UsageError, type CliCommand } from '../command.js';

/** How often the recording's hub is ticked (and the progress bar redrawn), wall ms. */
const TICK_MS = 100;

const HELP = `Usage: twin record --source URI --out FILE.mcap [--duration SECONDS] [--beacons FILE.json] [--model FILE.ifc]

Records a telemetry source to an MCAP file (channels of spec/telemetry.md: /state/KIND, /scan,
/position, /count, /alert, /rejected) until --duration ends or you press Ctrl+C. Input that fails
validation is kept on /rejected; alerts raised during the session on /alert.

Options:
  --source URI      testbed:[?robots=60&tags=2000&seed=7&speed=60], mqtt://HOST:PORT[/PREFIX],
                    ngsi-ld:http://HOST:PORT[?type=Device,Vehicle], file:PATH.mcap
  --out FILE        the MCAP file to write (overwritten)
  --duration S      seconds to record; for a source with a speed (testbed:?speed=60) these are the
                    source's own seconds, so --duration 3600 records one simulated hour
  --beacons FILE    beacon registry (spec/telemetry.md): scans are turned into /position records
  --model FILE      the building (IFC): its spaces are the crowding-alert zones, its walkable map
                    constrains positions, its georeference turns lat/lon into x/y, and without
                    --beacons (or a source registry) beacons are placed on it (~1 per 80 m²);
                    testbed: runs its robots, people and beacons on that building

Examples:
  twin record --source 'testbed:?speed=60&seed=7' --out day.mcap --duration 3600
  twin record --source mqtt://127.0.0.1:1883/testbed --out live.mcap
  twin record --source mqtt://127.0.0.1:1883/site --model house.ifc --out live.mcap
`;

/** The structure of `--model FILE` (cached in user data); UsageError naming the file when it cannot be read. */
async function readModelStructure(path: string, log: (line: string) => void): Promise<{ structure: BuildingStructure; name: string; hash: string }> {
  let hash: string;
  try {
    checkIfcFile(path);
    hash = await sha256File(path);
  } catch (e) {
    if (e instanceof ModelFileError) throw new UsageError(`twin record: --model ${e.message}`);
    throw e;
  }
  const service = new ModelStructureService({ cacheDir: join(appPaths().cache, 'structure'), log: (_level, m) => log(m) });
  try {
    service.load({ hash, path });
    const structure = await service.ready();
    const info = service.get();
    if (!structure) {
      const why = info?.status === 'failed' ? info.error : 'no structure';
      throw new UsageError(`twin record: --model ${why.startsWith(path) ? why : `${path}: ${why}`}`);
    }
    return { structure, name: basename(path), hash };
  } finally {
    service.dispose();
  }
}

/** Reads and validates a beacon registry file; UsageError naming the file and field otherwise. */
export function readBeaconRegistry(command: string, path: string): BeaconRegistry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`twin ${command}: --beacons ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`twin ${command}: --beacons ${path}: not JSON (${(e as Error).message})`);
  }
  const parsed = BeaconRegistrySchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`twin ${command}: --beacons ${path}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export const recordCommand: CliCommand = {
  name: 'record',
  summary: 'records a telemetry source to an MCAP file',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('record', args, {
      source: { type: 'string' },
      out: { type: 'string' },
      duration: { type: 'string' },
      beacons: { type: 'string' },
      model: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`twin record: unexpected argument "${positionals[0]}" (see twin record --help)`);
    if (!values.source) throw new UsageError('twin record: --source URI is required (see twin record --help)');
    if (!values.out) throw new UsageError('twin record: --out FILE.mcap is required');
    const duration = numberFlag('record', 'duration', values.duration, Infinity, { min: 0 });
    const out = resolve(values.out);
    if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) throw new UsageError(`twin record: --out ${values.out}: folder ${dirname(out)} does not exist`);
    const beacons = values.beacons !== undefined ? readBeaconRegistry('record', resolve(values.beacons)) : null;
    const model = values.model !== undefined ? await readModelStructure(resolve(values.model), (m) => io.err(`twin record: ${m}\n`)) : null;
    let source;
    try {
      // `testbed:` with --model runs on the model's building (main/sources/testbed/testbedSourceForModel.ts).
      source = values.source.startsWith('testbed:') && model
        ? createTestbedSourceForModel(values.source, model, (_level, m) => io.err(`twin record: ${m}\n`))
        : createSource(values.source);
    } catch (e) {
      if (e instanceof SourceUriError) throw new UsageError(`twin record: --source ${e.message}`);
      throw e;
    }
    // Nothing walkable in --model: nothing to record (as `twin testbed --model` says too).
    if (source instanceof UnavailableTestbedSource) throw new UsageError(`twin record: --model ${values.model}: nothing to record with testbed: (see above)`);
    let lastState = '';
    /** Ends the wait below when the recording stops by itself (disk space, a failed write: logged as it happens) or the source ends. */
    let endEarly = (): void => undefined;
    let ended = false;
    const pipeline = new TelemetryPipeline({
      source,
      tickEveryMs: TICK_MS,
      record: { file: out },
      beacons,
      structure: model?.structure ?? null,
      model: model ? { name: model.name, hash: model.hash } : null,
      settings: DEFAULT_SETTINGS,
      onStatus: (s) => {
        // One line per state change and per failed attempt (sources re-send their status with fresh counts).
        const key = `${s.state} ${s.retry?.attempt ?? ''}`;
        if (key === lastState) return;
        lastState = key;
        if (s.state === 'reconnecting' || s.state === 'error') {
          const why = [s.detail, s.retry ? `retry: ${retryAtText(s.retry)}` : undefined].filter(Boolean).join('; ');
          io.err(`twin record: ${s.uri}: ${s.state}${why ? ` (${why})` : ''}\n`);
        }
        if (s.state === 'live') io.err(`twin record: ${s.uri}: live\n`);
        // A replayed recording that reached its end before --duration: nothing more will come.
        if (s.state === 'ended') { ended = true; endEarly(); }
      },
      log: (_level, msg) => io.err(`twin record: ${msg}\n`),
      onRecordingStopped: () => endEarly(),
    });
    const wallStart = Date.now();
    // Ctrl+C while the source is still connecting stops it (its requests in flight end), so start() returns.
    const stopEarly = (): void => void pipeline.stop();
    io.signal.addEventListener('abort', stopEarly, { once: true });
    try {
      await pipeline.start();
    } catch (e) {
      // A source that cannot start (a recording file too damaged to open) is bad input: said once, without a stack.
      if (source.status().state !== 'error') throw e;
      await pipeline.stop().catch(() => undefined);
      throw new UsageError(`twin record: ${values.source}: nothing to record (see above)`);
    } finally {
      io.signal.removeEventListener('abort', stopEarly);
    }
    if (pipeline.recordingStoppedWhy !== undefined) {
      await pipeline.stop();
      return 1; // why is on stderr already (log)
    }
    io.err(`twin record: recording ${values.source} → ${out}${Number.isFinite(duration) ? ` for ${duration} s` : ' (Ctrl+C to stop)'}\n`);
    const bar = progress(io, 'record');
    const sourceTimed = source.capabilities.has('speed');
    let sourceStart: number | undefined = sourceTimed ? source.status().now : undefined;
    if (sourceStart !== undefined && Number.isFinite(duration)) pipeline.setCutoff(sourceStart + duration * 1000);
    // Elapsed seconds: the source's own time when it runs at a speed (testbed), wall time otherwise.
    const elapsed = (): number => {
      if (sourceTimed) {
        const now = source.status().now;
        if (now === undefined) return 0;
        sourceStart ??= now;
        return (now - sourceStart) / 1000;
      }
      return (Date.now() - wallStart) / 1000;
    };
    await new Promise<void>((resolveDone) => {
      const timer = setInterval(() => {
        // Time passes for the alert rules too (stale, stalled): they are recorded on /alert as they fire, not only at the end.
        pipeline.hub.tick();
        const e = elapsed();
        if (Number.isFinite(duration)) bar(duration === 0 ? 1 : e / duration, `${pipeline.recorderStatus()?.messages ?? 0} messages`);
        if (e >= duration) finish();
      }, TICK_MS);
      const finish = () => {
        clearInterval(timer);
        io.signal.removeEventListener('abort', finish);
        resolveDone();
      };
      endEarly = finish;
      if (io.signal.aborted || ended) finish();
      else io.signal.addEventListener('abort', finish, { once: true });
    });
    await pipeline.stop();
    const rec = pipeline.recorderStatus();
    const health = source.status();
    const stats = pipeline.hub.stats();
    io.err(
      `twin record: wrote ${rec?.messages ?? 0} messages (${((rec?.bytes ?? 0) / 1024).toFixed(1)} KiB) to ${out}; ` +
        `accepted ${health.accepted}, rejected ${health.rejected}, duplicates ${stats.duplicates}, out-of-order ${stats.outOfOrder}` +
        `${stats.positionsComputed ? `, positions computed ${stats.positionsComputed}` : ''}` +
        `${pipeline.recordingStoppedWhy !== undefined ? ' (the recording stopped early: see above)' : ''}\n`,
    );
    return pipeline.recordingStoppedWhy !== undefined ? 1 : 0;
  },
};
