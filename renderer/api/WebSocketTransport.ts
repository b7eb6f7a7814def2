/**
 * Web mode: the API over a WebSocket to `twin serve` at `/api/ws?token=…`.
 *
 * The token comes from the page URL (`?token=` as printed by `twin serve`). A dropped socket is
 * retried with exponential backoff (0.5 s doubling to 10 s, reset after a good connection) so a
 * restarted host is picked up without reloading the page. While it waits the status is
 * `reconnecting` with the next attempt's number and due time (`retry`; the status bar counts
 * down); each attempt reports `connecting` with the same attempt number.
 *
 * `twin serve` makes a new token each time it starts, so a page left open across a restart can never get
 * in again. When an attempt fails before the socket opened, the transport asks the host over HTTP whether
 * the token is the problem (`/api/token`, 403 when it is not this host's); if so it stops retrying and
 * reports `disconnected` with what to do, instead of counting down to attempts that cannot succeed.
 */
import { RetryBackoff, type RetrySchedule } from '../../common/retry.js';
import type { Disposer } from '../../common/source.js';
import type { ApiTransport, ConnectionStatus } from './ApiTransport.js';
import { ListenerSet } from './ListenerSet.js';

/** What the page says when the host refuses its token. */
export const TOKEN_REFUSED = "the workbench refused this page's token: twin serve makes a new one each time it starts, so open the address it printed (with its ?token=)";

export class WebSocketTransport implements ApiTransport {
  readonly kind = 'WebSocket';
  private ws: WebSocket | null = null;
  private current: ConnectionStatus = { state: 'connecting' };
  private readonly backoff = new RetryBackoff(500, 10_000);
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly messages = new ListenerSet<string | { buffer: ArrayBuffer; offset: number; length: number }>();
  private readonly statuses = new ListenerSet<ConnectionStatus>();

  private refused = false;

  /** `url`: ws://host/api/ws?token=… (see `fromLocation`). */
  /** `now`: the clock the retries are scheduled on (tests pass a fake one). */
  /** `fetchFn`: how the token is checked after a failed attempt (tests pass a fake one). */
  constructor(
    private readonly url: string | null,
    private readonly missingReason = '',
    private readonly now: () => number = Date.now,
    private readonly fetchFn: (url: string) => Promise<{ status: number }> = (u) => fetch(u, { cache: 'no-store' }),
  ) {}

  /** Builds the transport from the page address; without a token it reports why it cannot connect. */
  static fromLocation(loc: Location): WebSocketTransport {
    const token = new URLSearchParams(loc.search).get('token');
    if (!token) return new WebSocketTransport(null, 'no ?token= in the page address: open the URL that twin serve printed');
    const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    return new WebSocketTransport(`${proto}//${loc.host}/api/ws?token=${encodeURIComponent(token)}`);
  }

  connect(): void {
    if (this.disposed || this.ws) return;
    if (!this.url) return this.setStatus({ state: 'disconnected', detail: this.missingReason });
    if (this.refused) return;
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.backoff.reset();
      this.setStatus({ state: 'connected' });
    };
    ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
      const d = e.data;
      this.messages.fire(typeof d === 'string' ? d : { buffer: d, offset: 0, length: d.byteLength });
    };
    ws.onclose = (e) => {
      this.ws = null;
      if (this.disposed || this.refused) return;
      const why = e.code === 1006 ? 'connection lost' : `closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`;
      const retry: RetrySchedule = this.backoff.next(this.now());
      this.setStatus({ state: 'reconnecting', detail: why, retry });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.setStatus({ state: 'connecting', detail: why, retry });
        this.connect();
      }, retry.delayMs);
      if (!opened && e.code === 1006) void this.checkToken();
    };
  }

  /** After an attempt that never opened: is it the token? (A host that is down or busy is retried as before.) */
  private async checkToken(): Promise<void> {
    const url = this.url!.replace(/^ws/, 'http').replace('/api/ws?', '/api/token?');
    let status: number;
    try {
      status = (await this.fetchFn(url)).status;
    } catch {
      return; // unreachable: the retries go on
    }
    if (status !== 403 || this.disposed || this.refused) return;
    this.refused = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.ws) {
      this.ws.onclose = null; // an attempt under way when the answer came: closed quietly, no retry after it
      this.ws.close();
      this.ws = null;
    }
    this.setStatus({ state: 'disconnected', detail: TOKEN_REFUSED });
  }

  send(text: string): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new Error(`WebSocketTransport: ${this.current.state}`);
    this.ws.send(text);
  }

  onMessage(cb: (data: string | { buffer: ArrayBuffer; offset: number; length: number }) => void): Disposer {
    return this.messages.add(cb);
  }

  onStatus(cb: (status: ConnectionStatus) => void): Disposer {
    return this.statuses.add(cb);
  }

  status(): ConnectionStatus {
    return this.current;
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close();
    this.ws = null;
    this.messages.clear();
    this.statuses.clear();
  }

  private setStatus(s: ConnectionStatus): void {
    this.current = s;
    this.statuses.fire(s);
  }
}
