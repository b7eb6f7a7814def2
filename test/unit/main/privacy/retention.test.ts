import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteExpiredRecordings, recordingTimeFromName } from '../../../../main/privacy/deleteExpiredRecordings.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('deleteExpiredRecordings', () => {
  it('reads the start time from rotating file names', () => {
    expect(recordingTimeFromName('twin-20261124-031500.mcap')).toBe(Date.UTC(2026, 10, 24, 3, 15, 0));
    expect(recordingTimeFromName('trial.mcap')).toBeNull();
  });

  it('deletes recordings older than retentionDays and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-retention-'));
    dirs.push(dir);
    const old = new Date(NOW - 40 * 86_400_000);
    for (const name of ['twin-20261001-080000.mcap', 'twin-20261124-080000.mcap', 'notes.txt', 'named.mcap', 'old-named.mcap']) {
      writeFileSync(join(dir, name), 'x');
      utimesSync(join(dir, name), old, old); // all files look old by mtime
    }
    const fresh = new Date(NOW - 86_400_000);
    utimesSync(join(dir, 'named.mcap'), fresh, fresh);
    mkdirSync(join(dir, 'sub.mcap'));
    const r = await deleteExpiredRecordings(dir, 30, NOW);
    expect(readdirSync(dir).sort()).toEqual(['named.mcap', 'notes.txt', 'sub.mcap', 'twin-20261124-080000.mcap']);
    expect(r.deleted.map((f) => f.split(/[\\/]/).pop()).sort()).toEqual(['old-named.mcap', 'twin-20261001-080000.mcap']);
    expect(r.kept).toBe(2);
  });

  it('refuses a non-positive retention and names a missing directory', async () => {
    await expect(deleteExpiredRecordings('/tmp', 0)).rejects.toThrow(/retentionDays/);
    await expect(deleteExpiredRecordings('/no/such/dir', 30)).rejects.toThrow('/no/such/dir');
  });
});

describe('RetentionSweeper', () => {
  it('sweeps at start with the current setting, and does nothing when retention is off', async () => {
    const { RetentionSweeper } = await import('../../../../main/privacy/RetentionSweeper.js');
    const dir = mkdtempSync(join(tmpdir(), 'twin-sweeper-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'twin-20260101-000000.mcap'), 'x');
    const old = new Date(NOW - 400 * 86_400_000);
    utimesSync(join(dir, 'twin-20260101-000000.mcap'), old, old);
    let days: number | null = null;
    const logs: string[] = [];
    const s = new RetentionSweeper({ dir: () => dir, retentionDays: () => days, now: () => NOW, log: (_l, m) => logs.push(m) });
    expect(await s.start()).toBeNull();
    expect(readdirSync(dir)).toEqual(['twin-20260101-000000.mcap']);
    days = 30;
    const r = await s.sweep();
    expect(r!.deleted.length).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
    expect(logs.join('\n')).toMatch(/deleted 1 recording/);
    s.dispose();
    expect(await s.sweep()).toBeNull();
  });
  it('a record folder not made yet (twin serve --record NEW_DIR) is nothing to sweep: no warning', async () => {
    // QA: every start with a new --record folder logged 'WARN retention: deleteExpiredRecordings:
    // cannot read recording directory …: ENOENT' on the console.
    const { RetentionSweeper } = await import('../../../../main/privacy/RetentionSweeper.js');
    const parent = mkdtempSync(join(tmpdir(), 'twin-sweeper-'));
    dirs.push(parent);
    const logs: string[] = [];
    const s = new RetentionSweeper({ dir: () => join(parent, 'not-yet'), retentionDays: () => 30, now: () => NOW, log: (l, m) => logs.push(`${l} ${m}`) });
    expect(await s.start()).toEqual({ deleted: [], kept: 0, failed: [] });
    expect(logs).toEqual([]);
    s.dispose();
  });
});
