/** A tiny typed emitter: `add` returns its own disposer (VS Code's Emitter, minus the ceremony). */
import type { Disposer } from '../../common/source.js';

export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(cb: (value: T) => void): Disposer {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Calls every listener; one throwing listener does not starve the others. */
  fire(value: T): void {
    for (const cb of [...this.listeners]) {
      try {
        cb(value);
      } catch (e) {
        console.error('listener failed:', e);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
