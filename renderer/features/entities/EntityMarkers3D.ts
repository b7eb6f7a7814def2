/**
 * The live entities in the 3D view: one THREE.InstancedMesh per kind (robot puck with a nose,
 * bus, sensor, person-kind, other), a badge mesh (a small ball above entities in error, offline,
 * stale, low on battery or in manual mode), short trails (one LineSegments for every robot and
 * bus), people as one THREE.Points cloud, and a ring under the selected entity.
 *
 * Hot path: `update(dtMs)` (every rendered frame while something moves) eases displayed
 * positions toward the latest record (τ = 250 ms, so 1 Hz reports glide instead of jumping) and
 * writes instance matrices straight into `instanceMatrix.array` — no Object3D per entity, no
 * allocation. `sync()` (once per telemetry frame) rewrites only what changed: the colour, badge
 * and trail of the table's dirty slots, as attribute update ranges (each slot owns a fixed run of
 * trail vertices); the per-kind slot lists and all instance data are rebuilt only when entities
 * came or went or the shown storey changed. The people cloud is rewritten when people changed.
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
/** Badge → BADGE_ORDER index + 1 (0: no badge), without a search per entity. */
const BADGE_CODE: Record<string, number> = Object.fromEntries([['none', 0], ...BADGE_ORDER.map((b, i) => [b, i + 1])]);
/** Trail length in history samples. */
const TRAIL = 12;
/** Trail vertices owned by each table slot: TRAIL − 1 segments of 2 vertices. */
const TRAIL_VERTS = (TRAIL - 1) * 2;
/**
 * Trails rewritten per sync at most. A trail changes by one sample per record, so when every
 * entity reports in every frame the rest wait a frame or three in a FIFO (each still refreshes
 * several times a second); the cost per frame stays bounded instead of growing with the fleet.
 */
const TRAIL_BUDGET = 2500;
/** More update ranges than this on one attribute are merged into one span (fewer bufferSubData calls). */
const MAX_RANGES = 64;

/**
 * Marks [start, start + count) of an attribute for upload, extending the previous range when
 * contiguous. three.js uploads only these ranges (and clears them after the upload).
 */
