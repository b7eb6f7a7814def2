/**
 * Electron: the API over the MessagePort the preload posts to the page as `'twin-port'`.
 *
 * Only a same-origin message (the preload's `window.postMessage(…, location.origin)`) with the
 * exact string 'twin-port' and one port is accepted. A reloaded page gets a fresh port from main.
 */
import type { Disposer } from '../../common/source.js';
import type { ApiTransport, ConnectionStatus } from './ApiTransport.js';
import { ListenerSet } from './ListenerSet.js';

export class MessagePortTransport implements ApiTransport {
  readonly kind = 'Electron MessagePort';
  private port: MessagePort | null = null;
  private current: ConnectionStatus = { state: 'connecting', detail: 'waiting for the app port' };
  private listening = false;
  private readonly messages = new ListenerSet<string | { buffer: ArrayBuffer; offset: number; length: number }>();
  private readonly statuses = new ListenerSet<ConnectionStatus>();

  constructor(private readonly win: Window) {}

  connect(): void {
    if (this.listening) return;
    this.listening = true;
    this.win.addEventListener('message', this.onWindowMessage);
  }

  send(text: string): void {
    if (!this.port) throw new Error('MessagePortTransport: no port from the app yet');
    this.port.postMessage(text);
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
    this.win.removeEventListener('message', this.onWindowMessage);
    this.port?.close();
    this.port = null;
    this.messages.clear();
    this.statuses.clear();
  }

  private readonly onWindowMessage = (e: MessageEvent): void => {
    if (e.origin !== this.win.location.origin || e.data !== 'twin-port' || e.ports.length !== 1) return;
    this.port?.close();
    const port = e.ports[0]!;
    this.port = port;
    port.onmessage = (m: MessageEvent<unknown>) => {
      const d = m.data;
      if (typeof d === 'string') this.messages.fire(d);
      else if (d instanceof ArrayBuffer) this.messages.fire({ buffer: d, offset: 0, length: d.byteLength });
      else if (ArrayBuffer.isView(d)) this.messages.fire({ buffer: d.buffer as ArrayBuffer, offset: d.byteOffset, length: d.byteLength });
    };
    port.start();
    this.current = { state: 'connected' };
    this.statuses.fire(this.current);
  };
}
