/**
 * The live entities in the 3D view: one THREE.InstancedMesh per kind (robot puck with a nose,
 * bus, sensor, person-kind, other), a badge mesh (a small ball above entities in error, offline,
 * stale, low on battery or in manual mode), short trails (one LineSegments for every robot and
 * bus), people as one THREE.Points cloud, and a ring under the selected entity.
 *
 * Hot path: `update(dtMs)` (every rendered frame while something moves) eases displayed
 * positions toward the latest record (τ = 250 ms, so 1 Hz reports glide instead of jumping) and
 * writes instance matrices straight into `instanceMatrix.array` — no Object3D per entity, no
 * allocation. `sync()` (once per telemetry frame) rebuilds the per-kind slot lists only when
 * entities came or went, colours, badges, trails and the people cloud.
 *
 * Building frame → three: (x, y, z) → (x, z, −y); heading 0 = north = three −z.
 */
import * as THREE from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { headingToThreeYaw } from '../../shell/buildingFrame.js';
import { HISTORY, KIND_BUS, KIND_NAMES, KIND_PERSON, KIND_ROBOT, type EntityTable, type PeopleTable } from '../../stores/entitiesStore.js';
import { BADGE_COLOURS, badgeOf, entityColour, floorElevation, markerHeight, type NamedElevation } from './entityStyle.js';

const TAU_MS = 250;
const BADGE_ORDER = Object.keys(BADGE_COLOURS) as (keyof typeof BADGE_COLOURS)[];
/** Trail length in history samples. */
const TRAIL = 12;
/** A jump longer than this (m) is drawn as a jump (floor change, reappearing), not a glide. */
const SNAP_M = 25;

function kindGeometry(kind: number): THREE.BufferGeometry {
  switch (kind) {
    case KIND_ROBOT: {
      const body = new THREE.CylinderGeometry(0.35, 0.38, 0.55, 20).translate(0, 0.3, 0);
      const nose = new THREE.BoxGeometry(0.18, 0.16, 0.3).translate(0, 0.45, -0.38);
      const g = mergeGeometries([body.toNonIndexed(), nose.toNonIndexed()])!;
      body.dispose(); nose.dispose();
      return g;
    }
    case KIND_BUS: {
      const body = new THREE.BoxGeometry(2.3, 2.6, 7).translate(0, 1.5, 0);
      const cab = new THREE.BoxGeometry(2.1, 1.2, 0.6).translate(0, 2.1, -3.6);
      const g = mergeGeometries([body.toNonIndexed(), cab.toNonIndexed()])!;
      body.dispose(); cab.dispose();
      return g;
    }
    case 2: return new THREE.OctahedronGeometry(0.22);
    case KIND_PERSON: return new THREE.CapsuleGeometry(0.22, 1.1, 4, 10).translate(0, -0.1, 0);
    default: return new THREE.BoxGeometry(0.5, 0.5, 0.5).translate(0, 0.25, 0);
  }
}

/** Gives an instanced mesh its per-instance colour attribute up front (white). */
function withColours(mesh: THREE.InstancedMesh): void {
  mesh.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(mesh.instanceMatrix.count * 3).fill(1), 3);
  mesh.instanceColor.setUsage(THREE.DynamicDrawUsage);
}

export interface MarkerScene {
  /** Visible floor label, or null for all. */
  floor: string | null;
  /** Storey elevations by name (model first, then layout). */
  storeys: readonly NamedElevation[];
  selected: number;
  hovered: number;
}

export class EntityMarkers3D {
  readonly group = new THREE.Group();
  private readonly meshes: THREE.InstancedMesh[] = [];
  /** Per kind: instance index → table slot. */
  private lists: Int32Array[] = KIND_NAMES.map(() => new Int32Array(0));
  private badges: THREE.InstancedMesh;
  private badgeSlots = new Int32Array(0);
  private readonly trails: THREE.LineSegments;
  private readonly people: THREE.Points;
  private readonly ring: THREE.Mesh;
  private structure = -1;
  private dispX = new Float32Array(0);
  private dispY = new Float32Array(0);
  private dispZ = new Float32Array(0);
  private dispH = new Float32Array(0);
  private visible = new Uint8Array(0);
  private slotIds: string[] = [];
  private readonly colour = new THREE.Color();
  /** Elevation per floor index of the table (m), refreshed in sync(): no label parsing per frame. */
  private floorZ = new Float32Array(0);
  /** Badge per slot (0 none, else BADGE_ORDER index + 1), from the last sync. */
  private badgeOfSlot = new Uint8Array(0);
  /** sRGB 0..255 → linear colour (three's working space), cached: colour conversion per instance is not free. */
  private readonly linearCache = new Map<number, Float32Array>();

