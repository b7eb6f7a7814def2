/**
 * The page's WebSocket to `twin serve` when the host goes away: each drop reports `reconnecting`
 * with the reason and the next attempt (number, due time) for the status bar's countdown, each
 * attempt `connecting` with that number, and a good connection starts the count again.
 * Before: the detail read "connection lost; retry in 0.5 s" (a figure frozen in the text).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../../../../renderer/api/ApiTransport.js';
import { TOKEN_REFUSED, WebSocketTransport } from '../../../../renderer/api/WebSocketTransport.js';

/** Just enough of a browser WebSocket for the transport: the test opens and closes it. */
class FakeSocket {
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  onopen: (() => void) | null = null;
  onmessage: ((e: unknown) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  close(): void {}
  send(): void {}
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  FakeSocket.made = [];
  vi.stubGlobal('WebSocket', FakeSocket);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('WebSocketTransport reconnection', () => {
  it('schedules attempts 1, 2, 3 with doubling waits, reports each, and starts again at 1 after a good connection', () => {
    const t = new WebSocketTransport('ws://h/api/ws?token=x');
    const seen: ConnectionStatus[] = [];
    t.onStatus((s) => seen.push(s));
    t.connect();
    FakeSocket.made[0]!.open();
    expect(seen.at(-1)).toEqual({ state: 'connected' });

    FakeSocket.made[0]!.drop();
    expect(seen.at(-1)).toEqual({ state: 'reconnecting', detail: 'connection lost', retry: { attempt: 1, at: 1_000_500, delayMs: 500 } });
    const before = seen.length;
    vi.advanceTimersByTime(499);
    expect(seen.length).toBe(before); // nothing sent while waiting
    vi.advanceTimersByTime(1);
    expect(seen.at(-1)).toMatchObject({ state: 'connecting', retry: { attempt: 1 } });
    FakeSocket.made[1]!.drop();
    expect(seen.at(-1)).toEqual({ state: 'reconnecting', detail: 'connection lost', retry: { attempt: 2, at: 1_000_500 + 1000, delayMs: 1000 } });
    vi.advanceTimersByTime(1000);
    FakeSocket.made[2]!.drop(1011);
    expect(seen.at(-1)).toMatchObject({ state: 'reconnecting', detail: 'closed (1011)', retry: { attempt: 3, delayMs: 2000 } });
    vi.advanceTimersByTime(2000);
    FakeSocket.made[3]!.open();
    expect(seen.at(-1)).toEqual({ state: 'connected' });

    FakeSocket.made[3]!.drop();
    expect(seen.at(-1)!.retry).toMatchObject({ attempt: 1, delayMs: 500 });
    t.dispose();
  });

  it('a token the host refuses (a restarted twin serve) stops the retries and says what to do', async () => {
    const asked: string[] = [];
    const t = new WebSocketTransport('ws://h:8/api/ws?token=old', '', Date.now, async (u) => (asked.push(u), { status: 403 }));
    const seen: ConnectionStatus[] = [];
    t.onStatus((s) => seen.push(s));
    t.connect();
    FakeSocket.made[0]!.drop(); // refused upgrade: the browser reports 1006 before any open
    expect(seen.at(-1)).toMatchObject({ state: 'reconnecting' });
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual(['http://h:8/api/token?token=old']);
    expect(seen.at(-1)).toEqual({ state: 'disconnected', detail: TOKEN_REFUSED });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made.length).toBe(1); // no attempt that could not succeed
    t.connect();
    expect(FakeSocket.made.length).toBe(1);
    t.dispose();
  });

  it('a refusal that comes back while the next attempt is under way closes it quietly', async () => {
    let answer: (r: { status: number }) => void = () => undefined;
    const t = new WebSocketTransport('ws://h/api/ws?token=old', '', Date.now, () => new Promise((r) => (answer = r)));
    const seen: ConnectionStatus[] = [];
    t.onStatus((s) => seen.push(s));
    t.connect();
    FakeSocket.made[0]!.drop();
    await vi.advanceTimersByTimeAsync(500); // the slow answer is still out; attempt 2 starts
    expect(FakeSocket.made.length).toBe(2);
    const second = FakeSocket.made[1]!;
    second.close = () => second.drop(); // a browser fires close (1006) on a socket closed while connecting
    answer({ status: 403 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.at(-1)).toEqual({ state: 'disconnected', detail: TOKEN_REFUSED });
    expect(FakeSocket.made.length).toBe(2);
    t.dispose();
  });

  it('a host that is down, or a drop after a good connection, is retried without blaming the token', async () => {
    const asked: string[] = [];
    const t = new WebSocketTransport('wss://h/api/ws?token=x', '', Date.now, async (u) => {
      asked.push(u);
      throw new TypeError('Failed to fetch');
    });
    const seen: ConnectionStatus[] = [];
    t.onStatus((s) => seen.push(s));
    t.connect();
    FakeSocket.made[0]!.drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(asked).toEqual(['https://h/api/token?token=x']);
    expect(FakeSocket.made.length).toBe(2);
    FakeSocket.made[1]!.open();
    FakeSocket.made[1]!.drop(); // it had opened: no question about the token
    await vi.advanceTimersByTimeAsync(0);
    expect(asked.length).toBe(1);
    expect(seen.at(-1)).toMatchObject({ state: 'reconnecting', detail: 'connection lost' });
    t.dispose();
  });

  it('a token the host accepts (the refusal was something else) keeps the retries going', async () => {
    const t = new WebSocketTransport('ws://h/api/ws?token=x', '', Date.now, async () => ({ status: 200 }));
    t.connect();
    FakeSocket.made[0]!.drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.made.length).toBe(2);
    expect(t.status().state).toBe('connecting');
    t.dispose();
  });
});
