import { describe, expect, it } from 'vitest';
import type { PositionRecord, ScanRecord, StateRecord, TelemetryRecord } from '../../../../common/records.js';
import { decodeTelemetryFrame, frameString, ROW_STALE } from '../../../../common/telemetryFrame.js';
import { CLOCK_GRACE_MS, Hub } from '../../../../main/hub/Hub.js';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);
const st = (id: string, t: number, extra: Partial<StateRecord> = {}): TelemetryRecord => ({ kind: 'state', record: { id, kind: 'robot', t, x: 0, y: 0, ...extra } });

function recordedBy(hub: Hub) {
  const out: TelemetryRecord[] = [];
  hub.onRecords((b) => out.push(...b));
  return out;
}

describe('Hub', () => {
  it('keeps the latest state per entity; out-of-order is recorded but not applied; duplicates are dropped', () => {
    const hub = new Hub();
    const rec = recordedBy(hub);
    hub.ingest([st('r1', T0 + 1000, { x: 1 }), st('r1', T0 + 3000, { x: 3 }), st('r1', T0 + 2000, { x: 2 }), st('r1', T0 + 3000, { x: 99 }), st('r1', T0 + 1000, { x: 98 })], T0);
    expect(hub.entity('r1')!.latest.x).toBe(3);
    const s = hub.stats();
    expect(s.outOfOrder).toBe(1);
    expect(s.duplicates).toBe(2);
    expect(rec.filter((r) => r.kind === 'state').map((r) => (r.record as StateRecord).x)).toEqual([1, 3, 2]);
    expect(hub.entity('r1')!.history().x).toEqual([1, 3]);
  });

  it('marks an entity stale after staleAfterSeconds of source time, and fresh again on an update', () => {
    const hub = new Hub({ staleAfterSeconds: 10 });
    const frames: Uint8Array[] = [];
    hub.onFrame((f) => frames.push(f));
    hub.ingest([st('r1', T0), st('r2', T0)], 0);
    hub.tick(0);
    hub.ingest([st('r2', T0 + 11_000)], 11_000);
    hub.tick(11_000);
    expect(hub.entity('r1')!.stale).toBe(true);
    expect(hub.entity('r2')!.stale).toBe(false);
    const f = decodeTelemetryFrame(frames.at(-1)!.buffer as ArrayBuffer);
    const i = [...f.entities.id].findIndex((k) => frameString(f, k) === 'r1');
    expect(f.entities.flags[i]! & ROW_STALE).toBe(ROW_STALE);
    expect(f.sidecar.alerts?.some((a) => a.code === 'stale' && a.entity === 'r1' && a.active)).toBe(true);
    hub.ingest([st('r1', T0 + 12_000)], 12_000);
    hub.tick(12_000);
    expect(hub.entity('r1')!.stale).toBe(false);
    expect(hub.alerts.list().some((a) => a.code === 'stale')).toBe(false);
  });

  it('judges a slow reporter against its own period: a 10 s sensor is not stale 11 s after its last report', () => {
    const hub = new Hub({ staleAfterSeconds: 10 });
    const sensor = (t: number) => st('s1', t, { kind: 'sensor' });
    for (let i = 0; i <= 5; i++) {
      hub.ingest([sensor(T0 + i * 10_000)], i * 10_000);
      hub.tick(i * 10_000);
    }
    hub.tick(50_000 + CLOCK_GRACE_MS + 11_000); // 11 s of source time after its last report
    expect(hub.entity('s1')!.stale).toBe(false);
    expect(hub.alerts.list().some((a) => a.code === 'stale')).toBe(false);
    hub.tick(50_000 + CLOCK_GRACE_MS + 31_000); // three of its 10 s periods have passed
    expect(hub.entity('s1')!.stale).toBe(true);
  });

  it('after reset (a replay seek backwards) older records apply again and the next frame is full, without what was dropped', () => {
    const hub = new Hub();
    const frames: Uint8Array[] = [];
    hub.onFrame((f) => frames.push(f));
    hub.ingest([st('r1', T0 + 60_000, { x: 60 }), st('r2', T0 + 60_000)], 0);
    hub.tick(0);
    hub.reset();
    hub.ingest([st('r1', T0 + 10_000, { x: 10 })], 10);
    hub.tick(10);
    expect(hub.entity('r1')!.latest.x).toBe(10);
    expect(hub.entity('r2')).toBeUndefined();
    expect(hub.stats().outOfOrder).toBe(0);
    const f = decodeTelemetryFrame(frames.at(-1)!.buffer as ArrayBuffer);
    expect(f.full).toBe(true);
    expect([...f.entities.id].map((k) => frameString(f, k))).toEqual(['r1']);
  });

  it('after reset, a frame sent before the seek\'s twin arrives is followed by a full one with it (the page counts entities from full frames)', () => {
    const hub = new Hub({ fullFrameMs: 1e9 });
    const frames: Uint8Array[] = [];
    hub.onFrame((f) => frames.push(f));
    hub.ingest([st('r1', T0 + 60_000), st('r2', T0 + 60_000)], 0);
    hub.tick(0);
    hub.reset();
    hub.tick(5); // the replay is still reading the twin at the new moment
    const empty = decodeTelemetryFrame(frames.at(-1)!.buffer as ArrayBuffer);
    expect([empty.full, empty.entities.id.length]).toEqual([true, 0]);
    hub.ingest([st('r1', T0 + 10_000), st('r2', T0 + 10_000)], 10); // the seek's snapshot
    hub.tick(20);
    const twin = decodeTelemetryFrame(frames.at(-1)!.buffer as ArrayBuffer);
    expect([twin.full, twin.entities.id.length]).toEqual([true, 2]);
    hub.ingest([st('r1', T0 + 11_000)], 30);
    hub.tick(40);
    expect(decodeTelemetryFrame(frames.at(-1)!.buffer as ArrayBuffer).full).toBe(false);
  });

  it('the source clock follows the data, and runs on at wall time × speed once the source is silent', () => {
    const hub = new Hub();
    hub.setSourceStatus({ uri: 'testbed:', state: 'live', accepted: 0, rejected: 0, rejectReasons: {}, speed: 60 }, 0);
    hub.ingest([st('r1', T0)], 1000);
    expect(hub.clock(1000 + CLOCK_GRACE_MS)).toBe(T0);
    expect(hub.clock(1000 + CLOCK_GRACE_MS + 1000)).toBe(T0 + 60_000);
  });

  it('a paused or ended replay holds its clock: a minute later no robot is stalled or stale, and play runs on from there', () => {
    // QA: a 63 s recording left at its end (or paused) for a minute showed 137 alerts, every
    // moving robot "moving but not advancing for 30 s" and every entity stale.
    const hub = new Hub({ staleAfterSeconds: 10 });
    const range = { start: T0, end: T0 + 40_000 };
    const status = (state: 'playing' | 'paused' | 'ended') => hub.setSourceStatus({ uri: 'file:day.mcap', state, accepted: 0, rejected: 0, rejectReasons: {}, speed: 1, range }, wall);
    let wall = 0;
    status('playing');
    for (let i = 0; i <= 40; i++) {
      wall = i * 1000;
      hub.ingest([st('r1', T0 + i * 1000, { state: 'moving', speed: 0.01, x: 0, y: 0 }), st('r2', T0 + i * 1000, { state: 'moving', speed: 1, x: i, y: 0 })], wall);
      hub.tick(wall);
    }
    const stalledBefore = hub.alerts.list().filter((a) => a.code === 'stalled').map((a) => a.entity);
    expect(stalledBefore).toEqual(['r1']); // r1 really stood still for 40 s of the recording
    for (const [state, at] of [['paused', T0 + 40_000], ['ended', T0 + 41_000]] as const) {
      status(state);
      const from = wall;
      for (; wall <= from + 60_000; wall += 1000) hub.tick(wall);
      expect(hub.clock(wall)).toBe(at);
      expect(hub.entity('r2')!.stale).toBe(false);
      expect(hub.alerts.list().filter((a) => a.code === 'stalled').map((a) => a.entity)).toEqual(['r1']);
      expect(hub.alerts.list().some((a) => a.code === 'stale')).toBe(false);
      status('playing');
      // Play again: the clock runs on from where it stopped (with the records), not a minute ahead.
      expect(hub.clock(wall + CLOCK_GRACE_MS + 1000)).toBe(at);
      hub.ingest([st('r2', at + 1000, { state: 'moving', speed: 1, x: 41, y: 0 })], wall + 1000);
      expect(hub.clock(wall + 1000)).toBe(at + 1000);
    }
  });

  it('a replay that falls behind its speed (records late, not absent) does not run its clock ahead of them', () => {
    // QA: a recording played at 16× on a loaded machine went seconds without a batch; the clock
    // ran on at wall time × 16 and showed 146 alerts, every entity stale.
    const hub = new Hub({ staleAfterSeconds: 10 });
    hub.setSourceStatus({ uri: 'file:day.mcap', state: 'playing', accepted: 0, rejected: 0, rejectReasons: {}, speed: 16, range: { start: T0, end: T0 + 60_000 } }, 0);
    hub.ingest([st('r1', T0), st('r2', T0)], 0);
    hub.tick(5_000); // 5 s of wall time with no batch: 80 s at 16× if the clock ran on
    expect(hub.clock(5_000)).toBe(T0);
    expect(hub.entity('r1')!.stale).toBe(false);
    // The records say how time passes: r2 reports 11 s later, r1 does not: r1 is stale.
    hub.ingest([st('r2', T0 + 11_000)], 5_100);
    hub.tick(5_100);
    expect(hub.entity('r1')!.stale).toBe(true);
    expect(hub.entity('r2')!.stale).toBe(false);
    // A live source still runs on at wall time × speed once silent.
    const live = new Hub({ staleAfterSeconds: 10 });
    live.setSourceStatus({ uri: 'testbed:', state: 'live', accepted: 0, rejected: 0, rejectReasons: {}, speed: 60 }, 0);
    live.ingest([st('r1', T0)], 0);
    expect(live.clock(CLOCK_GRACE_MS + 1000)).toBe(T0 + 60_000);
  });

  it('a live source slower than its nominal speed: its clock runs on at the pace its data came at, not the nominal one', () => {
    // A 60× testbed on a loaded machine ran at about 4×; each 2–3 s stall of the event loop then moved the clock a
    // minute on and called the whole fleet stale (and stamped alerts minutes ahead of the data).
    const hub = new Hub({ staleAfterSeconds: 10 });
    hub.setSourceStatus({ uri: 'testbed:?speed=60', state: 'live', accepted: 0, rejected: 0, rejectReasons: {}, speed: 60 }, 0);
    let wall = 0;
    for (; wall <= 12_000; wall += 250) hub.ingest([st('r1', T0 + wall * 4), st('r2', T0 + wall * 4)], wall); // 4 s a second
    wall -= 250;
    const last = T0 + wall * 4;
    // 3 s without a batch (a stall, not an end): at the nominal 60× that was 60 s on; at the data's pace ×4 (floored
    // at a tenth of 60×: 6×) it is 6 s, under the 10 s limit.
    hub.tick(wall + 3000);
    expect(hub.clock(wall + 3000)).toBe(last + 6000);
    expect(hub.entity('r1')!.stale).toBe(false);
    // Stopped for good: stale a few seconds later all the same.
    hub.tick(wall + 4000 + 1000);
    expect(hub.entity('r1')!.stale).toBe(true);
  });

  it('a stall of this process (no tick for seconds) is not the source’s silence, and a stop holds the clock where the last tick left it', () => {
    const run = (tickEveryMs?: number) => {
      const hub = new Hub({ staleAfterSeconds: 10, ...(tickEveryMs ? { tickEveryMs } : {}) });
      hub.setSourceStatus({ uri: 'testbed:', state: 'live', accepted: 0, rejected: 0, rejectReasons: {}, speed: 1 }, 0);
      let wall = 0;
      for (; wall <= 5000; wall += 100) { hub.ingest([st('r1', T0 + wall)], wall); hub.tick(wall); }
      // 12 s in which nothing ran (a huge batch, a collection): the next tick comes before the source's next batch.
      hub.tick(wall + 12_000);
      return { hub, stale: hub.entity('r1')!.stale, wall: wall + 12_000 };
    };
    expect(run().stale).toBe(true); // a hub ticked at will counts every gap (tests, and what a stall did before)
    const { hub, stale, wall } = run(100);
    expect(stale).toBe(false);
    // Silent from here on, ticked on time: stale after its 10 s as ever.
    for (let w = wall; w <= wall + 13_000; w += 100) hub.tick(w);
    expect(hub.entity('r1')!.stale).toBe(true);

    // Stopped 6 s after the last tick (the source delivering what it held): the clock holds at the last tick's.
    const rec = new Hub({ staleAfterSeconds: 10, tickEveryMs: 100 });
    rec.setSourceStatus({ uri: 'testbed:?speed=60', state: 'live', accepted: 0, rejected: 0, rejectReasons: {}, speed: 60 }, 0);
    rec.ingest([st('r1', T0)], 0);
    rec.tick(100);
    rec.setSourceStatus({ uri: 'testbed:?speed=60', state: 'stopped', accepted: 0, rejected: 0, rejectReasons: {}, speed: 60 }, 6100);
    rec.tick(6200);
    expect(rec.clock(6200)).toBe(T0);
    expect(rec.entity('r1')!.stale).toBe(false);
  });

  it('a paused replay that seeks shows the new moment fresh (the held clock follows the reset)', () => {
    const hub = new Hub({ staleAfterSeconds: 10 });
    hub.setSourceStatus({ uri: 'file:day.mcap', state: 'playing', accepted: 0, rejected: 0, rejectReasons: {}, speed: 1 }, 0);
    hub.ingest([st('r1', T0 + 60_000)], 0);
    hub.setSourceStatus({ uri: 'file:day.mcap', state: 'paused', accepted: 0, rejected: 0, rejectReasons: {}, speed: 1 }, 100);
    hub.reset();
    hub.ingest([st('r1', T0 + 5_000)], 200);
    hub.tick(60_000);
    expect(hub.clock(60_000)).toBe(T0 + 5_000);
    expect(hub.entity('r1')!.stale).toBe(false);
  });

  it('coalesces many updates into one delta frame, with a full frame on subscribe', () => {
    const hub = new Hub({ fullFrameMs: 1e9 });
    const frames: Uint8Array[] = [];
    hub.onFrame((f) => frames.push(f));
    hub.ingest([st('a', T0), st('b', T0), { kind: 'count', record: { zone: 'z', t: T0, count: 3 } }], 0);
    hub.tick(1);
    for (let k = 1; k <= 100; k++) hub.ingest([st('a', T0 + k, { x: k })], 2);
    hub.tick(3);
    expect(hub.tick(4)).toBeNull(); // nothing changed
    expect(frames).toHaveLength(2);
    const first = decodeTelemetryFrame(frames[0]!.buffer as ArrayBuffer);
    expect(first.full).toBe(true);
    expect(first.entities.count).toBe(2);
    expect(first.counts.value[0]).toBe(3);
    const delta = decodeTelemetryFrame(frames[1]!.buffer as ArrayBuffer);
    expect(delta.full).toBe(false);
    expect(delta.entities.count).toBe(1);
    expect(delta.entities.x[0]).toBe(100);
  });

  it('lists a fleet that all reported in its own order, whatever the arrival order, so the renderer reuses the id table', () => {
    const hub = new Hub({ fullFrameMs: 1e9 });
    const frames: Uint8Array[] = [];
    hub.onFrame((f) => frames.push(f));
    const ids = Array.from({ length: 400 }, (_, i) => `r-${i}`);
    hub.ingest(ids.map((id) => st(id, T0)), 0);
    hub.tick(1);
    // Every unit reports again, in a scrambled order, one with a new task.
    const scrambled = ids.map((_, i) => ids[(i * 7) % 400]!);
    hub.ingest(scrambled.map((id) => st(id, T0 + 1000, { task: id === 'r-5' ? 'deliver' : null })), 2);
    hub.tick(3);
    // A few report: arrival order.
    hub.ingest([st('r-9', T0 + 2000), st('r-3', T0 + 2000)], 4);
    hub.tick(5);
    const [first, all, few] = frames.map((f) => decodeTelemetryFrame(f.buffer as ArrayBuffer));
    const rowIds = (v: NonNullable<typeof first>) => Array.from({ length: v.entities.count }, (_, i) => frameString(v, v.entities.id[i]!));
    expect(rowIds(all!)).toEqual(ids);
    expect(all!.ids).toBe(first!.ids);
    expect(frameString(all!, all!.entities.task[5]!)).toBe('deliver');
    expect(rowIds(few!)).toEqual(['r-9', 'r-3']);
  });

  it('turns scans into recorded positions when a positioner is set', () => {
    const positioner = {
      processBatch: (scans: readonly ScanRecord[]): PositionRecord[] => scans.map((s) => ({ id: s.device, t: s.t, floor: '1F', x: 1, y: 2, accuracy: 3 })),
    };
    const hub = new Hub({ positioner });
    const rec = recordedBy(hub);
    const scan: TelemetryRecord = { kind: 'scan', record: { device: 'tag-1', t: T0, rssi: { b1: -70 } } };
    hub.ingest([scan, scan], 0);
    expect(hub.position('tag-1')).toMatchObject({ floor: '1F', x: 1, t: T0 });
    expect(rec.map((r) => r.kind)).toEqual(['scan', 'position']);
    expect(hub.stats().duplicates).toBe(1);
  });

  it('does not position again the scans of devices whose positions the source gives (a replayed recording)', () => {
    const positioned: string[] = [];
    const positioner = {
      processBatch: (scans: readonly ScanRecord[]): PositionRecord[] => scans.map((s) => (positioned.push(s.device), { id: s.device, t: s.t, floor: '1F', x: 50, y: 50 })),
    };
    const hub = new Hub({ positioner });
    const scan = (device: string, t: number): TelemetryRecord => ({ kind: 'scan', record: { device, t, rssi: { b1: -70 } } });
    const given = (device: string, t: number): TelemetryRecord => ({ kind: 'position', record: { id: device, t, floor: '1F', x: 1, y: 2 } });
    // As recorded: each scan, then the position the live session computed from it.
    hub.ingest([scan('tag-1', T0), given('tag-1', T0), scan('tag-2', T0)], 0);
    hub.ingest([scan('tag-1', T0 + 1000), given('tag-1', T0 + 1000), scan('tag-2', T0 + 1000)], 0);
    expect(positioned).toEqual(['tag-2', 'tag-2']);
    expect(hub.position('tag-1')).toMatchObject({ x: 1, t: T0 + 1000 });
    expect(hub.position('tag-2')).toMatchObject({ x: 50, t: T0 + 1000 });
    expect(hub.stats()).toMatchObject({ positionsComputed: 2, duplicates: 0 });
  });

  it('passes alerts raised by the engine to the recorder and alert subscribers', () => {
    const hub = new Hub();
    const rec = recordedBy(hub);
    const seen: string[] = [];
    hub.onAlert((a) => seen.push(`${a.code}:${a.active}`));
    hub.ingest([st('r1', T0, { state: 'error', error: 'lidar fault' })], 0);
    hub.ingest([st('r1', T0 + 1000, { state: 'idle' })], 0);
    expect(seen).toEqual(['error:true', 'error:false']);
    expect(rec.filter((r) => r.kind === 'alert')).toHaveLength(2);
  });

  it('handles 50 000 records without losing any (correctness, not speed)', () => {
    const hub = new Hub();
    let n = 0;
    hub.onRecords((b) => (n += b.length));
    const batch: TelemetryRecord[] = [];
    for (let i = 0; i < 50_000; i++) batch.push(st(`r${i % 500}`, T0 + Math.floor(i / 500) * 1000 + 1));
    hub.ingest(batch, 0);
    expect(n).toBe(50_000);
    expect(hub.stats().entities).toBe(500);
  });
  it('one device with a clock a year ahead does not carry the clock along: the others stay fresh, people are kept', () => {
    // Live over MQTT, one robot sent t a year ahead: the live clock showed the next year, every other
    // entity turned "No data" and every person was forgotten while they kept reporting.
    const hub = new Hub({ staleAfterSeconds: 10 });
    const pos = (id: string, t: number): TelemetryRecord => ({ kind: 'position', record: { id, t, floor: '1F', x: 1, y: 1 } });
    const YEAR = 365 * 86_400_000;
    for (let s = 0; s <= 20; s++) {
      const batch = [st('r1', T0 + s * 1000), st('r2', T0 + s * 1000), pos('tag-1', T0 + s * 1000)];
      if (s === 5) batch.push(st('wild', T0 + YEAR));
      hub.ingest(batch, s * 1000);
      hub.tick(s * 1000);
    }
    expect(hub.clock(20_000)).toBe(T0 + 20_000);
    expect(hub.entity('r1')!.stale).toBe(false);
    expect(hub.entity('r2')!.stale).toBe(false);
    expect(hub.position('tag-1')).toBeDefined();
    expect(hub.alerts.list().filter((a) => a.active && a.entity !== 'wild')).toEqual([]);
    // The wild record itself is applied to its own entity (and recorded).
    expect(hub.entity('wild')!.latest.t).toBe(T0 + YEAR);
  });

  it('follows a jump ahead that two ids make (a replay across a gap in the recording)', () => {
    const hub = new Hub();
    hub.ingest([st('r1', T0), st('r2', T0)], 0);
    const later = T0 + 2 * 3_600_000;
    hub.ingest([st('r1', later)], 10);
    expect(hub.clock(10)).toBe(T0);
    hub.ingest([st('r2', later + 500)], 20);
    expect(hub.clock(20)).toBe(later);
  });
});

