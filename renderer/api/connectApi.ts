/** Picks the transport for where the page runs: Electron (preload present) or a browser (`twin serve`). */
import { ApiClient } from './ApiClient.js';
import { MessagePortTransport } from './MessagePortTransport.js';
import { WebSocketTransport } from './WebSocketTransport.js';

/** What the Electron preload exposes (main/electron/preload.ts). */
export interface TwinElectronBridge {
  isElectron: true;
  platform?: string;
}

export function isElectron(win: Window): boolean {
  return (win as Window & { twinElectron?: TwinElectronBridge }).twinElectron?.isElectron === true;
}

export function connectApi(win: Window): ApiClient {
  const transport = isElectron(win) ? new MessagePortTransport(win) : WebSocketTransport.fromLocation(win.location);
  return new ApiClient(transport);
}
