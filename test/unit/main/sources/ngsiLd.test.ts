/**
 * NGSI-LD source against a fake broker written here: handwritten payloads following the ETSI
 * NGSI-LD API (GS CIM 009): paged GET /ngsi-ld/v1/entities, POST /ngsi-ld/v1/subscriptions
 * (201 + Location), notifications POSTed to the subscription's endpoint, DELETE on stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CountRecord, StateRecord, TelemetryRecord } from '../../../../common/records.js';
import type { SourceStatus } from '../../../../common/source.js';
import { mapNgsiEntity, NgsiLdSource, parseNgsiLdUri } from '../../../../main/sources/ngsiLd.js';

const OBS = '2026-11-24T03:00:00.000Z';
const T = Date.parse(OBS);

/** 150 normalized Vehicle entities (two pages of 100) + one Robot in keyValues + one unmapped. */
function vehicles() {
  return Array.from({ length: 150 }, (_, i) => ({
    id: `urn:ngsi-ld:Vehicle:bus-${i}`,
    type: 'Vehicle',
    vehicleType: { type: 'Property', value: 'bus' },
    location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [139.7798, 35.5494] }, observedAt: OBS },
    speed: { type: 'Property', value: 36, observedAt: OBS, unitCode: 'KMH' },
    heading: { type: 'Property', value: 90 },
    serviceStatus: { type: 'Property', value: 'onRoute' },
  }));
}

interface Fake {
  server: Server;
  url: string;
  subscriptions: { body: Record<string, unknown> }[];
  deleted: string[];
  queries: string[];
  failFirst: number;
  /** Subscriptions the broker holds now (cleared: a restart that lost them). */
  known: Set<string>;
  /** GETs of a subscription (the source's liveness checks). */
  checks: number;
}

