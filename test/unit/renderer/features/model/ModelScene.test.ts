/**
 * ModelScene in Node (three.js without a GL context): one mesh per batch with the batch's bounds,
 * the batch's own index drawn until something is hidden, and hide / isolate collapsing exactly
 * the chosen elements' triangles; the selection's highlight is drawn only while its element is.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as THREE from 'three';
import { IfcService } from '../../../../../workers/ifc/IfcService';
import { ElementLookup } from '../../../../../workers/ifc/geometry/ElementLookup';
import { VERTEX_STRIDE } from '../../../../../workers/ifc/geometry/ProcessedModel';
import { ModelScene } from '../../../../../renderer/features/model/ModelScene';

const root = resolve(__dirname, '../../../../..');
const file = 'duplex-apartment-ifc2x3.ifc';

describe('ModelScene', () => {
  const service = new IfcService({ wasmLocation: join(root, 'node_modules/web-ifc/'), cache: null });
  afterAll(() => service.dispose());

  it('draws each batch once, bounded by its vertices, and hides / isolates by collapsing triangles', async () => {
    const m = await service.open(new Uint8Array(readFileSync(resolve(root, '../shared/ifc', file))), { fileName: file });
    const lookup = new ElementLookup(m.index, m.batches);
    const scene = new ModelScene(m, lookup);
    const meshes: THREE.Mesh[] = [];
    scene.root.traverse((o) => {
      if ((o as THREE.Mesh).isMesh && o.name.startsWith('batch:')) meshes.push(o as THREE.Mesh);
    });
    expect(scene.drawCalls).toBe(m.batches.length);
    expect(meshes.length).toBe(m.batches.length);

    const p = new THREE.Vector3();
    for (const mesh of meshes) {
      const b = m.batches[mesh.userData.batch as number]!;
      const geo = mesh.geometry;
      expect(geo.index!.array).toBe(b.indices); // no copy until something is hidden
      const box = geo.boundingBox!;
      for (let o = 0; o < b.vertices.length; o += VERTEX_STRIDE * 5) {
        expect(box.containsPoint(p.set(b.vertices[o]!, b.vertices[o + 1]!, b.vertices[o + 2]!))).toBe(true);
        expect(geo.boundingSphere!.containsPoint(p)).toBe(true);
      }
    }

    const drawn = (batch: number): Uint32Array => meshes.find((x) => x.userData.batch === batch)!.geometry.index!.array as Uint32Array;
    const row = 0;
    const pieces = lookup.pieces(row);
    expect(pieces.length).toBeGreaterThan(0);
    const before = pieces.map((pc) => Array.from(m.batches[pc.batch]!.indices.subarray(pc.indexStart, pc.indexStart + pc.indexCount)));

    scene.applyVisibility({ hiddenStoreys: [], hiddenRows: [row], isolatedRows: null, xrayRows: null });
    for (const pc of pieces) {
      const idx = drawn(pc.batch);
      expect(idx).not.toBe(m.batches[pc.batch]!.indices);
      expect(idx.subarray(pc.indexStart, pc.indexStart + pc.indexCount).every((v) => v === 0)).toBe(true);
    }
    // The batch's original index is kept (picking and highlight read it).
    pieces.forEach((pc, k) => expect(Array.from(m.batches[pc.batch]!.indices.subarray(pc.indexStart, pc.indexStart + pc.indexCount))).toEqual(before[k]));

    // Isolate another element: row 0 comes back only where isolated, everything else collapses.
    const other = lookup.size - 1;
    scene.applyVisibility({ hiddenStoreys: [], hiddenRows: [], isolatedRows: [other], xrayRows: null });
    for (const pc of lookup.pieces(other)) {
      expect(Array.from(drawn(pc.batch).subarray(pc.indexStart, pc.indexStart + pc.indexCount))).toEqual(
        Array.from(m.batches[pc.batch]!.indices.subarray(pc.indexStart, pc.indexStart + pc.indexCount)),
      );
    }
    for (const pc of pieces) expect(drawn(pc.batch).subarray(pc.indexStart, pc.indexStart + pc.indexCount).every((v) => v === 0)).toBe(true);

    // Nothing hidden any more: every drawn index equals the original again.
    scene.applyVisibility({ hiddenStoreys: [], hiddenRows: [], isolatedRows: null, xrayRows: null });
    for (const mesh of meshes) expect(Array.from(drawn(mesh.userData.batch as number))).toEqual(Array.from(m.batches[mesh.userData.batch as number]!.indices));
    scene.dispose();
  });
  it('stops highlighting the selected element when it is hidden or isolated away, and highlights it again when it is shown', async () => {
    const m = await service.open(new Uint8Array(readFileSync(resolve(root, '../shared/ifc', file))), { fileName: file });
    const lookup = new ElementLookup(m.index, m.batches);
    const scene = new ModelScene(m, lookup);
    const overlay = scene.root.getObjectByName('ifc:highlight')!;
    // Triangles the highlight overlay draws (it shares the batches' vertices, its own index).
    const highlighted = (): number => overlay.children.reduce((n, o) => n + ((o as THREE.Mesh).geometry.index?.count ?? 0) / 3, 0);
    const none = { hiddenStoreys: [], hiddenRows: [], isolatedRows: null, xrayRows: null };
    const row = 0;
    const triangles = lookup.pieces(row).reduce((n, p) => n + p.indexCount / 3, 0);
    expect(triangles).toBeGreaterThan(0);

    scene.highlight([row]);
    expect(highlighted()).toBe(triangles);
    // Hide (element): before, the orange overlay kept drawing the whole element, so nothing changed on screen.
    scene.applyVisibility({ ...none, hiddenRows: [row] });
    expect(highlighted()).toBe(0);
    scene.applyVisibility(none); // Show all
    expect(highlighted()).toBe(triangles);
    // Isolating another element leaves the selected one out of the picture, highlight included.
    scene.applyVisibility({ ...none, isolatedRows: [lookup.size - 1] });
    expect(highlighted()).toBe(0);
    scene.applyVisibility({ ...none, isolatedRows: [row] });
    expect(highlighted()).toBe(triangles);
    scene.highlight([]);
    expect(highlighted()).toBe(0);
    scene.dispose();
  });
});
