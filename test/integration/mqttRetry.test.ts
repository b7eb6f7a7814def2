/**
 * The MQTT source when its broker goes away (a real mosquitto, killed as a crash looks): each
 * failed attempt reports `reconnecting` once, with the reason in `detail` and the next attempt's
 * number and due time in `retry` (views count down to it); nothing is sent while it waits; after
 * the broker is back it is live with no retry pending, and a later loss starts again at attempt 1.
 * Before: `detail` read "…; retry in 8 s" and nothing else told when, so a status bar showed
 * "retry in 8 s" for the whole wait (and "retry in 10 s" for as long as the outage lasted).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceStatus } from '../../common/source.js';
import { MqttSource } from '../../main/sources/mqtt.js';
import { startBroker, type Broker } from '../helpers/mosquitto.js';

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let broker: Broker | null = null;
let source: MqttSource | null = null;
afterEach(async () => {
  await source?.stop();
  await broker?.stop();
  source = null;
  broker = null;
});

describe('MqttSource reconnection status', () => {
  it('reports each retry once with its attempt number and due time, and starts again at 1 after a good connection', async () => {
    broker = await startBroker();
    source = new MqttSource(`${broker.url}/testbed`, { minRetryMs: 200, maxRetryMs: 800 });
    const seen: { s: SourceStatus; at: number }[] = [];
    await source.start({ onBatch: () => {}, onStatus: (s) => seen.push({ s, at: Date.now() }) });
    await until(() => source!.status().state === 'live', 10_000);

    const mark = seen.length;
    await broker.kill();
    await until(() => seen.slice(mark).filter(({ s }) => s.state === 'reconnecting').length >= 4, 15_000);
    const retries = seen.slice(mark).filter(({ s }) => s.state === 'reconnecting');
    expect(retries.slice(0, 4).map(({ s }) => s.retry?.attempt)).toEqual([1, 2, 3, 4]);
    expect(retries.slice(0, 4).map(({ s }) => s.retry?.delayMs)).toEqual([200, 400, 800, 800]);
    for (const { s, at } of retries) {
      expect(Math.abs(s.retry!.at - (at + s.retry!.delayMs))).toBeLessThan(100);
      expect(s.detail).toBeTruthy();
      expect(s.detail).not.toMatch(/retry in/);
    }
    // The refused connects name their reason.
    expect(retries.slice(1).every(({ s }) => /ECONNREFUSED/.test(s.detail ?? ''))).toBe(true);
    // No status flood while waiting: one per attempt (plus none in between).
    expect(seen.slice(mark).length).toBe(retries.length);

    await broker.restart();
    await until(() => source!.status().state === 'live', 15_000);
    expect(source.status().retry).toBeUndefined();
    expect(seen.at(-1)!.s).toMatchObject({ state: 'live' });
    expect(seen.at(-1)!.s.retry).toBeUndefined();

    const again = seen.length;
    await broker.kill();
    await until(() => seen.slice(again).some(({ s }) => s.state === 'reconnecting'), 10_000);
    expect(seen.slice(again).find(({ s }) => s.state === 'reconnecting')!.s.retry).toMatchObject({ attempt: 1, delayMs: 200 });
  });
});
