/**
 * `twin export FILE.mcap|DIR --what counts|flows|dwell|kpis|heatmap [--from T] [--to T]
 *  [--format csv|json] [--out FILE] [--bucket SECONDS] [--cell M] [--k N]`
 *
 * Analytics of a recording over a time window, as CSV or JSON (main/analytics): zone occupancy
 * series, flows through doors, dwell times per space, robot KPIs, the density heatmap. People
 * counts below the privacy threshold k are suppressed (exportAnalysis.ts).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyseWindow } from '../../analytics/analyseWindow.js';
import { EXPORT_WHATS, exportAnalysis, partFor, type ExportFormat, type ExportWhat } from '../../analytics/exportAnalysis.js';
import { McapOpenError } from '../../replay/McapChunkFile.js';
import { parseReplayTime } from '../../replay/parseReplayTime.js';
import { openRecordingForCli } from '../../replay/openRecordingForCli.js';
import { numberFlag, parseFlags, UsageError, writableFile, type CliCommand } from '../command.js';
import { existsSync } from 'node:fs';

const HELP = `Usage: twin export FILE.mcap|DIR --what counts|flows|dwell|kpis|heatmap [options]

Analytics of a recording (or a folder of rotated recordings) over a time window.
  counts   occupancy per zone (Count records) per time bucket, and the total; a bucket's time is
           its end, its count the latest at or before it ("no data" before or after the recording)
  flows    people crossing between spaces (named by the door joining them) per bucket (time: its end)
  dwell    per space, the visits that began and ended in the window: count (visits), mean, median
           and 90th percentile of the time spent (empty when none); and open: the people still there
           at the window's end (their visits are not finished, so not in the statistics)
  kpis     per robot and per kind: distance, time moving/idle/charging/error, alerts, battery cycles
  heatmap  mean density per grid cell and storey (persons/m²) with the Fruin level of service

Options:
  --from TIME      window start (ISO 8601, epoch ms, or +SECONDS from the start; default: start)
  --to TIME        window end (default: end)
  --format F       csv (default) or json
  --out FILE       write there instead of standard output
  --bucket S       series bucket in seconds (counts, flows; default window/120, at least 10)
  --cell M         heatmap cell edge in metres (default 1)
  --k N            privacy threshold: people counts 1..N-1 are suppressed (default 5)

Examples:
  twin export day.mcap --what counts --bucket 300 --out counts.csv
  twin export recordings/ --what kpis --format json
  twin export day.mcap --what heatmap --from +3600 --to +7200 --format json --out heat.json
`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'analytics of a recording over a time window (counts, flows, dwell, KPIs, heatmap) as CSV/JSON',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('export', args, {
      what: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' },
      out: { type: 'string' }, bucket: { type: 'string' }, cell: { type: 'string' }, k: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('twin export: expected one FILE.mcap or folder (see twin export --help)');
    const file = positionals[0]!;
    if (!existsSync(resolve(file))) throw new UsageError(`twin export: ${file}: no such file or folder`);
    const what = values.what as ExportWhat | undefined;
    if (!what || !EXPORT_WHATS.includes(what)) throw new UsageError(`twin export: --what must be one of ${EXPORT_WHATS.join(', ')}, got ${values.what === undefined ? 'nothing' : `"${values.what}"`}`);
    const format = (values.format ?? 'csv') as ExportFormat;
    if (format !== 'csv' && format !== 'json') throw new UsageError(`twin export: --format must be csv or json, got "${values.format}"`);
    const bucket = numberFlag('export', 'bucket', values.bucket, NaN, { min: 1 });
    const cell = numberFlag('export', 'cell', values.cell, 1, { min: 0.1, max: 100 });
    const k = numberFlag('export', 'k', values.k, 5, { min: 1, max: 100, integer: true });
    // Before reading the recording: a result that cannot be written would otherwise be lost at the end.
    if (values.out !== undefined) writableFile('export', 'out', values.out);
    const rec = await openRecordingForCli('export', resolve(file));
    try {
      try {
        await rec.ready();
      } catch (e) {
        if (e instanceof McapOpenError) throw new UsageError(`twin export: ${e.message}`);
        throw e;
      }
      for (const n of rec.notices) io.err(`twin export: ${n}\n`);
      const start = rec.range?.start ?? null;
      const time = (flag: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        try {
          return parseReplayTime(v, start);
        } catch (e) {
          throw new UsageError(`twin export: --${flag}: ${(e as Error).message}`);
        }
      };
      const from = time('from', values.from);
      const to = time('to', values.to);
      if (!rec.range) throw new UsageError(`twin export: ${file}: the recording holds no records`);
      if (from !== undefined && to !== undefined && to <= from) throw new UsageError(`twin export: --to must be after --from`);
      // A window that holds none of the recording is a mistake (a time past its end, say), not a table of "no data".
      const { start: first, end: last } = rec.range;
      const iso = (t: number) => new Date(t).toISOString();
      const span = `${file} spans ${iso(first)} to ${iso(last)} (${((last - first) / 1000).toFixed(1)} s)`;
      if (from !== undefined && from >= last) throw new UsageError(`twin export: --from ${values.from} (${iso(from)}) is at or after the recording's end: ${span}`);
      if (to !== undefined && to <= first) throw new UsageError(`twin export: --to ${values.to} (${iso(to)}) is at or before the recording's start: ${span}`);
      if ((to ?? last) <= (from ?? first)) throw new UsageError(`twin export: the window from ${iso(from ?? first)} to ${iso(to ?? last)} is empty: ${span}`);
      let analysis: Awaited<ReturnType<typeof analyseWindow>>;
      try {
        analysis = await analyseWindow(rec, { what: [partFor(what)], from, to, bucketMs: Number.isNaN(bucket) ? undefined : bucket * 1000, cellM: cell, signal: io.signal });
      } catch (e) {
        if (e instanceof McapOpenError) throw new UsageError(`twin export: ${e.message}`);
        throw e;
      }
      const text = exportAnalysis(analysis, what, format, k);
      if (values.out) {
        writeFileSync(values.out, text);
        io.err(`twin export: wrote ${what} (${format}) to ${values.out} in ${analysis.elapsedMs} ms\n`);
      } else io.out(text);
      return 0;
    } finally {
      await rec.close();
    }
  },
};
