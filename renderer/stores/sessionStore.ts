/**
 * What the workbench is connected to: the API connection, the session (model, source,
 * recording), the source's live status, and the headline counts from telemetry frames.
 * Render loops and the status bar read it with getState()/subscribe.
 */
import { createStore } from 'zustand/vanilla';
import type { SessionInfo } from '../../common/api.js';
import type { SourceStatus } from '../../common/source.js';
import type { ConnectionStatus } from '../api/ApiTransport.js';

export interface SessionState {
  connection: ConnectionStatus;
  /** Transport in use ("WebSocket", "Electron MessagePort"). */
  transport: string;
  info: SessionInfo | null;
  /** Latest source status (from `source.status` events, frame side-cars or session info). */
  source: SourceStatus | null;
  /** Entities and people (positions) the hub knows, from the latest full telemetry frame. */
  entityCount: number;
  peopleCount: number;
  /** Source time of the latest telemetry frame, epoch ms; NaN before the first. */
  frameTime: number;
  /** Telemetry frames received since the page loaded. */
  frames: number;
}

export const sessionStore = createStore<SessionState>(() => ({
  connection: { state: 'connecting' },
  transport: '',
  info: null,
  source: null,
  entityCount: 0,
  peopleCount: 0,
  frameTime: Number.NaN,
  frames: 0,
}));
