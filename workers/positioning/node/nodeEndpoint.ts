/**
 * Comlink endpoint over a Node MessagePort / worker_threads port (what comlink's own
 * node-adapter does; it ships as an .mjs without matching types, hence this typed copy).
 * Node delivers the message itself where the DOM delivers an event with `data`.
 */
import type { Endpoint } from 'comlink';

export interface NodePort {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(type: 'message', listener: (data: unknown) => void): void;
  off(type: 'message', listener: (data: unknown) => void): void;
  start?(): void;
}

type Handler = EventListenerOrEventListenerObject;

export function nodeEndpoint(port: NodePort): Endpoint {
  const listeners = new WeakMap<Handler, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer as ArrayBuffer[] | undefined),
    addEventListener: (_type: string, handler: Handler) => {
      const l = (data: unknown) => {
        const ev = { data } as MessageEvent;
        if (typeof handler === 'function') handler(ev);
        else handler.handleEvent(ev);
      };
      port.on('message', l);
      listeners.set(handler, l);
    },
    removeEventListener: (_type: string, handler: Handler) => {
      const l = listeners.get(handler);
      if (!l) return;
      port.off('message', l);
      listeners.delete(handler);
    },
    start: port.start?.bind(port),
  };
}
