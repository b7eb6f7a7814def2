import { describe, it, expect } from 'vitest';
import * as THREE from 'three';
import { BUILDING_TO_THREE, fromThree, headingToThreeYaw, toThree, toThreeColumns } from '../../../../renderer/shell/buildingFrame.js';

describe('building frame ↔ three.js', () => {
  it('puts up on three +y and north on three −z', () => {
    expect(toThree(0, 0, 3).toArray()).toEqual([0, 3, -0]);
    expect(toThree(0, 10, 0).z).toBe(-10);
    expect(toThree(5, 0, 0).x).toBe(5);
  });

  it('round-trips points', () => {
    for (const [x, y, z] of [[1, 2, 3], [-40.5, 12.25, 0], [0, -7, 8.5]] as const) {
      expect(fromThree(toThree(x, y, z))).toEqual({ x, y, z });
    }
  });

  it('the matrix and the columns writer agree with toThree, and the matrix is a rotation (det +1)', () => {
    const v = new THREE.Vector3(3, 4, 5).applyMatrix4(BUILDING_TO_THREE);
    expect(v.toArray()).toEqual(toThree(3, 4, 5).toArray());
    expect(BUILDING_TO_THREE.determinant()).toBe(1);
    const out = toThreeColumns([1, 2], [3, 4], 1.5, new Float32Array(6));
    expect([...out]).toEqual([1, 1.5, -3, 2, 1.5, -4]);
  });

  it('heading east (90°) turns an object facing north (three −z) to face three +x', () => {
    const forward = new THREE.Vector3(0, 0, -1).applyAxisAngle(new THREE.Vector3(0, 1, 0), headingToThreeYaw(90));
    expect(forward.x).toBeCloseTo(1);
    expect(forward.z).toBeCloseTo(0);
  });
});
