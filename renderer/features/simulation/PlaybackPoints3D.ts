/**
 * The playback in the 3D view: people as one THREE.Points cloud of 5 px blue dots and robots as a
 * second cloud of 11 px orange dots (all floors, at each floor's elevation + 1 m, i.e. about chest
 * height), positions rewritten in place per playback time. Visible entries are packed at the front
 * of each buffer and the draw range cut to them, so people who left (or are on stairs) are simply
 * not drawn.
 */
import * as THREE from 'three';
import type { PlaybackTrack, SimRunOutput } from '../../../workers/sim/SimWorkerService.js';
import { toThree } from '../../shell/buildingFrame.js';
import { playbackFrame, robotFrame } from './PlaybackFrame.js';

type FrameFn = (track: PlaybackTrack, t: number, floor: number, out: Float32Array) => number;

/** One cloud of dots fed by a frame function (people or robots). */
class DotCloud {
  readonly points: THREE.Points;
  private readonly xy: Float32Array;
  private readonly v = new THREE.Vector3();

  constructor(readonly count: number, color: number, size: number, name: string, private readonly frame: FrameFn) {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(count * 3), 3));
    // Drawn over the building (no depth test): agents inside walls and under upper slabs stay visible.
    const material = new THREE.PointsMaterial({ color, size, sizeAttenuation: false, depthTest: false, transparent: true });
    this.points = new THREE.Points(geometry, material);
    this.points.name = name;
    this.points.renderOrder = 10;
    this.points.frustumCulled = false;
    this.xy = new Float32Array(count * 2);
  }

  /** Moves the dots to time t; returns how many are drawn. */
  update(track: PlaybackTrack, t: number, elevations: readonly number[]): number {
    const pts = this.points, attr = pts.geometry.getAttribute('position') as THREE.BufferAttribute;
    const arr = attr.array as Float32Array;
    let n = 0;
    for (let f = 0; f < elevations.length; f++) {
      this.frame(track, t, f, this.xy);
      const z = elevations[f]! + 1;
      for (let i = 0; i < this.count; i++) {
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
    // leave the cloud out of it (invisible) when nothing is drawn.
    const box = (pts.geometry.boundingBox ??= new THREE.Box3()).makeEmpty();
    for (let k = 0; k < n; k++) box.expandByPoint(this.v.set(arr[3 * k]!, arr[3 * k + 1]!, arr[3 * k + 2]!));
    pts.geometry.boundingSphere = box.getBoundingSphere(pts.geometry.boundingSphere ?? new THREE.Sphere());
    pts.visible = n > 0;
    return n;
  }

  dispose(): void {
    this.points.removeFromParent();
    this.points.geometry.dispose();
    (this.points.material as THREE.Material).dispose();
  }
}

export class PlaybackPoints3D {
  readonly root = new THREE.Group();
  private clouds: DotCloud[] = [];
  private output: SimRunOutput | null = null;
  private elevations: number[] = [];

  constructor() {
    this.root.name = 'simulation-playback';
  }

  setOutput(output: SimRunOutput | null, floorElevations: number[]): void {
    this.clear();
    this.output = output;
    this.elevations = floorElevations;
    if (!output) return;
    if (output.track.agents > 0) this.clouds.push(new DotCloud(output.track.agents, 0x2878ff, 5, 'simulation-people', playbackFrame));
    if (output.track.robots.count > 0) this.clouds.push(new DotCloud(output.track.robots.count, 0xff7a00, 11, 'simulation-robots', robotFrame));
    for (const c of this.clouds) this.root.add(c.points);
  }

  /** Moves the dots to playback time t, s. */
  update(t: number): void {
    const out = this.output;
    let drawn = 0;
    if (out) for (const c of this.clouds) drawn += c.update(out.track, t, this.elevations);
    this.root.visible = drawn > 0;
  }

  private clear(): void {
    for (const c of this.clouds.splice(0)) c.dispose();
  }

  dispose(): void {
    this.clear();
    this.root.removeFromParent();
  }
}
