/**
 * `twin inspect FILE --at TIME` (spec/cli.md shape) and `twin export`, run as a user would
 * (node bin/twin.js, after npm run build) on recordings written like the recorder writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryRecord } from '../../common/records.js';
import { TwinState } from '../../main/recording/snapshots.js';
import { writeFixtureRecording, type FixtureInfo } from '../helpers/mcapFixture.js';
import { twin } from '../helpers/twinCli.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-cli-replay-'));
const file = join(dir, 'day.mcap');
const records: TelemetryRecord[] = [];
let info: FixtureInfo;

beforeAll(async () => {
  info = await writeFixtureRecording(file, { durationS: 240, robots: 6, people: 24, snapshots: true, chunkSize: 64 * 1024, onRecord: (r) => records.push(r) });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('twin inspect --at', () => {
  it('prints the twin at a moment in the spec/cli.md JSON shape, equal to the recorded truth', () => {
    const at = info.start + 123_456;
    const r = twin(['inspect', file, '--at', new Date(at).toISOString(), '--json']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['alerts', 'at', 'counts', 'file', 'positions', 'seekMs', 'states'].sort());
    expect(out.at).toBe(new Date(at).toISOString());
    expect(typeof out.seekMs).toBe('number');
    const truth = new TwinState();
    for (const rec of records) if (rec.record.t <= at) truth.apply(rec);
    const sortBy = <T,>(a: T[], k: (x: T) => string) => [...a].sort((x, y) => k(x).localeCompare(k(y)));
    expect(sortBy(out.states as { id: string }[], (s) => s.id)).toEqual(sortBy([...truth.states.values()], (s) => s.id));
    expect((out.positions as unknown[]).length).toBe(24);
    expect(sortBy(out.counts as { zone: string }[], (c) => c.zone)).toEqual(sortBy([...truth.counts.values()], (c) => c.zone));
    expect((out.alerts as { id: string }[]).map((a) => a.id).sort()).toEqual([...truth.alerts.keys()].sort());
  });

  it('accepts +SECONDS and epoch ms, and the same moment gives the same twin', () => {
    const a = JSON.parse(twin(['inspect', file, '--at', '+60', '--json']).stdout) as { at: string; states: unknown[] };
    const b = JSON.parse(twin(['inspect', file, '--at', String(Date.parse(a.at)), '--json']).stdout) as { at: string; states: unknown[] };
    expect(a.at).toBe(new Date(info.start + 10 + 60_000).toISOString());
    expect(b.states).toEqual(a.states);
    expect(twin(['inspect', file, '--at', '+60']).stderr).not.toMatch(/after the recording's end|before the recording's start/);
  });

  it('says so when the moment lies outside the recording (it printed its last state as the state then, with no word)', () => {
    const late = twin(['inspect', file, '--at', '+100000']);
    expect(late.code).toBe(0);
    expect(late.stderr).toMatch(/is after the recording's end \(it spans .* to .*\): this is the twin as the recording left it/);
    const early = twin(['inspect', file, '--at', String(info.start - 2 * 86_400_000)]);
    expect(early.stderr).toMatch(/is before the recording's start .*: nothing was recorded yet/);
  });

  it('exits 2 naming the problem for a bad time or a file that is not MCAP', () => {
    const bad = twin(['inspect', file, '--at', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--at: time "yesterday": expected ISO 8601/);
    const notMcap = join(dir, 'x.mcap');
    writeFileSync(notMcap, 'hello');
    const r = twin(['inspect', notMcap, '--at', '+1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.mcap: not an MCAP file/);
  });
});

describe('twin export', () => {
  it('exports zone counts as CSV with counts below k suppressed and a note', () => {
    const r = twin(['export', file, '--what', 'counts', '--bucket', '30', '--k', '5']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('zone,time,count,note');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(8 * 4);
    for (const [, , count, note] of rows) {
      if (count === '') expect(note).toMatch(/suppressed \(fewer than k=5\)/);
      else expect(Number(count) === 0 || Number(count) >= 5).toBe(true);
    }
    expect(rows.some(([, , c]) => c === '')).toBe(true); // 24 people on 8 zones: some zones hold 1..4
    const total = rows.filter(([z]) => z === 'TOTAL').map(([, , c]) => Number(c));
    expect(Math.max(...total)).toBe(24);
  });

  it('exports robot KPIs as JSON to a file: distance and time per state add up', () => {
    const out = join(dir, 'kpis.json');
    const r = twin(['export', file, '--what', 'kpis', '--format', 'json', '--out', out]);
    expect(r.code).toBe(0);
    const k = JSON.parse(readFileSync(out, 'utf8')) as { robots: { id: string; distanceM: number; seconds: Record<string, number> }[]; kinds: { kind: string; units: number }[] };
    expect(k.robots.map((x) => x.id)).toEqual(info.robots);
    const windowS = (info.end - info.start - 10) / 1000;
    for (const rob of k.robots) {
      const total = Object.values(rob.seconds).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(windowS - 2);
      expect(total).toBeLessThan(windowS + 2);
      expect(rob.distanceM).toBeLessThanOrEqual(rob.seconds.moving! * 0.8 + 1.7); // 0.8 m/s cap
    }
    expect(k.kinds).toEqual([expect.objectContaining({ kind: 'robot', units: 6 })]);
  });

  it('exports the heatmap with Fruin levels and rejects an unknown --what with exit 2', () => {
    const r = twin(['export', file, '--what', 'heatmap', '--cell', '2']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('floor,x_m,y_m,cell_m,density_p_per_m2,los');
    expect(lines.slice(1).every((l) => /^[12]F,\d+,\d+,2,[\d.]+,[A-F]$/.test(l))).toBe(true);
    const bad = twin(['export', file, '--what', 'everything']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--what must be one of counts, flows, dwell, kpis, heatmap/);
  });

  it('exports dwell with the people still in each space at the window\'s end (open), statistics only of finished visits', () => {
    const r = twin(['export', file, '--what', 'dwell', '--k', '1']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('space,visits,mean_s,median_s,p90_s,open,note');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(0);
    for (const [, visits, mean, median, p90, open] of rows) {
      expect(visits).toMatch(/^\d+$/);
      expect(open).toMatch(/^\d+$/);
      // No finished visit: no statistics (was "0,0,0" s beside 0 visits).
      if (visits === '0') expect([mean, median, p90]).toEqual(['', '', '']);
    }
    const open = rows.reduce((a, row) => a + Number(row[5]), 0);
    expect(open).toBeGreaterThan(0); // was not exported at all
    expect(open).toBeLessThanOrEqual(24);
  });

  it('bad input exits 2 with one line naming it, before any work: a window past the recording\'s end, an --out in no folder', () => {
    const past = twin(['export', file, '--what', 'counts', '--from', '+500']);
    expect(past.code).toBe(2); // was 1, "Error: analyseWindow: … empty window" and a stack
    expect(past.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^twin export: --from \+500 \(\S+\) is at or after the recording's end: .*day\.mcap spans \S+ to \S+ \(24\d\.\d s\)$/)]);
    const before = twin(['export', file, '--what', 'counts', '--to', String(info.start - 60_000)]);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/--to \d+ \(\S+\) is at or before the recording's start: .*day\.mcap spans/);
    const out = join(dir, 'no-such-folder', 'x.csv');
    const noDir = twin(['export', file, '--what', 'heatmap', '--out', out]);
    expect(noDir.code).toBe(2); // was 1, an ENOENT stack after the whole analysis
    expect(noDir.stderr.trim().split('\n')).toEqual([`twin export: --out ${out}: no folder ${join(dir, 'no-such-folder')}`]);
  });
});
