/**
 * The playback agents in the 3D view: one THREE.Points cloud of 5 px dots (all floors, at each floor's
 * elevation + 1 m, i.e. about chest height), positions rewritten in place per playback time.
 * Visible agents are packed at the front of the buffer and the draw range cut to them, so agents
 * that left (or are on stairs) are simply not drawn.
 */
import * as THREE from 'three';
import type { SimRunOutput } from '../../../workers/sim/SimWorkerService.js';
import { toThree } from '../../shell/buildingFrame.js';
import { playbackFrame } from './PlaybackFrame.js';

export class PlaybackPoints3D {
  readonly root = new THREE.Group();
  private points: THREE.Points | null = null;
  private output: SimRunOutput | null = null;
  private elevations: number[] = [];
  private xy = new Float32Array(0);
  private readonly v = new THREE.Vector3();

  constructor() {
    this.root.name = 'simulation-playback';
  }

  setOutput(output: SimRunOutput | null, floorElevations: number[]): void {
    this.clear();
    this.output = output;
    this.elevations = floorElevations;
    if (!output || output.track.agents === 0) return;
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(output.track.agents * 3), 3));
    // Drawn over the building (no depth test): agents inside walls and under upper slabs stay visible.
    const material = new THREE.PointsMaterial({ color: 0x2878ff, size: 5, sizeAttenuation: false, depthTest: false, transparent: true });
    this.points = new THREE.Points(geometry, material);
    this.points.renderOrder = 10;
    this.points.frustumCulled = false;
    this.root.add(this.points);
    this.xy = new Float32Array(output.track.agents * 2);
  }

  /** Moves the points to playback time t, s. */
  update(t: number): void {
    const out = this.output, pts = this.points;
    if (!out || !pts) return;
    const attr = pts.geometry.getAttribute('position') as THREE.BufferAttribute;
    const arr = attr.array as Float32Array;
    let n = 0;
    for (let f = 0; f < this.elevations.length; f++) {
      playbackFrame(out.track, t, f, this.xy);
      const z = this.elevations[f]! + 1;
      for (let i = 0; i < out.track.agents; i++) {
        const x = this.xy[2 * i]!;
        if (Number.isNaN(x)) continue;
        toThree(x, this.xy[2 * i + 1]!, z, this.v);
        arr[3 * n] = this.v.x; arr[3 * n + 1] = this.v.y; arr[3 * n + 2] = this.v.z;
        n++;
      }
    }
    pts.geometry.setDrawRange(0, n);
    attr.needsUpdate = true;
    // The viewport's "fit all" reads bounding boxes: keep this one to the drawn points only, and
    // leave the cloud out of it (invisible) when nobody is drawn.
    const box = (pts.geometry.boundingBox ??= new THREE.Box3()).makeEmpty();
    for (let k = 0; k < n; k++) box.expandByPoint(this.v.set(arr[3 * k]!, arr[3 * k + 1]!, arr[3 * k + 2]!));
    pts.geometry.boundingSphere = box.getBoundingSphere(pts.geometry.boundingSphere ?? new THREE.Sphere());
    this.root.visible = n > 0;
  }

  private clear(): void {
    if (!this.points) return;
    this.root.remove(this.points);
    this.points.geometry.dispose();
    (this.points.material as THREE.Material).dispose();
    this.points = null;
  }

  dispose(): void {
    this.clear();
    this.root.removeFromParent();
  }
}