async function fakeBroker(failFirst = 0): Promise<Fake> {
  const fake: Fake = { server: null!, url: '', subscriptions: [], deleted: [], queries: [], failFirst, known: new Set(), checks: 0 };
  fake.server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    let body = '';
    for await (const c of req) body += c;
    if (req.method === 'GET' && url.pathname === '/ngsi-ld/v1/entities') {
      if (fake.failFirst > 0) {
        fake.failFirst--;
        res.writeHead(503).end();
        return;
      }
      fake.queries.push(url.search);
      const type = url.searchParams.get('type');
      const limit = Number(url.searchParams.get('limit'));
      const offset = Number(url.searchParams.get('offset'));
      let all: unknown[] = [];
      if (type === 'Vehicle') all = vehicles();
      if (type === 'Robot') all = [{ id: 'urn:ngsi-ld:Robot:robot-07', type: 'Robot', robotType: 'delivery', batteryLevel: 76, x: 12.3, y: 45.6, floor: '2F', robotState: 'moving', speed: 0.8, dateObserved: OBS }];
      if (type === 'WeatherObserved') all = [{ id: 'urn:ngsi-ld:WeatherObserved:w1', type: 'WeatherObserved', temperature: 20 }];
      res.writeHead(200, { 'Content-Type': 'application/ld+json' }).end(JSON.stringify(all.slice(offset, offset + limit)));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/ngsi-ld/v1/subscriptions') {
      const parsed = JSON.parse(body);
      fake.subscriptions.push({ body: parsed });
      fake.known.add(parsed.id);
      res.writeHead(201, { Location: `/ngsi-ld/v1/subscriptions/${encodeURIComponent(parsed.id)}` }).end();
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/ngsi-ld/v1/subscriptions/')) {
      fake.checks++;
      const id = decodeURIComponent(url.pathname.split('/').pop()!);
      if (fake.known.has(id)) res.writeHead(200, { 'Content-Type': 'application/ld+json' }).end(JSON.stringify({ id, type: 'Subscription' }));
      else res.writeHead(404).end();
      return;
    }
    if (req.method === 'DELETE' && url.pathname.startsWith('/ngsi-ld/v1/subscriptions/')) {
      fake.deleted.push(decodeURIComponent(url.pathname.split('/').pop()!));
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

let fake: Fake | null = null;
let source: NgsiLdSource | null = null;
afterEach(async () => {
  await source?.stop();
  const f = fake;
  if (f) await new Promise((r) => f.server.close(r));
  source = null;
  fake = null;
});

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('NGSI-LD source', () => {
  it('parses the URI with types and defaults', () => {
    expect(parseNgsiLdUri('ngsi-ld:http://broker:1026?type=Device,Vehicle')).toEqual({ broker: 'http://broker:1026', types: ['Device', 'Vehicle'], notify: null });
    expect(parseNgsiLdUri('ngsi-ld:http://broker:1026').types).toContain('PeopleFlowObserved');
    expect(() => parseNgsiLdUri('ngsi-ld:ftp://x')).toThrow(/http/);
  });

  it('maps Smart Data Models in normalized and keyValues form', () => {
    const bus = mapNgsiEntity(vehicles()[0]!, 0);
    expect(bus).toEqual({ kind: 'state', value: { id: 'bus-0', t: T, kind: 'bus', type: 'bus', lon: 139.7798, lat: 35.5494, heading: 90, speed: 10, state: 'moving' } });
    const crowd = mapNgsiEntity({ id: 'urn:ngsi-ld:CrowdFlowObserved:c1', type: 'CrowdFlowObserved', refZone: 'urn:ngsi-ld:Zone:2F-atrium', peopleCount: 37, dateObserved: OBS }, 0);
    expect(crowd).toEqual({ kind: 'count', value: { zone: '2F-atrium', t: OBS, count: 37 } });
    const device = mapNgsiEntity({ id: 'urn:ngsi-ld:Device:co2-1', type: 'Device', category: { type: 'Property', value: ['sensor'] }, batteryLevel: { type: 'Property', value: 0.9 }, dateObserved: { type: 'Property', value: { '@type': 'DateTime', '@value': OBS } } }, 0);
    expect(device).toMatchObject({ kind: 'state', value: { id: 'co2-1', kind: 'sensor', type: 'sensor', battery: 0.9, t: OBS } });
    expect(mapNgsiEntity({ id: 'urn:x', type: 'Parking' }, 0)).toMatchObject({ kind: 'unmapped' });
  });

  it('queries every page, subscribes, receives notifications, rejects what it cannot map, and unsubscribes on stop', async () => {
    fake = await fakeBroker();
    source = new NgsiLdSource(`ngsi-ld:${fake.url}?type=Vehicle,Robot,WeatherObserved`);
    const got: TelemetryRecord[] = [];
    const statuses: SourceStatus[] = [];
    await source.start({ onBatch: (b) => void got.push(...b), onStatus: (s) => statuses.push(s) });
    await until(() => statuses.some((s) => s.state === 'live'));
    expect(fake.queries.filter((q) => q.includes('type=Vehicle'))).toEqual(['?type=Vehicle&limit=100&offset=0', '?type=Vehicle&limit=100&offset=100']);
    const states = got.filter((r) => r.kind === 'state').map((r) => r.record as StateRecord);
    expect(states).toHaveLength(151);
    expect(states.find((s) => s.id === 'robot-07')).toMatchObject({ kind: 'robot', type: 'delivery', battery: 0.76, floor: '2F', x: 12.3, state: 'moving', t: T });
    expect(got.filter((r) => r.kind === 'rejected').map((r) => (r.record as { reason: string }).reason)).toEqual([expect.stringMatching(/^unmapped NGSI-LD type — WeatherObserved/)]);

    const sub = fake.subscriptions[0]!.body as { entities: { type: string }[]; notification: { endpoint: { uri: string }; format: string }; type: string };
    expect(sub.type).toBe('Subscription');
    expect(sub.entities).toEqual([{ type: 'Vehicle' }, { type: 'Robot' }, { type: 'WeatherObserved' }]);
    expect(sub.notification.format).toBe('normalized');
    const endpoint = sub.notification.endpoint.uri;

    got.length = 0;
    const notify = (body: string) => fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const r1 = await notify(JSON.stringify({
      id: 'urn:ngsi-ld:Notification:1', type: 'Notification', subscriptionId: 'x', notifiedAt: '2026-11-24T03:00:05.000Z',
      data: [
        { id: 'urn:ngsi-ld:Vehicle:bus-3', type: 'Vehicle', vehicleType: { type: 'Property', value: 'bus' }, speed: { type: 'Property', value: 18, observedAt: '2026-11-24T03:00:04.000Z' }, location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [139.78, 35.55] } } },
        { id: 'urn:ngsi-ld:PeopleFlowObserved:p1', type: 'PeopleFlowObserved', refZone: 'urn:ngsi-ld:Zone:1F-lobby-W', peopleCount: { type: 'Property', value: 12 } },
        { id: 'urn:ngsi-ld:Robot:r9', type: 'Robot', batteryLevel: { type: 'Property', value: 'full' } },
      ],
    }));
    expect(r1.status).toBe(204);
    const r2 = await notify('{not json');
    expect(r2.status).toBe(400);
    await until(() => got.length >= 4);
    const bus = got.find((r) => r.kind === 'state')!.record as StateRecord;
    expect(bus).toMatchObject({ id: 'bus-3', kind: 'bus', speed: 5, t: Date.parse('2026-11-24T03:00:04.000Z'), lat: 35.55, lon: 139.78 });
    const count = got.find((r) => r.kind === 'count')!.record as CountRecord;
    expect(count).toEqual({ zone: '1F-lobby-W', t: Date.parse('2026-11-24T03:00:05.000Z'), count: 12 });
    const reasons = got.filter((r) => r.kind === 'rejected').map((r) => (r.record as { reason: string }).reason);
    expect(reasons).toEqual([expect.stringMatching(/^invalid state: battery/), expect.stringMatching(/^invalid JSON/)]);
    expect(source.status()).toMatchObject({ state: 'live', rejected: 3 });
    expect(source.status().rejectReasons).toMatchObject({ 'invalid JSON': 1, 'invalid state: battery': 1 });
    // A notification over the size taken: 413, and counted and kept like other refused input (it was only answered).
    const big = await notify(`{"data":[${'{"id":"urn:x","type":"Device"},'.repeat(600_000)}]}`).catch(() => null);
    if (big) expect(big.status).toBe(413);
    await until(() => source!.status().rejected === 4);
    expect(source.status().rejectReasons).toMatchObject({ 'NGSI-LD notification over 16 MiB': 1 });

    const subId = (fake.subscriptions[0]!.body as { id: string }).id;
    await source.stop();
    expect(fake.deleted).toEqual([subId]);
  });

  it('retries with backoff while the broker answers with errors: the reason, the attempt and when it is due', async () => {
    fake = await fakeBroker(2);
    source = new NgsiLdSource(`ngsi-ld:${fake.url}?type=Robot`);
    const statuses: { s: SourceStatus; at: number }[] = [];
    await source.start({ onBatch: () => {}, onStatus: (s) => statuses.push({ s, at: Date.now() }) });
    await until(() => statuses.some(({ s }) => s.state === 'live'), 15_000);
    // One status per failure (none while waiting), each with the next attempt's number and due
    // time, so a view can count down; the reason alone in `detail` (no frozen "retry in 1 s").
    const retries = statuses.filter(({ s }) => s.state === 'reconnecting');
    expect(retries.length).toBe(2);
    expect(retries.map(({ s }) => s.detail)).toEqual([expect.stringMatching(/HTTP 503$/), expect.stringMatching(/HTTP 503$/)]);
    expect(retries.map(({ s }) => [s.retry?.attempt, s.retry?.delayMs])).toEqual([[1, 500], [2, 1000]]);
    for (const { s, at } of retries) expect(Math.abs(s.retry!.at - (at + s.retry!.delayMs))).toBeLessThan(100);
    const live = statuses.find(({ s }) => s.state === 'live')!.s;
    expect(live.retry).toBeUndefined();
  });

  it('gives up on an answer that never ends, says so and retries; stop() ends a request in flight at once', async () => {
    // A broker that takes the query and streams an endless page: once held the source in 'connecting' for good.
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/ld+json' });
      res.write('[');
      const timer = setInterval(() => res.write(JSON.stringify(vehicles()[0]) + ','), 20);
      req.socket.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      source = new NgsiLdSource(`ngsi-ld:${url}?type=Vehicle`, fetch, { requestTimeoutMs: 300 });
      const statuses: SourceStatus[] = [];
      const t0 = Date.now();
      await source.start({ onBatch: () => {}, onStatus: (s) => statuses.push(s) });
      expect(Date.now() - t0).toBeLessThan(3000);
      const retry = statuses.find((s) => s.state === 'reconnecting');
      expect(retry?.detail).toMatch(/no complete answer within 0\.3 s$/);
      expect(retry?.retry?.attempt).toBe(1);
      // The second attempt is in flight or due: stop() returns at once either way.
      await until(() => statuses.filter((s) => s.state === 'reconnecting').length >= 2, 5000);
      const s0 = Date.now();
      await source.stop();
      expect(Date.now() - s0).toBeLessThan(1000);
      expect(source.status().state).toBe('stopped');
      // An answer over the size taken is refused too, by its declared length.
      const big = createServer((_req, res) => res.writeHead(200, { 'Content-Length': String(64 * 1024 * 1024) }).write('['));
      await new Promise<void>((r) => big.listen(0, '127.0.0.1', () => r()));
      try {
        source = new NgsiLdSource(`ngsi-ld:http://127.0.0.1:${(big.address() as AddressInfo).port}?type=Vehicle`, fetch, { requestTimeoutMs: 2000 });
        const st: SourceStatus[] = [];
        await source.start({ onBatch: () => {}, onStatus: (s) => st.push(s) });
        expect(st.find((s) => s.state === 'reconnecting')?.detail).toMatch(/the answer is 64\.0 MiB, over the 16 MiB taken$/);
        await source.stop();
      } finally {
        big.closeAllConnections();
        await new Promise((r) => big.close(r));
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('notices while live that the broker restarted without its subscription, or went away, and subscribes again', async () => {
    fake = await fakeBroker();
    source = new NgsiLdSource(`ngsi-ld:${fake.url}?type=Robot`, fetch, { checkMs: 150 });
    const statuses: SourceStatus[] = [];
    await source.start({ onBatch: () => {}, onStatus: (s) => statuses.push(s) });
    await until(() => statuses.some((s) => s.state === 'live'));
    await until(() => fake!.checks >= 2); // checked, and all is well: still live, one subscription
    expect(source.status().state).toBe('live');
    expect(fake.subscriptions).toHaveLength(1);
    // The broker restarts and has lost the subscription: no notification would ever come again.
    const first = fake.subscriptions[0]!.body.id as string;
    fake.known.clear();
    await until(() => statuses.some((s) => s.state === 'reconnecting'));
    expect(statuses.find((s) => s.state === 'reconnecting')!.detail).toBe(`the broker no longer has subscription ${first} (restarted?)`);
    await until(() => fake!.subscriptions.length === 2 && source!.status().state === 'live');
    expect(fake.queries.length).toBe(2); // the entities were read again
    expect(fake.deleted).toContain(first); // the old one is dropped, in case the broker still had it
    // The broker goes away altogether.
    const f = fake;
    fake = null;
    f.server.closeAllConnections();
    await new Promise((r) => f.server.close(r));
    const n = statuses.length;
    await until(() => statuses.slice(n).some((s) => s.state === 'reconnecting'));
    expect(statuses.slice(n).find((s) => s.state === 'reconnecting')!.detail).toMatch(/^broker unreachable: /);
  });
});
