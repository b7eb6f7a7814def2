/**
 * The building frame ↔ three.js world.
 *
 * Building frame (every record, layout and IFC-derived coordinate in this app): metres, x east,
 * y north, z up. three.js is y-up, so at the view boundary (and only there):
 *   three.x = x,  three.y = z,  three.z = −y      (north is three's −z; the camera's default "up" stays +y)
 * The mapping is a proper rotation (−90° about x), so handedness, areas and normals are preserved.
 */
import * as THREE from 'three';

/** Building-frame point → three.js world position (a new vector, or written into `out`). */
export function toThree(x: number, y: number, z: number, out: THREE.Vector3 = new THREE.Vector3()): THREE.Vector3 {
  return out.set(x, z, -y);
}

/** three.js world position → building frame {x east, y north, z up} in metres. */
export function fromThree(v: { x: number; y: number; z: number }): { x: number; y: number; z: number } {
  return { x: v.x, y: -v.z, z: v.y };
}

/**
 * Writes n building-frame points from columns into an interleaved xyz three.js attribute array
 * (instanced meshes and point clouds): hot path, no allocation.
 */
export function toThreeColumns(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number> | number, out: Float32Array, n = x.length): Float32Array {
  for (let i = 0; i < n; i++) {
    out[3 * i] = x[i]!;
    out[3 * i + 1] = typeof z === 'number' ? z : z[i]!;
    out[3 * i + 2] = -y[i]!;
  }
  return out;
}

/** The rotation taking building-frame geometry into three.js (apply to a group holding building-frame meshes). */
export const BUILDING_TO_THREE: Readonly<THREE.Matrix4> = new THREE.Matrix4().set(
  1, 0, 0, 0,
  0, 0, 1, 0,
  0, -1, 0, 0,
  0, 0, 0, 1,
);

/**
 * Heading in the records' convention (degrees, 0 = north, clockwise seen from above) → rotation
 * about three's +y axis in radians (counter-clockwise seen from above, 0 = facing three's −z).
 */
export function headingToThreeYaw(headingDeg: number): number {
  return (-headingDeg * Math.PI) / 180;
}
