/**
 * The positioning service as a worker exposes it (Web Worker `positioning.worker.ts`, Node thread
 * `positioning.thread.ts`): configure once with the registry and the walkable map, then send scan
 * batches; results come back as columns whose buffers are transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { BeaconRegistry, ScanRecord } from '../../common/records.js';
import { PositioningService, type PositioningOptions, type PositioningStats } from './PositioningService.js';

/** Positions of one batch as columns; row i is the fix of `ids[i]` computed from its scan at `t[i]`. */
export interface PositionColumns {
  count: number;
  ids: string[];
  /** Floor name per row, as an index into `floors`. */
  floor: Uint16Array;
  floors: string[];
  /** epoch ms (the scan's t) */
  t: Float64Array;
  /** building frame, metres */
  x: Float32Array;
  y: Float32Array;
  /** metres */
  accuracy: Float32Array;
}

export class PositioningWorkerService {
  private service: PositioningService | null = null;

  /** (Re)configures: a new registry or map starts every device afresh. Throws naming a bad beacon. */
  configure(registry: BeaconRegistry, options: PositioningOptions = {}): { beacons: number; floors: string[] } {
    this.service?.dispose();
    this.service = new PositioningService(registry, options);
    return { beacons: this.service.beacons.size, floors: [...this.service.beacons.floors] };
  }

  processBatch(scans: readonly ScanRecord[]): PositionColumns {
    if (!this.service) throw new Error('PositioningWorkerService: processBatch() before configure()');
    const out = this.service.processBatch(scans);
    const n = out.length;
    const floors = this.service.beacons.floors;
    const index = new Map(floors.map((f, i) => [f, i]));
    const cols: PositionColumns = {
      count: n, ids: new Array<string>(n), floor: new Uint16Array(n), floors: [...floors],
      t: new Float64Array(n), x: new Float32Array(n), y: new Float32Array(n), accuracy: new Float32Array(n),
    };
    out.forEach((p, i) => {
      cols.ids[i] = p.id;
      cols.floor[i] = index.get(p.floor!) ?? 0;
      cols.t[i] = p.t;
      cols.x[i] = p.x!;
      cols.y[i] = p.y!;
      cols.accuracy[i] = p.accuracy!;
    });
    return Comlink.transfer(cols, [cols.floor.buffer, cols.t.buffer, cols.x.buffer, cols.y.buffer, cols.accuracy.buffer]);
  }

  stats(): PositioningStats | null {
    return this.service?.stats() ?? null;
  }

  dispose(): void {
    this.service?.dispose();
    this.service = null;
  }
}
