// A live recording on a disk that fills up: it stops by itself, says why once, keeps what it wrote, and never throws
// into the session (before, ENOSPC from the flush timer was an uncaught exception that ended the whole app).
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryRecord } from '../../../../common/records.js';

/** When set, every write to a file fails as on a full disk. */
const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    return (fs.writeSync as (...a: Parameters<typeof fs.writeSync>) => number)(...args);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { McapRecorder, minFreeFromEnv, MIN_FREE_BYTES } = await import('../../../../main/recording/McapRecorder.js');
const { readMcapFile } = await import('../../../../main/recording/McapMessageReader.js');

const T0 = Date.UTC(2026, 11, 6, 3, 0, 0);
const MiB = 1024 * 1024;
const batch = (i: number): TelemetryRecord[] => [
  { kind: 'state', record: { id: `robot-${i % 5}`, kind: 'robot', t: T0 + i * 100, x: i, y: 2, state: 'moving', speed: 1 } },
  { kind: 'position', record: { id: `tag-${i % 7}`, t: T0 + i * 100, x: i, y: 3 } },
];

async function readBack(path: string): Promise<{ messages: number; truncated: boolean }> {
  let messages = 0, truncated = true;
  for await (const ev of readMcapFile(path)) {
    if (ev.type === 'message') messages++;
    else if (ev.type === 'end') truncated = ev.truncated;
  }
  return { messages, truncated };
}

describe('recording on a disk that fills up', () => {
  it('finishes the file and stops when the disk has less free than it leaves free; later writes are ignored', async () => {
    let free = 10_000 * MiB;
    const stops: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'twin-space-'));
    const rec = await McapRecorder.create({ target: { dir }, metadata: { source: 'testbed:' }, minFreeBytes: MIN_FREE_BYTES, freeBytes: () => free, onStopped: (w) => stops.push(w) });
    for (let i = 0; i < 50; i++) rec.write(batch(i), T0 + i * 100);
    rec.flush();
    free = 100 * MiB;
    rec.flush();
    const file = rec.status().files[0]!;
    expect(rec.status().state).toBe('stopped');
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatch(/^recording stopped: 100 MiB free on the disk of .+, under the 256 MiB the recorder leaves free; .+\.mcap is complete up to now/);
    expect(rec.status().stopped).toBe(stops[0]);
    rec.write(batch(99), T0 + 9900); // ignored, no throw
    rec.flush();
    rec.close();
    expect(stops).toHaveLength(1);
    // Finished properly (summary and footer): every record written before the stop, nothing after; a snapshot keyframe too.
    const back = await readBack(file);
    expect(back.truncated).toBe(false);
    expect(back.messages).toBeGreaterThanOrEqual(100);
    expect(back.messages).toBeLessThan(102 + 5);
  });

  it('does not start on a disk with too little room, and says how much there is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-space-'));
    await expect(McapRecorder.create({ target: { dir }, metadata: { source: 'testbed:' }, minFreeBytes: MIN_FREE_BYTES, freeBytes: () => 1.5 * MiB }))
      .rejects.toThrow(/^recording not started: 1\.5 MiB free on the disk of .+, under the 256 MiB the recorder leaves free$/);
  });

  it('stops on ENOSPC from a write (the disk filled from elsewhere), keeping every chunk already written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-space-'));
    const stops: string[] = [];
    const rec = await McapRecorder.create({ target: { dir }, metadata: { source: 'testbed:' }, freeBytes: () => Infinity, onStopped: (w) => stops.push(w) });
    try {
      for (let i = 0; i < 30; i++) rec.write(batch(i), T0 + i * 100);
      rec.flush(); // 60 records on disk
      for (let i = 30; i < 40; i++) rec.write(batch(i), T0 + i * 100);
      disk.full = true;
      expect(() => rec.flush()).not.toThrow(); // the timer's flush: this threw out of a timer and ended the app
      rec.write(batch(41), T0 + 4100);
      rec.close();
    } finally {
      disk.full = false;
    }
    expect(rec.status().state).toBe('stopped');
    expect(stops).toEqual([expect.stringMatching(/^recording stopped: the disk is full \(ENOSPC writing .+\.mcap\); what was recorded up to the last second is in the file/)]);
    const back = await readBack(rec.status().files[0]!);
    expect(back.truncated).toBe(true); // no footer: read as after a crash
    expect(back.messages).toBeGreaterThanOrEqual(60);
    expect(back.messages).toBeLessThan(80);
  });

  it('TWIN_RECORD_MIN_FREE_MB sets the free space to leave; a bad value is named', () => {
    expect(minFreeFromEnv({})).toBe(MIN_FREE_BYTES);
    expect(minFreeFromEnv({ TWIN_RECORD_MIN_FREE_MB: '0' })).toBe(0);
    expect(minFreeFromEnv({ TWIN_RECORD_MIN_FREE_MB: '1.5' })).toBe(1.5 * MiB);
    expect(() => minFreeFromEnv({ TWIN_RECORD_MIN_FREE_MB: 'lots' })).toThrow('TWIN_RECORD_MIN_FREE_MB="lots" is not a number of MiB (≥ 0)');
    expect(() => minFreeFromEnv({ TWIN_RECORD_MIN_FREE_MB: '-1' })).toThrow(/-1/);
  });
});
