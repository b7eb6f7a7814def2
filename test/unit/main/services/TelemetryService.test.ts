import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBinaryEvent, DEFAULT_SETTINGS, type ApiMessage } from '../../../../common/api.js';
import { decodeTelemetryFrame, frameString } from '../../../../common/telemetryFrame.js';
import { ApiServer, type ApiConnection } from '../../../../main/host/ApiServer.js';
import { registerSourceFactory } from '../../../../main/sources/sourceUri.js';
import { TelemetryService } from '../../../../main/services/TelemetryService.js';
import { summariseRecording } from '../../../../main/recording/summariseRecording.js';
import { ScriptedSource } from '../../../helpers/scriptedSource.js';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);


let last: ScriptedSource | null = null;
registerSourceFactory('ngsi-ld', (uri) => (last = new ScriptedSource(uri)));

function page(api: ApiServer) {
  const texts: ApiMessage[] = [];
  const binaries: Uint8Array[] = [];
  const conn: ApiConnection = {
    id: 'p1',
    send: (d) => (typeof d === 'string' ? texts.push(JSON.parse(d)) : binaries.push(d)),
    bufferedBytes: () => 0,
    close: () => {},
  };
  const h = api.attach(conn);
  let id = 0;
  const call = async (method: string, params: unknown = {}) => {
    const myId = ++id;
    h.onMessage(JSON.stringify({ type: 'req', id: myId, method, params }));
    for (let i = 0; i < 200; i++) {
      const res = texts.find((m) => m.type === 'res' && m.id === myId);
      if (res) return res;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no response to ${method}`);
  };
  return { texts, binaries, call };
}

let service: TelemetryService | null = null;
afterEach(async () => {
  await service?.dispose();
  service = null;
});

describe('TelemetryService', () => {
  it('connects a source, sends coalesced binary frames and alert events to pages, records, lists and acknowledges alerts', async () => {
    const api = new ApiServer();
    const dir = mkdtempSync(join(tmpdir(), 'twin-tsvc-'));
    service = new TelemetryService({ api, log: () => {}, settings: () => DEFAULT_SETTINGS, model: () => ({ name: 'm.ifc', hash: 'h' }), recordDir: dir });
    const p = page(api);
    const res = await p.call('source.connect', { uri: 'ngsi-ld:http://scripted' });
    expect(res).toMatchObject({ ok: true, result: { uri: 'ngsi-ld:http://scripted', state: 'live' } });
    await last!.listener!.onBatch([
      { kind: 'state', record: { id: 'robot-1', kind: 'robot', t: T0, x: 1, y: 2, state: 'error', error: 'lidar' } },
      { kind: 'state', record: { id: 'robot-2', kind: 'robot', t: T0, x: 3, y: 4, battery: 0.5 } },
    ]);
    await new Promise((r) => setTimeout(r, 120));
    expect(p.binaries.length).toBeGreaterThan(0);
    const ev = decodeBinaryEvent(p.binaries.at(-1)!.slice().buffer as ArrayBuffer);
    expect(ev.channel).toBe('telemetry');
    const frames = p.binaries.map((b) => {
      const e = decodeBinaryEvent(b.slice().buffer as ArrayBuffer);
      return decodeTelemetryFrame(e.payload, e.offset);
    });
    const ids = new Set(frames.flatMap((f) => [...f.entities.id].map((i) => frameString(f, i))));
    expect(ids).toEqual(new Set(['robot-1', 'robot-2']));
    const alertEvents = p.texts.filter((m) => m.type === 'event' && m.channel === 'alert');
    expect(alertEvents).toHaveLength(1);

    const list = await p.call('alerts.list');
    expect(list.type === 'res' && list.ok && (list.result as { code: string }[]).map((a) => a.code)).toEqual(['error']);
    const alertId = (list as { result: { id: string }[] }).result[0]!.id;
    expect(await p.call('alerts.acknowledge', { id: alertId })).toMatchObject({ ok: true });
    expect(await p.call('alerts.acknowledge', { id: 'nope' })).toMatchObject({ ok: false, error: 'no active alert "nope"' });
    await new Promise((r) => setTimeout(r, 80));
    expect(p.texts.some((m) => m.type === 'event' && m.channel === 'alert' && (m.payload as { acknowledged?: boolean }).acknowledged === true)).toBe(true);
    expect(await p.call('source.seek', { t: T0 })).toMatchObject({ ok: false });
    expect(await p.call('source.connect', { uri: 'gopher://x' })).toMatchObject({ ok: false, error: expect.stringMatching(/unknown scheme/) });

    await p.call('source.disconnect');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const s = await summariseRecording(join(dir, files[0]!));
    expect(s.truncated).toBe(false);
    expect(s.entities).toEqual({ robot: 2 });
    expect(s.metadata.twin).toMatchObject({ source: 'ngsi-ld:http://scripted', model: 'm.ifc', modelHash: 'h' });
  });
  it('tells pages the live recording’s growing size (the status bar showed the size at connect time for the whole session)', async () => {
    const api = new ApiServer();
    const dir = mkdtempSync(join(tmpdir(), 'twin-tsvc-rec-'));
    service = new TelemetryService({ api, log: () => {}, settings: () => DEFAULT_SETTINGS, model: () => ({ name: 'm.ifc', hash: 'h' }), recordDir: dir });
    const p = page(api);
    await p.call('source.connect', { uri: 'ngsi-ld:http://scripted' });
    const recordingEvents = () => p.texts.flatMap((m) => (m.type === 'event' && m.channel === 'recording.status' ? [m.payload as { file: string | null; bytes: number }] : []));
    for (let s = 0; s < 30; s++) {
      await last!.listener!.onBatch(Array.from({ length: 200 }, (_, i) => ({ kind: 'state' as const, record: { id: `robot-${i}`, kind: 'robot', t: T0 + s * 100, x: i, y: s, task: 'x'.repeat(200) } })));
      await new Promise((r) => setTimeout(r, 100));
    }
    // Within a status period (1 s) of the last write, pages have the size the recorder has.
    await expect.poll(() => recordingEvents().at(-1)?.bytes, { timeout: 3000 }).toBe(service.recording()!.bytes);
    const events = recordingEvents();
    expect(events.at(-1)!.file).toMatch(/\.mcap$/);
    expect(events.at(-1)!.bytes).toBeGreaterThan(10_000);
    expect(events.length).toBeGreaterThan(1);
  });
});
