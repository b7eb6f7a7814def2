/**
 * The loaded IFC in three.js: one Mesh per geometry batch (storey × material) under one Group
 * per storey, built straight from the worker's transferred arrays (no copy of the vertices).
 *
 * Hide / isolate collapse an element's triangles to degenerate ones in the batch's working index
 * buffer instead of splitting the batch: draw calls stay one per storey × material, and three's
 * `faceIndex` keeps pointing into the original index ranges, so picking stays a binary search.
 * Highlight and x-ray are overlay meshes sharing the batch's vertex buffer with an index built
 * from the element's ranges. Positions are already in the three.js frame (see ProcessedModel).
 */
import * as THREE from 'three';
import type { ElementLookup } from '../../../workers/ifc/geometry/ElementLookup.js';
import { RANGE, RANGE_STRIDE, VERTEX_STRIDE, type ProcessedModel } from '../../../workers/ifc/geometry/ProcessedModel.js';

export interface VisibilityState {
  hiddenStoreys: readonly number[];
  hiddenRows: readonly number[];
  isolatedRows: readonly number[] | null;
  xrayRows: readonly number[] | null;
}

interface BatchMesh {
  mesh: THREE.Mesh;
  material: THREE.MeshStandardMaterial;
  vertices: THREE.InterleavedBuffer;
  original: Uint32Array;
  /** Copy of `original` with hidden elements' triangles collapsed; null while nothing was ever hidden. */
  working: Uint32Array | null;
  index: THREE.BufferAttribute;
}

const HIGHLIGHT = new THREE.Color('#ffb000');

export class ModelScene {
  readonly root = new THREE.Group();
  private readonly storeyGroups: THREE.Group[] = [];
  private readonly batches: BatchMesh[] = [];
  private readonly overlay = new THREE.Group();
  private readonly xray = new THREE.Group();
  private readonly highlightMaterial = new THREE.MeshStandardMaterial({
    color: HIGHLIGHT,
    emissive: HIGHLIGHT,
    emissiveIntensity: 0.45,
    side: THREE.DoubleSide,
    polygonOffset: true,
    polygonOffsetFactor: -2,
    polygonOffsetUnits: -2,
  });
  private xrayOn = false;
  /** Rows the caller asked to highlight; drawn only where the element is drawn (not hidden or isolated away). */
  private highlighted: readonly number[] = [];
  /** Per row, 1 when drawn; null while nothing is hidden or isolated. */
  private drawn: Uint8Array | null = null;

