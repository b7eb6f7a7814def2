/**
 * `twin inspect FILE.mcap [--json]` — what a recording holds (spec/cli.md).
 * `--at TIME` (the twin at one moment) is the replay feature's: see `runAt` below.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { McapFileError } from '../../recording/McapMessageReader.js';
import { summariseRecording, type RecordingSummary } from '../../recording/summariseRecording.js';
import { parseFlags, UsageError, type CliCommand, type CliIo } from '../command.js';
import { inspectAt } from '../../replay/inspectAt.js';

const HELP = `Usage: twin inspect FILE.mcap [--json]
       twin inspect FILE.mcap --at TIME [--json]

Shows what a recording holds: channels with schema and message count, start and end (the records'
own time), entities seen by kind, devices with positions, rejected input, alerts, the recording's
source and model. A file cut short (not closed when recording stopped) or corrupt is read up to
the damage, and a sentence says what could still be read and what is missing.

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

/** `text` broken at spaces into lines of at most `width` characters, continuation lines indented. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

function formatText(s: RecordingSummary, damage: string | null): string {
  const lines: string[] = [];
  const src = s.metadata.twin?.source;
  const model = s.metadata.twin?.model;
  lines.push(`file:      ${s.file}`);
  if (damage) lines.push(`damaged:   ${wrap(damage, 100, ' '.repeat(11))}`);
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

const MCAP_MAGIC = Buffer.from([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a]);

/** Whether the file ends with MCAP's closing magic (its summary and index were written). */
function endsWithMagic(path: string): boolean {
  const size = statSync(path).size;
  if (size < MCAP_MAGIC.length * 2) return false;
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.alloc(MCAP_MAGIC.length);
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.equals(MCAP_MAGIC);
  } finally {
    closeSync(fd);
  }
}

const hms = (iso: string) => iso.slice(11, 19);

/**
 * What a planner needs to know about a damaged recording, in one sentence or two: what happened,
 * what can still be read (time span and messages), and what is missing. `closed`: the file ends
 * with its index (damage inside it: the app's replay skips the damaged part through the index).
 */
export function describeDamage(s: RecordingSummary, fileBytes: number, closed: boolean): string {
  const readable = s.start && s.end && s.messages > 0
    ? `the first ${((Date.parse(s.end) - Date.parse(s.start)) / 1000).toFixed(1)}\u00a0s, ${hms(s.start)} → ${hms(s.end)} UTC (${s.messages} messages)`
    : null;
  if (s.error) {
    const rest = closed
      ? 'The replay in the app (twin serve --source file:…) skips the damaged part and shows the rest.'
      : 'What comes after it cannot be read.';
    return readable
      ? `${s.file} is corrupt partway through (${s.error}). What can still be read before the damage: ${readable}. ${rest}`
      : `${s.file} is corrupt before its first message (${s.error}): nothing before the damage can be read. ${rest}`;
  }
  const why = 'it was not closed when recording stopped (the app or the machine stopped, or the disk filled up), or it is an incomplete copy';
  return readable
    ? `${s.file} is cut short: ${why}. What can still be read: ${readable}; anything recorded after ${hms(s.end!)} UTC is not in the file.`
    : `${s.file} is cut short before its first complete block of data (${fileBytes} bytes): ${why}. Nothing in it can be read.`;
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
    if (statSync(path).isDirectory()) {
      const inside = readdirSync(path).filter((n) => n.endsWith('.mcap')).sort();
      if (inside.length === 0) throw new UsageError(`twin inspect: ${file} is a folder with no .mcap recordings in it`);
      throw new UsageError(`twin inspect: ${file} is a folder of ${inside.length} recording${inside.length === 1 ? '' : 's'}; inspect one file at a time, e.g. twin inspect ${join(file, inside[0]!)}\n  ${inside.join('\n  ')}`);
    }
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
    const damage = summary.truncated ? describeDamage(summary, statSync(path).size, endsWithMagic(path)) : null;
    if (values.json) {
      if (damage) io.err(`twin inspect: ${damage}\n`);
      io.out(JSON.stringify(summary, null, 2) + '\n');
    } else io.out(formatText(summary, damage));
    // Damaged so that not one message can be read: the report says why, and the exit status says it is bad input.
    return damage && summary.messages === 0 ? 2 : 0;
  },
};