  constructor(private readonly table: EntityTable, private readonly peopleTable: PeopleTable) {
    this.group.name = 'entities';
    for (let k = 0; k < KIND_NAMES.length; k++) {
      const mesh = new THREE.InstancedMesh(kindGeometry(k), new THREE.MeshLambertMaterial({ color: 0xffffff }), 16);
      mesh.count = 0;
      mesh.frustumCulled = false;
      mesh.name = `entities-${KIND_NAMES[k]}`;
      mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
      withColours(mesh);
      this.meshes.push(mesh);
      this.group.add(mesh);
    }
    this.badges = new THREE.InstancedMesh(new THREE.SphereGeometry(0.16, 12, 8), new THREE.MeshBasicMaterial({ color: 0xffffff }), 16);
    this.badges.count = 0;
    this.badges.frustumCulled = false;
    withColours(this.badges);
    this.group.add(this.badges);
    const tg = new THREE.BufferGeometry();
    tg.setAttribute('position', new THREE.Float32BufferAttribute(new Float32Array(0), 3));
    tg.setAttribute('color', new THREE.Float32BufferAttribute(new Float32Array(0), 3));
    this.trails = new THREE.LineSegments(tg, new THREE.LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.7 }));
    this.trails.frustumCulled = false;
    this.group.add(this.trails);
    const pg = new THREE.BufferGeometry();
    pg.setAttribute('position', new THREE.Float32BufferAttribute(new Float32Array(0), 3));
    this.people = new THREE.Points(pg, new THREE.PointsMaterial({ color: 0xff9f1c, size: 0.45, sizeAttenuation: true }));
    this.people.frustumCulled = false;
    this.people.name = 'people';
    this.group.add(this.people);
    this.ring = new THREE.Mesh(new THREE.RingGeometry(0.7, 0.9, 40).rotateX(-Math.PI / 2), new THREE.MeshBasicMaterial({ color: 0x4fc3f7, side: THREE.DoubleSide, depthTest: false, transparent: true }));
    this.ring.renderOrder = 10;
    this.ring.visible = false;
    this.group.add(this.ring);
  }

  /** Applies what a new telemetry frame changed: slot lists, colours, badges, trails, people. */
  sync(scene: MarkerScene): void {
    const t = this.table;
    if (this.floorZ.length !== t.floors.length) this.floorZ = new Float32Array(t.floors.length);
    for (let f = 0; f < t.floors.length; f++) this.floorZ[f] = floorElevation(t.floors[f], f, scene.storeys);
    if (this.dispX.length < t.capacity) {
      const grow = (a: Float32Array) => { const b = new Float32Array(t.capacity); b.set(a); return b; };
      this.dispX = grow(this.dispX); this.dispY = grow(this.dispY); this.dispZ = grow(this.dispZ); this.dispH = grow(this.dispH);
      const v = new Uint8Array(t.capacity); v.set(this.visible); this.visible = v;
    }
    if (this.structure !== t.structure) {
      this.structure = t.structure;
      // Slots moved or new: displayed positions follow the ids, new ones start at their target.
      const old = new Map(this.slotIds.map((id, s) => [id, s] as const));
      const ox = this.dispX.slice(), oy = this.dispY.slice(), oz = this.dispZ.slice(), oh = this.dispH.slice();
      for (let s = 0; s < t.count; s++) {
        const was = old.get(t.ids[s]!);
        if (was !== undefined) { this.dispX[s] = ox[was]!; this.dispY[s] = oy[was]!; this.dispZ[s] = oz[was]!; this.dispH[s] = oh[was]!; }
        else { this.dispX[s] = t.x[s]!; this.dispY[s] = t.y[s]!; this.dispZ[s] = this.targetZ(s); this.dispH[s] = t.heading[s]!; }
      }
      this.slotIds = t.ids.slice(0, t.count);
    }
    // Per-kind lists of visible slots.
    const counts = new Int32Array(KIND_NAMES.length);
    for (let s = 0; s < t.count; s++) {
      const f = t.floor[s]!;
      const vis = scene.floor === null || f < 0 || t.floors[f] === scene.floor;
      this.visible[s] = vis ? 1 : 0;
      if (vis) counts[t.kind[s]!]!++;
    }
    for (let k = 0; k < KIND_NAMES.length; k++) {
      if (this.lists[k]!.length < counts[k]!) this.lists[k] = new Int32Array(Math.max(16, counts[k]! * 2));
      const mesh = this.ensureCapacity(k, counts[k]!);
      mesh.count = 0;
    }
    let badgeCount = 0;
    if (this.badgeOfSlot.length < t.capacity) this.badgeOfSlot = new Uint8Array(t.capacity);
    for (let s = 0; s < t.count; s++) {
      if (!this.visible[s]) continue;
      const k = t.kind[s]!;
      const mesh = this.meshes[k]!;
      const i = mesh.count++;
      this.lists[k]![i] = s;
      const lin = this.linear(entityColour(t, s), s === scene.hovered);
      (mesh.instanceColor!.array as Float32Array).set(lin, i * 3);
      const badge = badgeOf(t, s);
      this.badgeOfSlot[s] = badge === null ? 0 : BADGE_ORDER.indexOf(badge) + 1;
      if (badge !== null) badgeCount++;
    }
    for (const mesh of this.meshes) mesh.instanceColor!.needsUpdate = true;
    // Badges.
    if (this.badgeSlots.length < badgeCount) this.badgeSlots = new Int32Array(badgeCount * 2);
    if (this.badges.instanceMatrix.count < badgeCount) this.resizeBadges(badgeCount * 2);
    this.badges.count = 0;
    const badgeColours = this.badges.instanceColor!.array as Float32Array;
    for (let s = 0; s < t.count; s++) {
      if (!this.visible[s] || this.badgeOfSlot[s] === 0) continue;
      const i = this.badges.count++;
      this.badgeSlots[i] = s;
      badgeColours.set(this.linear(BADGE_COLOURS[BADGE_ORDER[this.badgeOfSlot[s]! - 1]!], false), i * 3);
    }
    this.badges.instanceColor!.needsUpdate = true;
    this.syncTrails(scene);
    this.syncPeople(scene);
  }

  /**
   * Eases displayed positions toward the latest values and writes instance matrices in place.
   * Returns true while something is still gliding (keep rendering).
   */
  update(dtMs: number, scene: Pick<MarkerScene, 'selected'>): boolean {
    const t = this.table;
    const a = 1 - Math.exp(-Math.max(0, dtMs) / TAU_MS);
    let moving = false;
    for (let s = 0; s < t.count; s++) {
      const tx = t.x[s]!, ty = t.y[s]!, tz = this.targetZ(s);
      let dx = tx - this.dispX[s]!, dy = ty - this.dispY[s]!;
      const dz = tz - this.dispZ[s]!;
      if (dx * dx + dy * dy > SNAP_M * SNAP_M || Math.abs(dz) > 0.01) {
        this.dispX[s] = tx; this.dispY[s] = ty; this.dispZ[s] = tz; dx = dy = 0;
      } else {
        this.dispX[s] = this.dispX[s]! + dx * a;
        this.dispY[s] = this.dispY[s]! + dy * a;
      }
      let dh = ((t.heading[s]! - this.dispH[s]! + 540) % 360) - 180;
      if (Number.isNaN(dh)) dh = 0;
      this.dispH[s] = this.dispH[s]! + dh * a;
      if (dx * dx + dy * dy > 1e-4 || Math.abs(dh) > 0.5) moving = true;
    }
    for (let k = 0; k < this.meshes.length; k++) {
      const mesh = this.meshes[k]!;
      const list = this.lists[k]!;
      const m = mesh.instanceMatrix.array as Float32Array;
      for (let i = 0; i < mesh.count; i++) this.writeMatrix(m, i, list[i]!, 1, 0);
      mesh.instanceMatrix.needsUpdate = true;
    }
    const bm = this.badges.instanceMatrix.array as Float32Array;
    for (let i = 0; i < this.badges.count; i++) {
      const s = this.badgeSlots[i]!;
      const k = t.kind[s]!;
      this.writeMatrix(bm, i, s, 1, k === KIND_BUS ? 3.4 : k === 2 ? 0.45 : 1.1);
    }
    this.badges.instanceMatrix.needsUpdate = true;
    const sel = scene.selected;
    this.ring.visible = sel >= 0 && sel < t.count && this.visible[sel] === 1;
    if (this.ring.visible) {
      const scale = t.kind[sel] === KIND_BUS ? 5 : 1;
      this.ring.position.set(this.dispX[sel]!, this.dispZ[sel]! - markerHeight(t.kind[sel]!) + 0.03, -this.dispY[sel]!);
      this.ring.scale.setScalar(scale);
    }
    return moving;
  }

  /** Displayed building-frame position of a slot (for labels and the follow camera). */
  displayed(slot: number, out: THREE.Vector3): THREE.Vector3 {
    return out.set(this.dispX[slot]!, this.dispZ[slot]!, -this.dispY[slot]!);
  }

  /** The entity slot under a ray, or -1. */
  pick(raycaster: THREE.Raycaster): number {
    // InstancedMesh.raycast culls with a bounding sphere it computes ONCE and caches; markers move
    // every frame (and the first hover may come before any instance exists), so a stale sphere
    // made every hover miss. Recompute it over the current instances (O(instances), per hover).
    for (const m of this.meshes) if (m.count > 0) m.computeBoundingSphere();
    const hits = raycaster.intersectObjects(this.meshes, false);
    for (const h of hits) {
      const k = this.meshes.indexOf(h.object as THREE.InstancedMesh);
      if (k >= 0 && h.instanceId !== undefined) return this.lists[k]![h.instanceId] ?? -1;
    }
    return -1;
  }

  dispose(): void {
    this.group.removeFromParent();
    for (const m of [...this.meshes, this.badges]) { m.geometry.dispose(); (m.material as THREE.Material).dispose(); m.dispose(); }
    this.trails.geometry.dispose(); (this.trails.material as THREE.Material).dispose();
    this.people.geometry.dispose(); (this.people.material as THREE.Material).dispose();
    this.ring.geometry.dispose(); (this.ring.material as THREE.Material).dispose();
  }

  private targetZ(s: number): number {
    const t = this.table;
    const f = t.floor[s]!;
    return (f >= 0 ? this.floorZ[f] ?? 0 : 0) + t.z[s]! + markerHeight(t.kind[s]!);
  }

  /** Column-major TRS (yaw about three +y, uniform scale) into instance i. */
  private writeMatrix(m: Float32Array, i: number, s: number, scale: number, lift: number): void {
    const yaw = headingToThreeYaw(this.dispH[s]!);
    const c = Math.cos(yaw) * scale, sn = Math.sin(yaw) * scale;
    const o = i * 16;
    m[o] = c; m[o + 1] = 0; m[o + 2] = -sn; m[o + 3] = 0;
    m[o + 4] = 0; m[o + 5] = scale; m[o + 6] = 0; m[o + 7] = 0;
    m[o + 8] = sn; m[o + 9] = 0; m[o + 10] = c; m[o + 11] = 0;
    m[o + 12] = this.dispX[s]!; m[o + 13] = this.dispZ[s]! + lift; m[o + 14] = -this.dispY[s]!; m[o + 15] = 1;
  }

  private ensureCapacity(k: number, n: number): THREE.InstancedMesh {
    const mesh = this.meshes[k]!;
    if (mesh.instanceMatrix.count >= n) return mesh;
    const bigger = new THREE.InstancedMesh(mesh.geometry, mesh.material, Math.max(16, n * 2));
    bigger.name = mesh.name;
    bigger.frustumCulled = false;
    bigger.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
    withColours(bigger);
    this.group.remove(mesh);
    mesh.dispose();
    this.group.add(bigger);
    this.meshes[k] = bigger;
    return bigger;
  }

  private resizeBadges(n: number): void {
    const old = this.badges;
    const bigger = new THREE.InstancedMesh(old.geometry, old.material, n);
    bigger.frustumCulled = false;
    withColours(bigger);
    this.group.remove(old);
    old.dispose();
    this.group.add(bigger);
    this.badges = bigger;
  }

  private linear(rgb: readonly [number, number, number], lighter: boolean): Float32Array {
    const key = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2] | (lighter ? 1 << 24 : 0);
    let c = this.linearCache.get(key);
    if (!c) {
      this.colour.setRGB(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, THREE.SRGBColorSpace);
      if (lighter) this.colour.offsetHSL(0, 0, 0.15);
      c = Float32Array.of(this.colour.r, this.colour.g, this.colour.b);
      this.linearCache.set(key, c);
    }
    return c;
  }

  private syncTrails(scene: MarkerScene): void {
    const t = this.table;
    let segs = 0;
    for (let s = 0; s < t.count; s++) {
      if (this.visible[s] && (t.kind[s] === KIND_ROBOT || t.kind[s] === KIND_BUS)) segs += Math.max(0, Math.min(TRAIL, t.histLen[s]!) - 1);
    }
    const geom = this.trails.geometry;
    let pos = geom.getAttribute('position') as THREE.BufferAttribute;
    let col = geom.getAttribute('color') as THREE.BufferAttribute;
    if (pos.count < segs * 2) {
      const n = Math.max(64, segs * 4);
      pos = new THREE.Float32BufferAttribute(new Float32Array(n * 3), 3);
      col = new THREE.Float32BufferAttribute(new Float32Array(n * 3), 3);
      pos.setUsage(THREE.DynamicDrawUsage); col.setUsage(THREE.DynamicDrawUsage);
      geom.setAttribute('position', pos); geom.setAttribute('color', col);
    }
    const P = pos.array as Float32Array, C = col.array as Float32Array;
    let v = 0;
    for (let s = 0; s < t.count; s++) {
      if (!this.visible[s] || (t.kind[s] !== KIND_ROBOT && t.kind[s] !== KIND_BUS)) continue;
      const n = Math.min(TRAIL, t.histLen[s]!);
      if (n < 2) continue;
      const z = this.targetZ(s) - markerHeight(t.kind[s]!) + 0.05;
      const [r, g, b] = entityColour(t, s);
      const head = t.histHead[s]!;
      for (let k = 0; k < n - 1; k++) {
        for (let e = 0; e < 2; e++) {
          const idx = s * HISTORY + ((head - n + k + e + HISTORY) % HISTORY);
          const fade = 0.25 + (0.75 * (k + e)) / (n - 1);
          P[v * 3] = t.histX[idx]!; P[v * 3 + 1] = z; P[v * 3 + 2] = -t.histY[idx]!;
          C[v * 3] = (r / 255) * fade; C[v * 3 + 1] = (g / 255) * fade; C[v * 3 + 2] = (b / 255) * fade;
          v++;
        }
      }
    }
    geom.setDrawRange(0, v);
    pos.needsUpdate = true;
    col.needsUpdate = true;
  }

  private syncPeople(scene: MarkerScene): void {
    const p = this.peopleTable;
    const geom = this.people.geometry;
    let pos = geom.getAttribute('position') as THREE.BufferAttribute;
    if (pos.count < p.count) {
      pos = new THREE.Float32BufferAttribute(new Float32Array(Math.max(256, p.capacity) * 3), 3);
      pos.setUsage(THREE.DynamicDrawUsage);
      geom.setAttribute('position', pos);
    }
    const P = pos.array as Float32Array;
    const floors = this.table.floors;
    let n = 0;
    for (let s = 0; s < p.count; s++) {
      const f = p.floor[s]!;
      const label = f >= 0 ? floors[f] : undefined;
      if (scene.floor !== null && label !== undefined && label !== scene.floor) continue;
      if (Number.isNaN(p.x[s]!) || Number.isNaN(p.y[s]!)) continue;
      P[n * 3] = p.x[s]!; P[n * 3 + 1] = (f >= 0 ? this.floorZ[f] ?? 0 : 0) + 1.0; P[n * 3 + 2] = -p.y[s]!;
      n++;
    }
    geom.setDrawRange(0, n);
    pos.needsUpdate = true;
  }
}