  constructor(
    readonly model: ProcessedModel,
    readonly lookup: ElementLookup,
  ) {
    this.root.name = `ifc:${model.summary.fileName}`;
    const slots = model.storeys.length + 1; // last slot: elements in no storey
    for (let s = 0; s < slots; s++) {
      const g = new THREE.Group();
      g.name = s < model.storeys.length ? `storey:${model.storeys[s]!.name}` : 'storey:(none)';
      this.storeyGroups.push(g);
      this.root.add(g);
    }
    model.batches.forEach((b, i) => {
      const vertices = new THREE.InterleavedBuffer(b.vertices, VERTEX_STRIDE);
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.InterleavedBufferAttribute(vertices, 3, 0));
      geometry.setAttribute('normal', new THREE.InterleavedBufferAttribute(vertices, 3, 3));
      // The batch's own index until something is hidden (see `applyVisibility`): no copy at load.
      const index = new THREE.BufferAttribute(b.indices, 1);
      geometry.setIndex(index);
      // Bounds come with the batch (computed while merging): no second pass over the vertices here.
      const [x0, y0, z0, x1, y1, z1] = b.bounds;
      geometry.boundingBox = new THREE.Box3(new THREE.Vector3(x0, y0, z0), new THREE.Vector3(x1, y1, z1));
      // Sphere around the box (slightly looser than three's tight fit, still conservative for culling
      // and picking), padded by 1 ppm so box corners stay inside despite rounding.
      geometry.boundingSphere = geometry.boundingBox.getBoundingSphere(new THREE.Sphere());
      geometry.boundingSphere.radius *= 1 + 1e-6;
      const [r, g, bl, a] = b.color;
      const material = new THREE.MeshStandardMaterial({
        color: new THREE.Color().setRGB(r, g, bl, THREE.SRGBColorSpace),
        transparent: a < 1,
        opacity: a,
        depthWrite: a >= 1,
        roughness: 0.85,
        metalness: 0,
        side: THREE.DoubleSide, // IFC authoring tools do not agree on winding
      });
      const mesh = new THREE.Mesh(geometry, material);
      mesh.name = `batch:${i}`;
      mesh.userData.batch = i;
      mesh.renderOrder = a < 1 ? 1 : 0;
      this.storeyGroups[b.storey >= 0 ? b.storey : slots - 1]!.add(mesh);
      this.batches.push({ mesh, material, vertices, original: b.indices, working: null, index });
    });
    this.overlay.name = 'ifc:highlight';
    this.xray.name = 'ifc:xray';
    this.root.add(this.overlay, this.xray);
  }

  get drawCalls(): number {
    return this.batches.length;
  }

  /** Bounds of the whole model (three.js frame). */
  box(): THREE.Box3 {
    const [a, b, c, d, e, f] = this.model.summary.bounds;
    return new THREE.Box3(new THREE.Vector3(a, b, c), new THREE.Vector3(d, e, f));
  }

  /** Bounds of one element's triangles. */
  elementBox(row: number): THREE.Box3 {
    const box = new THREE.Box3();
    const p = new THREE.Vector3();
    for (const piece of this.lookup.pieces(row)) {
      const bm = this.batches[piece.batch]!;
      const v = bm.vertices.array as Float32Array;
      for (let k = piece.indexStart; k < piece.indexStart + piece.indexCount; k++) {
        const o = bm.original[k]! * VERTEX_STRIDE;
        box.expandByPoint(p.set(v[o]!, v[o + 1]!, v[o + 2]!));
      }
    }
    return box;
  }

  /** Bounds of a storey's visible batches. */
  storeyBox(storey: number): THREE.Box3 {
    return new THREE.Box3().setFromObject(this.storeyGroups[storey] ?? this.root);
  }

  /**
   * Element row under the ray, or -1. Hidden, collapsed and sectioned-away triangles are skipped
   * (`maxY`: the section height; three's raycaster ignores clipping planes).
   */
  pick(raycaster: THREE.Raycaster, maxY: number | null): number {
    const targets = this.batches.filter((b) => b.mesh.parent?.visible).map((b) => b.mesh);
    for (const hit of raycaster.intersectObjects(targets, false)) {
      if (maxY !== null && hit.point.y > maxY) continue;
      if (hit.faceIndex === undefined || hit.faceIndex === null) continue;
      const row = this.lookup.rowAtTriangle(hit.object.userData.batch as number, hit.faceIndex);
      if (row >= 0) return row;
    }
    return -1;
  }

  /** Applies storey toggles, hidden and isolated rows (index collapsing) and x-ray (ghosting + overlay). */
  applyVisibility(v: VisibilityState): void {
    const hiddenStoreys = new Set(v.hiddenStoreys);
    this.storeyGroups.forEach((g, s) => (g.visible = !hiddenStoreys.has(s === this.model.storeys.length ? -1 : s)));

    const n = this.lookup.size;
    let visible: Uint8Array | null = null;
    if (v.isolatedRows || v.hiddenRows.length) {
      visible = new Uint8Array(n).fill(v.isolatedRows ? 0 : 1);
      if (v.isolatedRows) for (const r of v.isolatedRows) visible[r] = 1;
      for (const r of v.hiddenRows) visible[r] = 0;
    }
    const ranges = this.lookup.index.ranges;
    this.model.batches.forEach((b, i) => {
      const bm = this.batches[i]!;
      if (!visible && !bm.working) return; // never hidden: still drawing the original index
      if (!bm.working) {
        // First hide in this batch: from now on the attribute draws a working copy.
        bm.working = bm.original.slice();
        bm.index.array = bm.working;
      } else bm.working.set(bm.original);
      const working = bm.working;
      if (visible) {
        for (let k = b.rangeStart; k < b.rangeStart + b.rangeCount; k++) {
          const row = ranges[k * RANGE_STRIDE + RANGE.element]!;
          if (visible[row]) continue;
          const start = ranges[k * RANGE_STRIDE + RANGE.indexStart]!;
          working.fill(0, start, start + ranges[k * RANGE_STRIDE + RANGE.indexCount]!);
        }
      }
      bm.index.needsUpdate = true;
    });

    this.drawn = visible;
    this.setXray(v.xrayRows, visible);
    this.drawHighlight();
  }

  private setXray(rows: readonly number[] | null, visible: Uint8Array | null): void {
    this.clearGroup(this.xray, true);
    this.xrayOn = rows !== null;
    for (const bm of this.batches) {
      const base = (bm.mesh.userData.baseOpacity as number | undefined) ?? bm.material.opacity;
      bm.mesh.userData.baseOpacity = base;
      bm.material.transparent = this.xrayOn || base < 1;
      bm.material.opacity = this.xrayOn ? Math.min(base, 0.12) : base;
      bm.material.depthWrite = !this.xrayOn && base >= 1;
      bm.material.needsUpdate = true;
    }
    if (!rows) return;
    const shown = visible ? rows.filter((r) => visible[r]) : rows;
    for (const mesh of this.overlayMeshes(shown, (bm) => {
      const m = bm.material.clone();
      m.transparent = false;
      m.opacity = 1;
      m.depthWrite = true;
      return m;
    })) this.xray.add(mesh);
  }

  /**
   * Draws the highlight overlay on these rows (empty: none). A hidden element stays unhighlighted
   * until it is shown again: the overlay would otherwise draw it in full, so that hiding the selected
   * element changed nothing on screen.
   */
  highlight(rows: readonly number[]): void {
    this.highlighted = rows;
    this.drawHighlight();
  }

  private drawHighlight(): void {
    this.clearGroup(this.overlay, false);
    const drawn = this.drawn;
    const rows = drawn ? this.highlighted.filter((r) => drawn[r]) : this.highlighted;
    for (const mesh of this.overlayMeshes(rows, () => this.highlightMaterial)) {
      mesh.renderOrder = 2;
      this.overlay.add(mesh);
    }
  }

  /** One mesh per batch touched by `rows`, sharing the batch's vertices, index = those rows' ranges. */
  private overlayMeshes(rows: readonly number[], material: (bm: BatchMesh) => THREE.Material): THREE.Mesh[] {
    const perBatch = new Map<number, { start: number; count: number }[]>();
    for (const row of rows) {
      for (const p of this.lookup.pieces(row)) {
        let list = perBatch.get(p.batch);
        if (!list) perBatch.set(p.batch, (list = []));
        list.push({ start: p.indexStart, count: p.indexCount });
      }
    }
    const out: THREE.Mesh[] = [];
    for (const [batch, list] of perBatch) {
      const bm = this.batches[batch]!;
      let total = 0;
      for (const r of list) total += r.count;
      const idx = new Uint32Array(total);
      let w = 0;
      for (const r of list) {
        idx.set(bm.original.subarray(r.start, r.start + r.count), w);
        w += r.count;
      }
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', bm.mesh.geometry.getAttribute('position'));
      g.setAttribute('normal', bm.mesh.geometry.getAttribute('normal'));
      g.setIndex(new THREE.BufferAttribute(idx, 1));
      g.boundingSphere = bm.mesh.geometry.boundingSphere;
      const mesh = new THREE.Mesh(g, material(bm));
      mesh.visible = true;
      mesh.userData.storeyGroup = bm.mesh.parent;
      out.push(mesh);
    }
    return out;
  }

  /** Overlay meshes follow their storey's visibility. */
  syncOverlayVisibility(): void {
    for (const g of [this.overlay, this.xray]) {
      for (const child of g.children) {
        const parent = child.userData.storeyGroup as THREE.Object3D | undefined;
        child.visible = parent ? parent.visible : true;
      }
    }
  }

  private clearGroup(g: THREE.Group, disposeMaterials: boolean): void {
    for (const child of [...g.children]) {
      const m = child as THREE.Mesh;
      m.geometry.dispose(); // shares the batch's vertex buffer, but the GL index buffer is its own
      if (disposeMaterials) (m.material as THREE.Material).dispose();
      g.remove(child);
    }
  }

  dispose(): void {
    this.clearGroup(this.overlay, false);
    this.clearGroup(this.xray, true);
    this.highlightMaterial.dispose();
    for (const bm of this.batches) {
      bm.mesh.geometry.dispose();
      bm.material.dispose();
    }
    this.root.removeFromParent();
  }
}
