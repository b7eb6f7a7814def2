/**
 * A way for the page to reach the main-side API (common/api.ts): a WebSocket to `twin serve`
 * (web mode) or the MessagePort the Electron preload hands over. The client above it does not
 * know which one it has.
 */
import type { RetrySchedule } from '../../common/retry.js';
import type { Disposer } from '../../common/source.js';

/** Connection lifecycle as the page shows it in the status bar. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why, for the status bar tooltip: "connection lost", "no token in the page URL", … */
  detail?: string;
  /** While `reconnecting`: the next attempt and when it is due (the status bar counts down to it). */
  retry?: RetrySchedule;
}

export interface ApiTransport {
  /** Human-readable name shown in the About dialog ("WebSocket", "Electron MessagePort"). */
  readonly kind: string;
  /** Starts connecting; idempotent. */
  connect(): void;
  /** Sends one JSON text frame. Throws when not connected (the client turns that into a rejected call). */
  send(text: string): void;
  /** Text frames arrive as string; binary frames as bytes (buffer + byte offset of the frame). */
  onMessage(cb: (data: string | { buffer: ArrayBuffer; offset: number; length: number }) => void): Disposer;
  onStatus(cb: (status: ConnectionStatus) => void): Disposer;
  status(): ConnectionStatus;
  dispose(): void;
}
