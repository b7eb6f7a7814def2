/**
 * The beacon registry as columns (hot path: the filter reads beacon x/y/txPower per particle),
 * plus the floor name ↔ index table shared by the filter, the baseline and the output.
 */
import type { BeaconRegistry } from '../../common/records.js';

export class BeaconTable {
  readonly ids: string[];
  /** Building frame, metres. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Expected RSSI at 1 m, dBm. */
  readonly txPower: Float32Array;
  /** Index into `floors`. */
  readonly floor: Int16Array;
  /** (beacon height − phone height)², m²: registry `z` is height above the beacon's floor level. */
  readonly dz2: Float32Array;
  /** Floor names; bottom-up when the caller gave an order, else first-seen order. */
  readonly floors: string[];
  private readonly index = new Map<string, number>();
  private readonly floorIndex = new Map<string, number>();

  /**
   * @param phoneHeightM phone height above its floor, m; @param defaultBeaconHeightM for beacons without `z`
   * @param floorOrder known floor names bottom-up (e.g. storeys of the model); floors that only
   *   the registry names are appended after them.
   */
  constructor(registry: BeaconRegistry, floorOrder: readonly string[] = [], phoneHeightM = 1.2, defaultBeaconHeightM = 2.5) {
    this.floors = [];
    for (const f of floorOrder) this.addFloor(f);
    const n = registry.beacons.length;
    this.ids = new Array<string>(n);
    this.x = new Float32Array(n);
    this.y = new Float32Array(n);
    this.txPower = new Float32Array(n);
    this.floor = new Int16Array(n);
    this.dz2 = new Float32Array(n);
    registry.beacons.forEach((b, i) => {
      if (this.index.has(b.id)) throw new Error(`BeaconTable: beacon id "${b.id}" appears twice in the registry (beacons[${i}])`);
      this.index.set(b.id, i);
      this.ids[i] = b.id;
      this.x[i] = b.x;
      this.y[i] = b.y;
      this.txPower[i] = b.txPower;
      this.floor[i] = this.addFloor(b.floor);
      this.dz2[i] = ((b.z ?? defaultBeaconHeightM) - phoneHeightM) ** 2;
    });
  }

  get size(): number {
    return this.ids.length;
  }

  /** Beacon index, or -1 when the registry does not know the id. */
  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  floorIndexOf(name: string): number {
    return this.floorIndex.get(name) ?? -1;
  }

  private addFloor(name: string): number {
    let i = this.floorIndex.get(name);
    if (i === undefined) {
      i = this.floors.length;
      this.floors.push(name);
      this.floorIndex.set(name, i);
    }
    return i;
  }
}