describe('Hub: when data last came (SourceStatus lastDataAt)', () => {
  it('moves when new records arrive, stays through silence and through repeats of what it already has', () => {
    // What a page opened during an outage counts "no data for …" from: before, only the page knew, from its own load.
    const hub = new Hub();
    expect(hub.lastDataAt).toBeNull();
    hub.ingest([st('r1', T0), st('r2', T0)], 1_000);
    expect(hub.lastDataAt).toBe(1_000);
    hub.ingest([st('r1', T0 + 1000)], 2_000);
    expect(hub.lastDataAt).toBe(2_000);
    // The broker goes down: time passes, frames go out, nothing arrives.
    for (let wall = 3_000; wall <= 240_000; wall += 1_000) hub.tick(wall);
    expect(hub.lastDataAt).toBe(2_000);
    // It comes back and re-delivers what it had retained, and a straggler older than the newest comes late: no new data.
    hub.ingest([st('r1', T0 + 1000), st('r2', T0 + 500)], 241_000);
    expect(hub.lastDataAt).toBe(2_000);
    // A seek's reset forgets the picture, not when data last came.
    hub.reset();
    expect(hub.lastDataAt).toBe(2_000);
    hub.ingest([st('r1', T0 + 3000)], 242_000);
    expect(hub.lastDataAt).toBe(242_000);
  });

  it('keeps the clock running through re-sent retained messages after an outage (it used to snap back)', () => {
    const hub = new Hub();
    hub.ingest([st('r1', T0), st('r2', T0 + 1000)], 1_000);
    expect(hub.clock(1_000)).toBe(T0 + 1000);
    // 60 s of outage: the clock runs on (after the grace) at the source's speed.
    const during = hub.clock(61_000);
    expect(during).toBe(T0 + 1000 + 60_000 - CLOCK_GRACE_MS);
    // The broker is back and re-delivers its retained messages: old times, nothing new.
    hub.ingest([st('r1', T0), st('r2', T0 + 1000)], 61_000);
    expect(hub.clock(61_000)).toBe(during);
    expect(hub.clock(62_000)).toBe(during + 1000);
    // Fresh data sets it to the data's own time again.
    hub.ingest([st('r1', T0 + 62_000)], 62_500);
    expect(hub.clock(62_500)).toBe(T0 + 62_000);
  });
});
