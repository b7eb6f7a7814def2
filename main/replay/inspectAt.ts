/**
 * `twin inspect FILE.mcap --at TIME [--json]` (spec/cli.md): the twin at one moment, by the same
 * seek replay uses (Recording.seek: keyframe ≤ T + records in (keyframe, T]). `seekMs` is the
 * seek alone; opening and the one-time index pass are reported on standard error.
 */
import type { CliIo } from '../cli/command.js';
import { UsageError } from '../cli/command.js';
import { parseReplayTime } from './parseReplayTime.js';
import { openRecordingForCli } from './openRecordingForCli.js';

export async function inspectAt(path: string, at: string, json: boolean, io: CliIo, displayName = path): Promise<number> {
  const t0 = performance.now();
  const rec = await openRecordingForCli('inspect', path);
  try {
    await rec.ready();
    const t1 = performance.now();
    let t: number;
    try {
      t = parseReplayTime(at, rec.range?.start ?? null);
    } catch (e) {
      throw new UsageError(`twin inspect: --at: ${(e as Error).message}`);
    }
    const s0 = performance.now();
    const snap = await rec.seek(t);
    const seekMs = Math.round((performance.now() - s0) * 100) / 100;
    for (const n of rec.notices) io.err(`twin inspect: ${n}\n`);
    if (rec.unknownChannels.length) io.err(`twin inspect: ignored channels this app does not read: ${rec.unknownChannels.map((c) => `${c.topic} (${c.messageEncoding})`).join(', ')}\n`);
    // A moment outside the recording: the twin is its last (or its empty first) state, which read as the state then.
    const range = rec.range;
    if (range && (t > range.end || t < range.start)) {
      const iso = (ms: number) => new Date(ms).toISOString();
      io.err(`twin inspect: ${iso(t)} is ${t > range.end ? `after the recording's end (it spans ${iso(range.start)} to ${iso(range.end)}): this is the twin as the recording left it` : `before the recording's start (it spans ${iso(range.start)} to ${iso(range.end)}): nothing was recorded yet`}\n`);
    }
    io.err(`twin inspect: opened and indexed in ${(t1 - t0).toFixed(0)} ms (${rec.chunks.length} chunks, ${rec.hasRecordedSnapshots ? 'recorded snapshots' : 'keyframes built'})\n`);
    const out = { file: displayName, at: new Date(t).toISOString(), states: snap.states, positions: snap.positions, counts: snap.counts, alerts: snap.alerts, seekMs };
    if (json) {
      io.out(JSON.stringify(out, null, 2) + '\n');
      return 0;
    }
    const lines = [`file:      ${displayName}`, `at:        ${out.at}`, `seek:      ${seekMs} ms`, `states:    ${snap.states.length}`];
    for (const s of [...snap.states].sort((a, b) => a.id.localeCompare(b.id))) {
      const where = s.x !== undefined ? `${s.floor ?? '?'} (${s.x.toFixed(1)}, ${s.y?.toFixed(1)})` : s.lat !== undefined ? `${s.lat}, ${s.lon}` : '-';
      lines.push(`  ${s.id.padEnd(16)} ${s.kind.padEnd(7)} ${(s.state ?? '-').padEnd(9)} ${where}${s.battery !== undefined ? `  battery ${Math.round(s.battery * 100)}%` : ''}`);
    }
    lines.push(`positions: ${snap.positions.length} devices`);
    lines.push(`counts:    ${snap.counts.length} zones, ${snap.counts.reduce((a, c) => a + c.count, 0)} people in total`);
    for (const c of [...snap.counts].sort((a, b) => a.zone.localeCompare(b.zone))) lines.push(`  ${c.zone.padEnd(16)} ${c.count}`);
    lines.push(`alerts:    ${snap.alerts.length} active`);
    for (const a of snap.alerts) lines.push(`  [${a.severity}] ${a.entity}: ${a.code} — ${a.message} (since ${new Date(a.t).toISOString()})`);
    io.out(lines.join('\n') + '\n');
    return 0;
  } finally {
    await rec.close();
  }
}
