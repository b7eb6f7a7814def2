import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReviewStatus } from '../../../../common/replay.js';
import type { TelemetryRecord } from '../../../../common/records.js';
import { decodeTelemetryFrame, encodeTelemetryFrame, frameString } from '../../../../common/telemetryFrame.js';
import { McapRecorder } from '../../../../main/recording/McapRecorder.js';
import { LiveFrameGate } from '../../../../main/replay/LiveFrameGate.js';
import { LiveReview } from '../../../../main/replay/LiveReview.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-review-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const settings = () => ({ staleAfterSeconds: 3600, batteryLowThreshold: 0.2, densityAlertPerM2: 2 });

/** A robot driving along x at 1 m/s: x = seconds since start. */
function robot(t0: number, s: number): TelemetryRecord {
  return { kind: 'state', record: { id: 'robot-1', kind: 'robot', t: t0 + s * 1000, floor: '1F', x: s, y: 2, state: 'moving' } };
}

describe('LiveReview', () => {
  it('replays the last minutes of the file the live recorder is still writing, seeks back, and returns to live', async () => {
    const recordDir = join(dir, 'rec');
    const t0 = Date.now() - 300_000;
    // The live recorder, still open (the file has no summary yet): 5 minutes of one robot at 1 Hz.
    const recorder = await McapRecorder.create({ target: { dir: recordDir }, metadata: { source: 'testbed:' }, flushIntervalMs: 60_000 });
    for (let s = 0; s <= 300; s++) recorder.write([robot(t0, s)], t0 + s * 1000);
    recorder.flush();

    const server = {};
    const frames: Uint8Array[] = [];
    const statuses: ReviewStatus[] = [];
    const review = new LiveReview({ server, broadcastFrame: (f) => frames.push(f), broadcastStatus: (s) => statuses.push(s), recordDir: () => recordDir, sessionFiles: () => recorder.status().files, settings });
    const liveDelta = encodeTelemetryFrame({ time: 1, full: false, entities: [], positions: [], counts: [] });
    const liveFull = encodeTelemetryFrame({ time: 2, full: true, entities: [], positions: [], counts: [] });
    try {
      const on = await review.start();
      expect(on).toMatchObject({ state: 'on', files: 1, playback: 'paused', range: { start: t0, end: t0 + 300_000 }, notices: [] });
      expect(on.state === 'on' && on.now).toBe(t0 + 300_000); // opens at the latest moment
      expect(LiveFrameGate.for(server).pass(liveFull)).toBe(false); // live frames held back meanwhile

      // Scrub back 4 minutes: the page gets a full frame with the robot where it was then.
      await review.seek(t0 + 60_500);
      frames.length = 0;
      await new Promise((r) => setTimeout(r, 120));
      const full = frames.map((f) => decodeTelemetryFrame(f.buffer as ArrayBuffer, f.byteOffset)).find((v) => v.full && v.entities.count > 0);
      expect(full).toBeDefined();
      const i = [...Array(full!.entities.count).keys()].find((k) => frameString(full!, full!.entities.id[k]!) === 'robot-1')!;
      expect(full!.entities.x[i]).toBe(60);

      // Live data kept coming meanwhile; "start" again extends the review to now.
      for (let s = 301; s <= 320; s++) recorder.write([robot(t0, s)], t0 + s * 1000);
      recorder.flush();
      const extended = await review.start();
      expect(extended.state === 'on' && extended.range?.end).toBe(t0 + 320_000);

      const off = await review.stop();
      expect(off).toEqual({ state: 'off' });
      expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['opening', 'on', 'off']));
      // Back to live: deltas wait for the live hub's next full frame.
      const gate = LiveFrameGate.for(server);
      expect(gate.pass(liveDelta)).toBe(false);
      expect(gate.pass(liveFull)).toBe(true);
      expect(gate.pass(liveDelta)).toBe(true);
      expect(() => review.play()).toThrow(/while it is off/);
    } finally {
      await review.dispose();
      recorder.close();
    }
  });

  it("keeps to the current source's files: an earlier source's recording in the same folder is another session", async () => {
    // A 30× testbed recorded first (its clock hours ahead, the same robot id), then the source switched to a broker.
    const recordDir = join(dir, 'switched');
    const t0 = Date.now() - 120_000;
    const before = await McapRecorder.create({ target: { dir: recordDir }, metadata: { source: 'testbed:?speed=30' }, flushIntervalMs: 60_000 });
    for (let s = 0; s <= 600; s += 10) before.write([robot(t0 + 3_600_000, s)], t0 + s * 1000);
    await before.close();
    const recorder = await McapRecorder.create({ target: { dir: recordDir }, metadata: { source: 'mqtt://broker/testbed' }, flushIntervalMs: 60_000 });
    for (let s = 0; s <= 60; s++) recorder.write([robot(t0, s)], t0 + s * 1000);
    recorder.flush();
    const review = new LiveReview({ server: {}, broadcastFrame: () => undefined, broadcastStatus: () => undefined, recordDir: () => recordDir, sessionFiles: () => recorder.status().files, settings });
    try {
      // Before: both files on one timeline, t0 … t0 + 1 h 10 min, the testbed's robot merged with the broker's.
      expect(await review.start()).toMatchObject({ state: 'on', files: 1, range: { start: t0, end: t0 + 60_000 } });
      // Nothing of the current source recorded yet (it has just started): said, not the old session shown.
      const fresh = new LiveReview({ server: {}, broadcastFrame: () => undefined, broadcastStatus: () => undefined, recordDir: () => recordDir, sessionFiles: () => [], settings });
      await expect(fresh.start()).rejects.toThrow(/nothing the current source recorded/);
    } finally {
      await review.dispose();
      recorder.close();
    }
  });

  it('says why when the session does not record or the folder has nothing recent', async () => {
    const none = new LiveReview({ server: {}, broadcastFrame: () => undefined, broadcastStatus: () => undefined, recordDir: () => null, sessionFiles: () => null, settings });
    await expect(none.start()).rejects.toThrow(/does not record/);
    const empty = join(dir, 'empty');
    const stale = new LiveReview({ server: {}, broadcastFrame: () => undefined, broadcastStatus: () => undefined, recordDir: () => empty, sessionFiles: () => null, settings });
    await expect(stale.start()).rejects.toThrow(new RegExp(`${empty}`));
  });
});