function addRange(attr: THREE.BufferAttribute, start: number, count: number): void {
  const r = attr.updateRanges;
  const last = r[r.length - 1];
  if (last && last.start + last.count === start) last.count += count;
  else if (r.length >= MAX_RANGES) {
    let lo = start, hi = start + count;
    for (const x of r) { lo = Math.min(lo, x.start); hi = Math.max(hi, x.start + x.count); }
    attr.clearUpdateRanges();
    attr.addUpdateRange(lo, hi - lo);
  } else attr.addUpdateRange(start, count);
  attr.needsUpdate = true;
}
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
  /** Per slot: its instance index in its kind's mesh, -1 when not drawn (other storey). */
  private instanceOf = new Int32Array(0);
  /** Per badge instance: its table slot. */
  private badgeSlot = new Int32Array(0);
  /** Per slot: 1 once the displayed pose reached the record (update() skips it until it changes). */
  private settled = new Uint8Array(0);
  /** Per slot: 1 when this update() moved it (scratch). */
  private moved = new Uint8Array(0);
  /** Slots whose trail waits for the budget (flag), and their FIFO (ring of slot numbers). */
  private trailPending = new Uint8Array(0);
  private trailQueue = new Int32Array(0);
  private trailHead = 0;
  private trailLength = 0;
  /** Storey filter, hovered slot and people revision the instance data was last written for. */
  private shownFloor: string | null | undefined = undefined;
  private hovered = -1;
  private peopleRevision = -1;
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

  /**
   * Applies what a new telemetry frame (or a hover / storey change) changed. Everything is rebuilt
   * only when entities came or went, the storey filter or storey elevations changed, or a changed
   * entity moved on / off the shown storey; otherwise only the table's dirty slots (and the old and
   * new hovered one) get their colour, badge and trail rewritten, each as an update range of its
   * attribute, so a frame changing 1 of 10 000 entities uploads that entity's bytes only.
   * The caller clears `table.dirty` once every view has read it.
   */
  sync(scene: MarkerScene): void {
    const t = this.table;
    let full = false;
    if (this.floorZ.length !== t.floors.length) { this.floorZ = new Float32Array(t.floors.length); full = true; }
    for (let f = 0; f < t.floors.length; f++) {
      const z = floorElevation(t.floors[f], f, scene.storeys);
      if (this.floorZ[f] !== z) { this.floorZ[f] = z; full = true; }
    }
    if (this.dispX.length < t.capacity) {
      const grow = (a: Float32Array) => { const b = new Float32Array(t.capacity); b.set(a); return b; };
      this.dispX = grow(this.dispX); this.dispY = grow(this.dispY); this.dispZ = grow(this.dispZ); this.dispH = grow(this.dispH);
      const v = new Uint8Array(t.capacity); v.set(this.visible); this.visible = v;
      this.badgeOfSlot = new Uint8Array(t.capacity);
      this.instanceOf = new Int32Array(t.capacity);
      this.settled = new Uint8Array(t.capacity);
      this.moved = new Uint8Array(t.capacity);
      this.trailPending = new Uint8Array(t.capacity);
      this.trailQueue = new Int32Array(t.capacity);
      this.trailHead = 0; this.trailLength = 0;
      full = true;
    }
    if (this.structure !== t.structure) {
      this.structure = t.structure;
      full = true;
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
    if (scene.floor !== this.shownFloor) { this.shownFloor = scene.floor; full = true; }
    if (!full) {
      for (let i = 0; i < t.dirtyCount; i++) {
        const s = t.dirty[i]!;
        if (s < t.count && this.isVisible(s, scene.floor) !== (this.visible[s] === 1)) { full = true; break; }
      }
    }
    if (full) this.rebuild(scene);
    else this.syncChanged(scene);
    this.hovered = scene.hovered;
    if (full || this.peopleRevision !== this.peopleTable.revision) {
      this.peopleRevision = this.peopleTable.revision;
      this.syncPeople(scene);
    }
  }

  private isVisible(s: number, floor: string | null): boolean {
    const f = this.table.floor[s]!;
    return floor === null || f < 0 || this.table.floors[f] === floor;
  }

  /** Everything: per-kind slot lists, colours, badges, all trails; whole-buffer uploads. */
  private rebuild(scene: MarkerScene): void {
    const t = this.table;
    const counts = new Int32Array(KIND_NAMES.length);
    for (let s = 0; s < t.count; s++) {
      const vis = this.isVisible(s, scene.floor);
      this.visible[s] = vis ? 1 : 0;
      if (vis) counts[t.kind[s]!]!++;
    }
    for (let k = 0; k < KIND_NAMES.length; k++) {
      if (this.lists[k]!.length < counts[k]!) this.lists[k] = new Int32Array(Math.max(16, counts[k]! * 2));
      const mesh = this.ensureCapacity(k, counts[k]!);
      mesh.count = 0;
    }
    for (let s = 0; s < t.count; s++) {
      this.instanceOf[s] = -1;
      this.badgeOfSlot[s] = BADGE_CODE[badgeOf(t, s) ?? 'none']!;
      if (!this.visible[s]) continue;
      const k = t.kind[s]!;
      const mesh = this.meshes[k]!;
      const i = mesh.count++;
      this.lists[k]![i] = s;
      this.instanceOf[s] = i;
      (mesh.instanceColor!.array as Float32Array).set(this.linear(entityColour(t, s), s === scene.hovered), i * 3);
    }
    for (const mesh of this.meshes) {
      mesh.instanceColor!.clearUpdateRanges(); mesh.instanceColor!.needsUpdate = true;
      mesh.instanceMatrix.clearUpdateRanges(); // instances moved: the next update() rewrites (and uploads) them all
    }
    this.settled.fill(0);
    this.rebuildBadges();
    const { pos, col } = this.trailAttributes();
    for (let s = 0; s < t.count; s++) this.writeTrail(s, pos.array as Float32Array, col.array as Float32Array);
    this.trailPending.fill(0); this.trailHead = 0; this.trailLength = 0;
    this.trails.geometry.setDrawRange(0, t.count * TRAIL_VERTS);
    pos.clearUpdateRanges(); col.clearUpdateRanges();
    pos.needsUpdate = true; col.needsUpdate = true;
  }

  /** Only the dirty slots and a hover change: colours, badges and trails of those slots, as update ranges. */
  private syncChanged(scene: MarkerScene): void {
    const t = this.table;
    const { pos, col } = this.trailAttributes();
    const P = pos.array as Float32Array, C = col.array as Float32Array;
    let badgesChanged = false;
    const touch = (s: number, trail: boolean) => {
      if (s < 0 || s >= t.count) return;
      const code = BADGE_CODE[badgeOf(t, s) ?? 'none']!;
      if (code !== this.badgeOfSlot[s]) { this.badgeOfSlot[s] = code; badgesChanged = true; }
      const i = this.instanceOf[s]!;
      if (i >= 0) {
        const attr = this.meshes[t.kind[s]!]!.instanceColor!;
        const c = this.linear(entityColour(t, s), s === scene.hovered), a = attr.array as Float32Array;
        a[i * 3] = c[0]!; a[i * 3 + 1] = c[1]!; a[i * 3 + 2] = c[2]!;
        addRange(attr, i * 3, 3);
      }
      if (trail && !this.trailPending[s]) {
        this.trailPending[s] = 1;
        this.trailQueue[(this.trailHead + this.trailLength++) % this.trailQueue.length] = s;
      }
    };
    for (let d = 0; d < t.dirtyCount; d++) {
      const s = t.dirty[d]!;
      if (s < t.count) this.settled[s] = 0; // a new record: glide toward it
      touch(s, true);
    }
    if (scene.hovered !== this.hovered) { touch(this.hovered, false); touch(scene.hovered, false); }
    const Q = this.trailQueue;
    for (let n = Math.min(this.trailLength, TRAIL_BUDGET); n > 0; n--) {
      const s = Q[this.trailHead]!;
      this.trailHead = (this.trailHead + 1) % Q.length; this.trailLength--;
      this.trailPending[s] = 0;
      if (s >= t.count) continue;
      this.writeTrail(s, P, C);
      addRange(pos, s * TRAIL_VERTS * 3, TRAIL_VERTS * 3);
      addRange(col, s * TRAIL_VERTS * 3, TRAIL_VERTS * 3);
    }
    if (badgesChanged) this.rebuildBadges();
  }

  /** Badge instances from `badgeOfSlot` (a byte scan: badges change rarely). */
  private rebuildBadges(): void {
    const t = this.table;
    let badgeCount = 0;
    for (let s = 0; s < t.count; s++) if (this.visible[s] && this.badgeOfSlot[s] !== 0) badgeCount++;
    if (this.badges.instanceMatrix.count < badgeCount) this.resizeBadges(badgeCount * 2);
    this.badges.count = 0;
    const badgeColours = this.badges.instanceColor!.array as Float32Array;
    if (this.badgeSlot.length < badgeCount) this.badgeSlot = new Int32Array(badgeCount * 2);
    for (let s = 0; s < t.count; s++) {
      if (!this.visible[s] || this.badgeOfSlot[s] === 0) continue;
      const i = this.badges.count++;
      this.badgeSlot[i] = s;
      this.settled[s] = 0; // its badge instance may be new: update() writes its matrix
      badgeColours.set(this.linear(BADGE_COLOURS[BADGE_ORDER[this.badgeOfSlot[s]! - 1]!], false), i * 3);
    }
    this.badges.instanceColor!.clearUpdateRanges();
    this.badges.instanceColor!.needsUpdate = true;
  }

  /**
   * Eases displayed positions toward the latest values and writes instance matrices in place.
   * Returns true while something is still gliding (keep rendering).
   */
  update(dtMs: number, scene: Pick<MarkerScene, 'selected'>): boolean {
    const t = this.table;
    const a = 1 - Math.exp(-Math.max(0, dtMs) / TAU_MS);
    let moving = false;
    const moved = this.moved;
    for (let s = 0; s < t.count; s++) {
      moved[s] = 0;
      if (this.settled[s]) continue; // at its latest record: its matrices are already written
      moved[s] = 1;
      const tx = t.x[s]!, ty = t.y[s]!, tz = this.targetZ(s);
      let dx = tx - this.dispX[s]!, dy = ty - this.dispY[s]!;
      const dz = tz - this.dispZ[s]!;
      let dh = ((t.heading[s]! - this.dispH[s]! + 540) % 360) - 180;
      if (Number.isNaN(dh)) dh = 0;
      if (dx * dx + dy * dy > SNAP_M * SNAP_M || Math.abs(dz) > 0.01) {
        this.dispX[s] = tx; this.dispY[s] = ty; this.dispZ[s] = tz; dx = dy = 0;
      } else {
        this.dispX[s] = this.dispX[s]! + dx * a;
        this.dispY[s] = this.dispY[s]! + dy * a;
      }
      if (dx * dx + dy * dy > 1e-4 || Math.abs(dh) > 0.5) {
        this.dispH[s] = this.dispH[s]! + dh * a;
        moving = true;
      } else {
        // Within 1 cm and 0.5° of the record: land on it and stop rewriting this slot.
        this.dispX[s] = tx; this.dispY[s] = ty;
        if (!Number.isNaN(t.heading[s]!)) this.dispH[s] = t.heading[s]!;
        this.settled[s] = 1;
      }
    }
    // Matrices of the slots that moved, uploaded as one span per mesh (first..last written).
    for (let k = 0; k < this.meshes.length; k++) {
      const mesh = this.meshes[k]!;
      const list = this.lists[k]!;
      const m = mesh.instanceMatrix.array as Float32Array;
      let lo = -1, hi = -1;
      for (let i = 0; i < mesh.count; i++) {
        const s = list[i]!;
        if (!moved[s]) continue;
        this.writeMatrix(m, i, s, 1, 0);
        if (lo < 0) lo = i;
        hi = i;
      }
      if (lo >= 0) addRange(mesh.instanceMatrix, lo * 16, (hi - lo + 1) * 16);
    }
    const bm = this.badges.instanceMatrix.array as Float32Array;
    let lo = -1, hi = -1;
    for (let i = 0; i < this.badges.count; i++) {
      const s = this.badgeSlot[i]!;
      if (!moved[s]) continue;
      const k = t.kind[s]!;
      this.writeMatrix(bm, i, s, 1, k === KIND_BUS ? 3.4 : k === 2 ? 0.45 : 1.1);
      if (lo < 0) lo = i;
      hi = i;
    }
    if (lo >= 0) addRange(this.badges.instanceMatrix, lo * 16, (hi - lo + 1) * 16);
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
    if (!this.group.visible) return -1; // hidden (a simulation on the views): nothing to hover or click
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

  /** The trail attributes, sized for the table's capacity (TRAIL_VERTS vertices per slot). */
  private trailAttributes(): { pos: THREE.BufferAttribute; col: THREE.BufferAttribute } {
    const geom = this.trails.geometry;
    let pos = geom.getAttribute('position') as THREE.BufferAttribute;
    let col = geom.getAttribute('color') as THREE.BufferAttribute;
    const n = this.table.capacity * TRAIL_VERTS;
    if (pos.count < n) {
      pos = new THREE.Float32BufferAttribute(new Float32Array(n * 3), 3);
      col = new THREE.Float32BufferAttribute(new Float32Array(n * 3), 3);
      pos.setUsage(THREE.DynamicDrawUsage); col.setUsage(THREE.DynamicDrawUsage);
      geom.setAttribute('position', pos); geom.setAttribute('color', col);
      // A new buffer is uploaded whole: every slot's trail must be written now.
      for (let s = 0; s < this.table.count; s++) this.writeTrail(s, pos.array as Float32Array, col.array as Float32Array);
      this.trails.geometry.setDrawRange(0, this.table.count * TRAIL_VERTS);
    }
    return { pos, col };
  }

  /**
   * Slot s's trail into its own TRAIL_VERTS vertices (its latest TRAIL history samples as line
   * segments, fading toward the oldest); robots and buses on the shown storey only, the other
   * segments collapse to zero length (nothing is drawn for them).
   */
  private writeTrail(s: number, P: Float32Array, C: Float32Array): void {
    const t = this.table;
    const o = s * TRAIL_VERTS * 3;
    const n = this.visible[s] && (t.kind[s] === KIND_ROBOT || t.kind[s] === KIND_BUS) ? Math.min(TRAIL, t.histLen[s]!) : 0;
    if (n < 2) { P.fill(0, o, o + TRAIL_VERTS * 3); C.fill(0, o, o + TRAIL_VERTS * 3); return; }
    const z = this.targetZ(s) - markerHeight(t.kind[s]!) + 0.05;
    const [r, g, b] = entityColour(t, s);
    const base = s * HISTORY;
    // Oldest of the n samples first; the ring index wraps without a modulo per vertex.
    let j = t.histHead[s]! - n;
    if (j < 0) j += HISTORY;
    let v = o;
    let px = t.histX[base + j]!, py = t.histY[base + j]!, pf = 0.25 / 255;
    for (let k = 1; k < n; k++) {
      if (++j === HISTORY) j = 0;
      const x = t.histX[base + j]!, y = t.histY[base + j]!;
      const f = (0.25 + (0.75 * k) / (n - 1)) / 255;
      P[v] = px; P[v + 1] = z; P[v + 2] = -py;
      C[v] = r * pf; C[v + 1] = g * pf; C[v + 2] = b * pf;
      P[v + 3] = x; P[v + 4] = z; P[v + 5] = -y;
      C[v + 3] = r * f; C[v + 4] = g * f; C[v + 5] = b * f;
      v += 6;
      px = x; py = y; pf = f;
    }
    P.fill(0, v, o + TRAIL_VERTS * 3); C.fill(0, v, o + TRAIL_VERTS * 3);
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
