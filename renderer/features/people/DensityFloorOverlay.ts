/**
 * The 3D view's coloured floor overlay: per storey, a plane just above the floor textured with
 * the density grid in Fruin colours (transparent where nobody is). Building frame → three.js at
 * this boundary only: the plane is laid in building x/y and rotated −90° about x, so texture u
 * runs east and v north (DataTexture rows from min y, flipY false).
 */
import * as THREE from 'three';
import type { DensityGrid } from '../../../workers/peopleflow/PeopleFlow.js';
import { toThree } from '../../shell/buildingFrame.js';
import { densityImage } from './densityImage.js';
import type { LayoutState } from '../../stores/layoutStore.js';

/**
 * The measured floors whose density plane the 3D view shows: all of them with "All" storeys, else
 * only the chosen storey's (as the people and robot markers): the model hides the storeys above the
 * chosen one, and their planes would float over its cut-open top.
 */
export function densityFloorsIn3d(floors: readonly string[], layout: Pick<LayoutState, 'storeys' | 'activeStorey'>): string[] {
  if (layout.activeStorey === null) return [...floors];
  const chosen = layout.storeys.find((s) => s.index === layout.activeStorey);
  return chosen ? floors.filter((f) => f === chosen.name) : [...floors];
}

/** Height of the overlay above the storey's floor level, m (clear of slab z-fighting). */
const LIFT_M = 0.06;

interface FloorMesh {
  mesh: THREE.Mesh<THREE.PlaneGeometry, THREE.MeshBasicMaterial>;
  texture: THREE.DataTexture;
  key: string;
}

export class DensityFloorOverlay {
  readonly group = new THREE.Group();
  private readonly floors = new Map<string, FloorMesh>();

  constructor(scene: THREE.Scene) {
    this.group.name = 'people-density';
    this.group.renderOrder = 5;
    scene.add(this.group);
  }

  set visible(v: boolean) {
    this.group.visible = v;
  }

  /**
   * Shows exactly these floors' grids, each at its floor level (m), and removes every other floor's plane.
   * The floors measured change with the geometry (the testbed layout's 1F–3F until a loaded model's structure
   * is ready, then that model's storeys): planes kept from the old geometry would stay in the 3D view, frozen,
   * off the building (they did, as a field of stale squares beside and above the model).
   */
  show(floors: readonly { grid: DensityGrid; elevation: number }[]): void {
    const keep = new Set(floors.map((f) => f.grid.floor));
    for (const floor of [...this.floors.keys()]) if (!keep.has(floor)) this.remove(floor);
    for (const f of floors) this.update(f.grid, f.elevation);
  }

  /** Floors that have a plane now. */
  get shownFloors(): string[] {
    return [...this.floors.keys()];
  }

  /** Updates (or creates) the overlay of `grid.floor` at floor level `elevation` (m). */
  update(grid: DensityGrid, elevation: number): void {
    const key = `${grid.minX},${grid.minY},${grid.cols},${grid.rows},${grid.cellSize}`;
    let f = this.floors.get(grid.floor);
    if (f && f.key !== key) {
      this.remove(grid.floor);
      f = undefined;
    }
    const pixels = densityImage(grid, false);
    if (!f) {
      const texture = new THREE.DataTexture(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), grid.cols, grid.rows, THREE.RGBAFormat);
      texture.magFilter = THREE.NearestFilter;
      texture.minFilter = THREE.NearestFilter;
      texture.needsUpdate = true;
      const w = grid.cols * grid.cellSize;
      const h = grid.rows * grid.cellSize;
      const material = new THREE.MeshBasicMaterial({ map: texture, transparent: true, depthWrite: false, side: THREE.DoubleSide });
      const mesh = new THREE.Mesh(new THREE.PlaneGeometry(w, h), material);
      mesh.rotation.x = -Math.PI / 2;
      mesh.name = `people-density-${grid.floor}`;
      f = { mesh, texture, key };
      this.floors.set(grid.floor, f);
      this.group.add(mesh);
    } else {
      (f.texture.image.data as Uint8Array).set(pixels);
      f.texture.needsUpdate = true;
    }
    toThree(grid.minX + (grid.cols * grid.cellSize) / 2, grid.minY + (grid.rows * grid.cellSize) / 2, elevation + LIFT_M, f.mesh.position);
  }

  remove(floor: string): void {
    const f = this.floors.get(floor);
    if (!f) return;
    this.group.remove(f.mesh);
    f.mesh.geometry.dispose();
    f.mesh.material.dispose();
    f.texture.dispose();
    this.floors.delete(floor);
  }

  dispose(): void {
    for (const floor of [...this.floors.keys()]) this.remove(floor);
    this.group.removeFromParent();
  }
}
