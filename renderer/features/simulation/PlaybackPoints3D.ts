/**
 * The playback agents in the 3D view: one THREE.Points cloud (all floors, at each floor's
 * elevation + 1 m, i.e. about chest height), positions rewritten in place per playback time.
 * Hidden agents (left, on stairs) are parked far below the building.
 */
import * as THREE from 'three';
import type { SimRunOutput } from '../../../workers/sim/SimWorkerService.js';
import { toThree } from '../../shell/buildingFrame.js';
import { playbackFrame } from './PlaybackFrame.js';

const PARKED = -1e5;

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
    const material = new THREE.PointsMaterial({ color: 0x1e6ee6, size: 0.5, sizeAttenuation: true });
    this.points = new THREE.Points(geometry, material);
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
    arr.fill(PARKED);
    for (let f = 0; f < this.elevations.length; f++) {
      playbackFrame(out.track, t, f, this.xy);
      const z = this.elevations[f]! + 1;
      for (let i = 0; i < out.track.agents; i++) {
        const x = this.xy[2 * i]!;
        if (Number.isNaN(x)) continue;
        toThree(x, this.xy[2 * i + 1]!, z, this.v);
        arr[3 * i] = this.v.x; arr[3 * i + 1] = this.v.y; arr[3 * i + 2] = this.v.z;
      }
    }
    attr.needsUpdate = true;
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
