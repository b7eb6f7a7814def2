import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { ApiServer, type ApiConnection } from '../../../../main/host/ApiServer';
import { decodeBinaryEvent } from '../../../../common/api';

function fakeConnection(buffered = 0) {
  const sent: (string | Uint8Array)[] = [];
  const conn: ApiConnection = { id: 't', send: (d) => sent.push(d), bufferedBytes: () => buffered, close: () => {} };
  return { conn, sent, json: () => sent.filter((s): s is string => typeof s === 'string').map((s) => JSON.parse(s)) };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ApiServer', () => {
  it('answers a request with the handler result and validates params at the edge', async () => {
    const server = new ApiServer();
    server.handle('source.setSpeed', z.object({ speed: z.number().positive() }), ({ speed }) => {
      expect(speed).toBe(10);
      return null;
    });
    const { conn, json } = fakeConnection();
    const s = server.attach(conn);
    s.onMessage(JSON.stringify({ type: 'req', id: 1, method: 'source.setSpeed', params: { speed: 10 } }));
    s.onMessage(JSON.stringify({ type: 'req', id: 2, method: 'source.setSpeed', params: { speed: -1 } }));
    s.onMessage(JSON.stringify({ type: 'req', id: 3, method: 'no.such', params: {} }));
    await tick();
    const replies = json().sort((a, b) => a.id - b.id);
    expect(replies[0]).toEqual({ type: 'res', id: 1, ok: true, result: null });
    expect(replies[1]).toMatchObject({ type: 'res', id: 2, ok: false });
    expect(replies[1].error).toContain('speed');
    expect(replies[2]).toMatchObject({ id: 3, ok: false, error: 'unknown method "no.such"' });
  });

  it('turns a throwing handler into an error reply, and ignores malformed frames without crashing', async () => {
    const logs: string[] = [];
    const server = new ApiServer((_l, m) => logs.push(m));
    server.handle('source.pause', z.object({}), () => {
      throw new Error('nothing to pause');
    });
    const { conn, json } = fakeConnection();
    const s = server.attach(conn);
    s.onMessage('{not json');
    s.onMessage(JSON.stringify({ type: 'req', id: 'x' }));
    s.onMessage(JSON.stringify({ type: 'req', id: 9, method: 'source.pause', params: {} }));
    await tick();
    expect(json()).toEqual([{ type: 'res', id: 9, ok: false, error: 'nothing to pause' }]);
    expect(logs.filter((l) => l.includes('malformed'))).toHaveLength(2);
  });

  it('broadcasts events and binary frames, skipping a client that cannot keep up', () => {
    const server = new ApiServer();
    const fast = fakeConnection(0);
    const slow = fakeConnection(64 * 1024 * 1024);
    server.attach(fast.conn);
    server.attach(slow.conn);
    server.broadcast('notice', { level: 'info', message: 'hi' });
    server.broadcastBinary('telemetry', new Uint8Array([1, 2, 3]));
    expect(fast.sent).toHaveLength(2);
    expect(slow.sent).toHaveLength(1);
    expect(server.droppedFrames).toBe(1);
    const frame = fast.sent[1] as Uint8Array;
    const { channel, offset } = decodeBinaryEvent(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer);
    expect(channel).toBe('telemetry');
    expect(offset % 8).toBe(0);
    expect([...frame.subarray(offset)]).toEqual([1, 2, 3]);
  });

  it('refuses to register one method twice', () => {
    const server = new ApiServer();
    server.handle('source.resume', z.object({}), () => null);
    expect(() => server.handle('source.resume', z.object({}), () => null)).toThrow(/twice/);
  });
});
