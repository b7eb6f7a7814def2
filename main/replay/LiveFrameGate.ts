/**
 * Whether the live pipeline's telemetry frames reach the pages of one API server. While a live
 * review (LiveReview.ts) shows the recent past, the live frames are held back (the live pipeline
 * keeps running and recording); back to live, delta frames are still dropped until the live hub's
 * next full frame (at most its 2 s full-frame period), so the page never applies a delta on top
 * of the reviewed twin.
 */
import { FRAME_FULL } from '../../common/telemetryFrame.js';

export type GateState = 'open' | 'held' | 'awaiting-full';

export class LiveFrameGate {
  private static readonly gates = new WeakMap<object, LiveFrameGate>();
  state: GateState = 'open';

  /** The gate of an API server (one per server, created on first use). */
  static for(server: object): LiveFrameGate {
    let g = LiveFrameGate.gates.get(server);
    if (!g) LiveFrameGate.gates.set(server, (g = new LiveFrameGate()));
    return g;
  }

  hold(): void {
    this.state = 'held';
  }

  release(): void {
    if (this.state === 'held') this.state = 'awaiting-full';
  }

  /** Whether this live frame (common/telemetryFrame.ts encoding) goes to the pages. */
  pass(frame: Uint8Array): boolean {
    switch (this.state) {
      case 'open':
        return true;
      case 'held':
        return false;
      case 'awaiting-full': {
        const full = frame.byteLength >= 8 && (new DataView(frame.buffer, frame.byteOffset, 8).getUint16(6, true) & FRAME_FULL) !== 0;
        if (full) this.state = 'open';
        return full;
      }
    }
  }
}

/** The hook the live telemetry service calls for each frame (main/services/TelemetryService.ts). */
export function liveFramePasses(server: object, frame: Uint8Array): boolean {
  return LiveFrameGate.for(server).pass(frame);
}
