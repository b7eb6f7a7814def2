/**
 * `twin inspect FILE.mcap [--json]` — what a recording holds (spec/cli.md).
 * `--at TIME` (the twin at one moment) is the replay feature's: see `runAt` below.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { McapFileError } from '../../recording/McapMessageReader.js';
import { summariseRecording, type RecordingSummary } from '../../recording/summariseRecording.js';
import { parseFlags, UsageError, type CliCommand, type CliIo } from '../command.js';
import { inspectAt } from '../../replay/inspectAt.js';

const HELP = `Usage: twin inspect FILE.mcap [--json]
       twin inspect FILE.mcap --at TIME [--json]

Shows what a recording holds: channels with schema and message count, start and end (the records'
own time), entities seen by kind, devices with positions, rejected input, alerts, the recording's
source and model. A file cut short by a crash is read up to its last complete chunk and reported
as truncated.

Options:
  --json        machine-readable output (spec/cli.md) on standard output
  --at TIME     the twin at one moment (ISO 8601, epoch ms, or +SECONDS from the start)

Examples:
  twin inspect day.mcap
  twin inspect day.mcap --json | jq .entities
`;

/**
 * Extension point for `--at TIME` (owned by the replay feature): set `inspectAtHandler` from the
 * module that implements the seek; until then `--at` is reported as unavailable.
 */
export let inspectAtHandler: ((file: string, at: string, json: boolean, io: CliIo) => Promise<number>) | null = inspectAt;
export function setInspectAtHandler(handler: typeof inspectAtHandler): void {
  inspectAtHandler = handler;
}

function formatText(s: RecordingSummary): string {
  const lines: string[] = [];
  const src = s.metadata.twin?.source;
  const model = s.metadata.twin?.model;
  lines.push(`file:      ${s.file}${s.truncated ? '  (TRUNCATED: no footer; read up to the last complete chunk)' : ''}`);
  if (s.error) lines.push(`warning:   stopped at corrupt data: ${s.error}`);
  if (src) lines.push(`source:    ${src}`);
  if (model) lines.push(`model:     ${model}${s.metadata.twin?.modelHash ? ` (sha256 ${s.metadata.twin.modelHash.slice(0, 12)}…)` : ''}`);
  lines.push(`start:     ${s.start ?? '-'}`);
  lines.push(`end:       ${s.end ?? '-'}`);
  if (s.start && s.end) lines.push(`duration:  ${((Date.parse(s.end) - Date.parse(s.start)) / 1000).toFixed(1)} s`);
  lines.push(`messages:  ${s.messages}   (${(s.bytes / 1024).toFixed(1)} KiB)`);
  lines.push('channels:');
  const w = Math.max(8, ...s.channels.map((c) => c.topic.length));
  for (const c of s.channels) lines.push(`  ${c.topic.padEnd(w)}  ${String(c.messages).padStart(9)}  ${c.schema}`);
  const kinds = Object.entries(s.entities);
  lines.push(`entities:  ${kinds.length ? kinds.map(([k, n]) => `${n} ${k}`).join(', ') : 'none'}`);
  lines.push(`devices:   ${s.devices} with positions`);
  lines.push(`alerts:    ${s.alerts} raised`);
  lines.push(`rejected:  ${s.rejected}`);
  for (const [reason, n] of Object.entries(s.rejectReasons).sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(7)}  ${reason}`);
  return lines.join('\n') + '\n';
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'what a recording holds: channels, counts, time range, entities, rejected input',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('inspect', args, { json: { type: 'boolean' }, at: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('twin inspect: expected one FILE.mcap (see twin inspect --help)');
    const file = positionals[0]!;
    const path = resolve(file);
    if (!existsSync(path)) throw new UsageError(`twin inspect: ${file}: no such file`);
    if (!statSync(path).isFile()) throw new UsageError(`twin inspect: ${file}: not a file`);
    if (values.at !== undefined) {
      if (!inspectAtHandler) throw new UsageError(`twin inspect: --at is not available in this build`);
      return inspectAtHandler(path, values.at, values.json === true, io);
    }
    let summary: RecordingSummary;
    try {
      summary = await summariseRecording(path, file, io.signal);
    } catch (e) {
      if (e instanceof McapFileError) throw new UsageError(`twin inspect: ${e.message}`);
      throw e;
    }
    if (summary.truncated) io.err(`twin inspect: ${file}: truncated (no footer); read ${summary.messages} messages up to the last complete chunk\n`);
    if (values.json) io.out(JSON.stringify(summary, null, 2) + '\n');
    else io.out(formatText(summary));
    return 0;
  },
};
