import { describe, expect, it } from 'vitest';
import * as THREE from 'three';
import { DensityFloorOverlay, densityFloorsIn3d } from '../../../../../renderer/features/people/DensityFloorOverlay.js';
import type { DensityGrid } from '../../../../../workers/peopleflow/PeopleFlow.js';

const grid = (floor: string, minX: number, minY: number, cols: number, rows: number): DensityGrid => ({
  floor, minX, minY, cellSize: 1, cols, rows,
  density: new Float32Array(cols * rows).fill(1), level: new Uint8Array(cols * rows).fill(2), people: cols * rows,
});

describe('DensityFloorOverlay (the 3D view’s density planes)', () => {
  it('lays each floor’s plane over its grid, at its floor level', () => {
    const scene = new THREE.Scene();
    const overlay = new DensityFloorOverlay(scene);
    overlay.show([{ grid: grid('Level 2', 0.4, -17.4, 8, 17), elevation: 3.1 }]);
    const plane = scene.getObjectByName('people-density-Level 2') as THREE.Mesh<THREE.PlaneGeometry>;
    // building (x, y, z) → three (x, z, −y): the centre of x 0.4…8.4, y −17.4…−0.4, 6 cm above the floor
    expect(plane.position.x).toBeCloseTo(4.4, 6);
    expect(plane.position.y).toBeCloseTo(3.16, 6);
    expect(plane.position.z).toBeCloseTo(8.9, 6);
    expect(plane.geometry.parameters.width).toBe(8);
    expect(plane.geometry.parameters.height).toBe(17);
  });

  it('drops the planes of floors no longer measured (testbed layout → loaded model): none stays behind, frozen', () => {
    const scene = new THREE.Scene();
    const overlay = new DensityFloorOverlay(scene);
    // before the model's structure is ready, people are measured on the testbed layout's storeys …
    overlay.show([{ grid: grid('1F', 0, 0, 56, 30), elevation: 0 }, { grid: grid('2F', 0, 0, 56, 30), elevation: 4 }]);
    expect(overlay.shownFloors.sort()).toEqual(['1F', '2F']);
    // … then on the model's
    overlay.show([{ grid: grid('Level 1', 0.4, -17.4, 8, 17), elevation: 0 }]);
    expect(overlay.shownFloors).toEqual(['Level 1']);
    const names: string[] = [];
    scene.traverse((o) => { if (o instanceof THREE.Mesh) names.push(o.name); });
    expect(names).toEqual(['people-density-Level 1']);
    overlay.show([]);
    expect(overlay.shownFloors).toEqual([]);
  });

  it('with one storey chosen in the storey selector, only that storey’s plane is shown (duplex: Level 1 chosen, no Level 2 / Roof planes over the cut-open top)', () => {
    const storeys = [
      { index: 0, name: 'T/FDN', elevation: -1.25 }, { index: 1, name: 'Level 1', elevation: 0 },
      { index: 2, name: 'Level 2', elevation: 3.1 }, { index: 3, name: 'Roof', elevation: 6 },
    ];
    const floors = ['Level 1', 'Level 2', 'Roof'];
    expect(densityFloorsIn3d(floors, { storeys, activeStorey: null })).toEqual(floors);
    expect(densityFloorsIn3d(floors, { storeys, activeStorey: 1 })).toEqual(['Level 1']);
    expect(densityFloorsIn3d(floors, { storeys, activeStorey: 0 })).toEqual([]);
    // a storey index nobody publishes any more: as "All"
    expect(densityFloorsIn3d(floors, { storeys, activeStorey: 9 })).toEqual(floors);
  });
});
