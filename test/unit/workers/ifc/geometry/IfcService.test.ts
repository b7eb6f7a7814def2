/**
 * Every public IFC in /work/shared/ifc through the real web-ifc WASM in Node: the 3D view gets
 * few draw calls, every element with geometry is pickable, and properties name the element.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IfcService } from '../../../../../workers/ifc/IfcService';
import { ElementLookup } from '../../../../../workers/ifc/geometry/ElementLookup';
import { extractStructure } from '../../../../../workers/ifc/structure/extractStructure';
import { RANGE, RANGE_STRIDE, VERTEX_STRIDE } from '../../../../../workers/ifc/geometry/ProcessedModel';
import type { ProcessedModel } from '../../../../../workers/ifc/geometry/ProcessedModel';
import { IfcNotIfcError, IfcTruncatedError, IfcUnsupportedSchemaError, IfcNoGeometryError, IfcCancelledError, IfcDamagedError } from '../../../../../workers/ifc/IfcEngine';

const root = resolve(__dirname, '../../../../..');
const ifcDir = resolve(root, '../shared/ifc');
const wasm = join(root, 'node_modules/web-ifc/');
const files = existsSync(ifcDir) ? readdirSync(ifcDir).filter((f) => f.endsWith('.ifc')).sort() : [];

describe('IfcService on the shared IFC files', () => {
  const service = new IfcService({ wasmLocation: wasm, cache: null });
  afterAll(() => service.dispose());

  it('finds the shared test files', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  for (const file of files) {
    it(`${file}: batches, index and properties`, async () => {
      const bytes = new Uint8Array(readFileSync(join(ifcDir, file)));
      const phases = new Set<string>();
      const geometry: number[] = [];
      const m: ProcessedModel = await service.open(bytes, { fileName: file }, (phase, f) => {
        phases.add(phase);
        if (phase === 'geometry') geometry.push(f);
      });
      expect(phases.has('geometry')).toBe(true);
      // The progress bar only moves forward (web-ifc counts per IFC type, restarting for each) and ends full.
      expect(geometry.filter((f, i) => i > 0 && f < geometry[i - 1]!)).toEqual([]);
      expect(geometry[0]).toBe(0);
      expect(geometry.at(-1)).toBe(1);
      expect(geometry.filter((f) => f > 0 && f < 1).length).toBeGreaterThan(5);
      expect(m.batches.length).toBeGreaterThan(0);
      expect(m.summary.triangleCount).toBeGreaterThan(0);

      // Draw calls ≤ storeys × materials (+1 storey slot for elements outside any storey).
      const materials = new Set(m.batches.map((b) => b.color.join(',')));
      const storeySlots = m.storeys.length + 1;
      expect(m.batches.length).toBeLessThanOrEqual(storeySlots * materials.size);
      for (const b of m.batches) {
        expect(b.vertices.length % VERTEX_STRIDE).toBe(0);
        expect(b.indices.length % 3).toBe(0);
        const nVerts = b.vertices.length / VERTEX_STRIDE;
        let maxIndex = 0;
        for (const i of b.indices) if (i > maxIndex) maxIndex = i;
        expect(maxIndex).toBeLessThan(nVerts);
        expect(Number.isFinite(b.vertices[0]!)).toBe(true);
      }
      // Normals agree with the triangles' winding (placements applied to normals correctly).
      let agree = 0, checked = 0;
      for (const b of m.batches) {
        const v = b.vertices;
        for (let t = 0; t < b.indices.length; t += 3 * 7) {
          const [a, c, d] = [b.indices[t]! * VERTEX_STRIDE, b.indices[t + 1]! * VERTEX_STRIDE, b.indices[t + 2]! * VERTEX_STRIDE];
          const ux = v[c]! - v[a]!, uy = v[c + 1]! - v[a + 1]!, uz = v[c + 2]! - v[a + 2]!;
          const wx = v[d]! - v[a]!, wy = v[d + 1]! - v[a + 1]!, wz = v[d + 2]! - v[a + 2]!;
          const fx = uy * wz - uz * wy, fy = uz * wx - ux * wz, fz = ux * wy - uy * wx;
          if (Math.hypot(fx, fy, fz) < 1e-9) continue;
          checked++;
          if (fx * v[a + 3]! + fy * v[a + 4]! + fz * v[a + 5]! > 0) agree++;
        }
      }
      expect(agree / checked).toBeGreaterThan(0.9);
      let tris = 0;
      for (const b of m.batches) tris += b.indices.length / 3;
      expect(tris).toBe(m.summary.triangleCount);

      // Each batch carries the exact box of its vertices (the 3D view uses it instead of scanning
      // them), and the batches' boxes make up the model's.
      const union = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
      for (const b of m.batches) {
        const box = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
        for (let o = 0; o < b.vertices.length; o += VERTEX_STRIDE) {
          for (let k = 0; k < 3; k++) {
            box[k] = Math.min(box[k]!, b.vertices[o + k]!);
            box[k + 3] = Math.max(box[k + 3]!, b.vertices[o + k]!);
          }
        }
        expect(b.bounds).toEqual(box);
        for (let k = 0; k < 3; k++) {
          union[k] = Math.min(union[k]!, box[k]!);
          union[k + 3] = Math.max(union[k + 3]!, box[k + 3]!);
        }
      }
      expect(m.summary.bounds).toEqual(union);

      // Every range row covers its batch's triangles exactly once, in order.
      const look = new ElementLookup(m.index, m.batches);
      m.batches.forEach((b, bi) => {
        let next = 0;
        for (let r = b.rangeStart; r < b.rangeStart + b.rangeCount; r++) {
          expect(m.index.ranges[r * RANGE_STRIDE + RANGE.batch]).toBe(bi);
          expect(m.index.ranges[r * RANGE_STRIDE + RANGE.indexStart]).toBe(next);
          next += m.index.ranges[r * RANGE_STRIDE + RANGE.indexCount]!;
        }
        expect(next).toBe(b.indices.length);
      });

      // Every expressID with geometry is in the index, GlobalIds are IFC's 22-char ids.
      const ids = new Set(m.index.expressIDs);
      expect(ids.size).toBe(m.summary.elementCount);
      for (let row = 0; row < look.size; row++) {
        expect(look.rowOf(look.expressID(row))).toBe(row);
        expect(m.index.globalIds[row]).toMatch(/^[0-9A-Za-z_$]{22}$/);
        for (const p of look.pieces(row)) {
          // The middle triangle of each piece picks back to its element.
          const face = (p.indexStart + Math.floor(p.indexCount / 6) * 3) / 3;
          expect(look.rowAtTriangle(p.batch, face)).toBe(row);
        }
      }
      // Storeys: elements of storey batches carry that storey.
      for (const b of m.batches) {
        const r = b.rangeStart * RANGE_STRIDE;
        expect(m.index.storeys[m.index.ranges[r + RANGE.element]!]).toBe(b.storey);
      }

      // Properties of a few elements, lazily from web-ifc.
      for (const row of [0, Math.floor(look.size / 2), look.size - 1]) {
        const props = await service.properties(look.expressID(row));
        expect(props.globalId).toBe(m.index.globalIds[row]);
        expect(props.name).toBe(m.index.names[row]);
        expect(props.type).toBe(look.typeName(row));
        expect(props.type).toMatch(/^Ifc[A-Z]/);
      }
    });
  }

  it('the project sample building: three storeys, each drawn in its own batches', async () => {
    const sample = join(root, 'samples', 'testbed-complex.ifc');
    const m = await service.open(new Uint8Array(readFileSync(sample)), { fileName: 'testbed-complex.ifc' });
    expect(m.summary.schema).toBe('IFC4');
    expect(m.storeys.map((s) => s.name)).toEqual(['1F', '2F', '3F']);
    for (let s = 0; s < 3; s++) expect(m.batches.some((b) => b.storey === s)).toBe(true);
    const look = new ElementLookup(m.index, m.batches);
    const types = new Set([...Array(look.size).keys()].map((r) => look.typeName(r)));
    expect(types.has('IfcWall')).toBe(true);
    expect(types.has('IfcSlab')).toBe(true);
  });

  it('duplex: storeys sorted by elevation, walls have property sets with values', async () => {
    const file = 'duplex-apartment-ifc2x3.ifc';
    const m = await service.open(new Uint8Array(readFileSync(join(ifcDir, file))), { fileName: file });
    expect(m.storeys.length).toBe(4);
    const elevations = m.storeys.map((s) => s.elevation);
    expect([...elevations].sort((a, b) => a - b)).toEqual(elevations);
    expect(m.batches.filter((b) => b.storey >= 0).length).toBeGreaterThan(0);
    const look = new ElementLookup(m.index, m.batches);
    const wallRow = [...Array(look.size).keys()].find((r) => look.typeName(r) === 'IfcWallStandardCase');
    expect(wallRow).toBeDefined();
    const props = await service.properties(look.expressID(wallRow!));
    expect(props.propertySets.length).toBeGreaterThan(0);
    expect(props.propertySets.some((s) => s.rows.some((r) => r.value !== null))).toBe(true);
    expect(props.quantities.length + props.propertySets.length).toBeGreaterThan(0);
  });
});

describe('IfcService rejects bad input with typed errors', () => {
  const service = new IfcService({ wasmLocation: wasm, cache: null });
  let good: Uint8Array;
  beforeAll(() => {
    good = new Uint8Array(readFileSync(join(ifcDir, 'ifcopenhouse-ifc4.ifc')));
  });
  afterAll(() => service.dispose());
  const enc = (s: string) => new TextEncoder().encode(s);

  it('a non-IFC file', async () => {
    await expect(service.open(enc('PK\u0003\u0004 this is a zip'), { fileName: 'x.zip' })).rejects.toThrow(IfcNotIfcError);
    await expect(service.open(enc('PK'), { fileName: 'x.zip' })).rejects.toThrow(/^IfcNotIfcError: x\.zip: not an IFC file/);
  });
  it('a truncated file', async () => {
    await expect(service.open(good.subarray(0, Math.floor(good.length / 2)), { fileName: 'half.ifc' })).rejects.toThrow(IfcTruncatedError);
    await expect(service.open(good.subarray(0, 60), { fileName: 'tiny.ifc' })).rejects.toThrow(IfcTruncatedError);
  });
  it('an unsupported schema', async () => {
    const text = new TextDecoder().decode(good).replace(/FILE_SCHEMA\s*\(\s*\(\s*'IFC4'/, "FILE_SCHEMA(('IFC2X2_FINAL'");
    await expect(service.open(enc(text), { fileName: 'old.ifc' })).rejects.toThrow(IfcUnsupportedSchemaError);
  });
  it('a file web-ifc fails on inside (IFC4 entities under an IFC2X3 label): a typed error, and the service goes on', async () => {
    // With the structure extractor (GetLines fails on such a file; the geometry stream alone does not). The sample's
    // IFC4 doors (13 arguments) are what IFC2X3 lacks.
    const service = new IfcService({ wasmLocation: wasm, cache: null, structure: extractStructure });
    const m = await service.open(good, { fileName: 'house.ifc' });
    const sample = new Uint8Array(readFileSync(join(root, 'samples/testbed-complex.ifc')));
    const text = new TextDecoder().decode(sample).replace(/FILE_SCHEMA\s*\(\s*\(\s*'IFC4'/, "FILE_SCHEMA(('IFC2X3'");
    // Was a bare TypeError from web-ifc's GetLines ("FromRawLineData[…] is not a function").
    await expect(service.open(enc(text), { fileName: 'label.ifc' })).rejects.toThrow(IfcDamagedError);
    await expect(service.open(enc(text), { fileName: 'label.ifc' })).rejects.toThrow(/^IfcDamagedError: label\.ifc: web-ifc could not read the model \(TypeError: .*\): the file is damaged, or its entities do not match its FILE_SCHEMA "IFC2X3"$/);
    // The model shown before stays, its properties come from a fresh web-ifc, and the next open works.
    expect(service.status).toBe('loaded');
    expect((await service.properties(m.index.expressIDs[0]!)).globalId).toBe(m.index.globalIds[0]);
    expect((await service.open(good, { fileName: 'house.ifc' })).index.expressIDs.length).toBe(m.index.expressIDs.length);
    service.dispose();
  });
  it('coordinates of 1e300 m (a damaged placement): those elements are left out and named, the rest is shown; all of them out is an error', async () => {
    const kit = new TextDecoder().decode(readFileSync(join(ifcDir, 'kit-ac20-fzk-haus-ifc4.ifc')));
    // #429 is the building's placement origin: every element in the building lands 1e300 m out; the site's terrain does not.
    const far = kit.replace('#429= IFCCARTESIANPOINT((0.,0.,0.));', '#429= IFCCARTESIANPOINT((1.E300,0.,0.));');
    expect(far).not.toBe(kit);
    const m = await service.open(enc(far), { fileName: 'far.ifc' });
    // Before: 83 elements, bounds of ±Infinity (float32 of 1e300): a blank 3D view and a plan scale of "NaN mm".
    expect(m.summary.bounds.every(Number.isFinite)).toBe(true);
    expect(Math.max(...m.summary.bounds.map(Math.abs))).toBeLessThan(1000);
    expect(m.summary.skipped!.elements).toBe(82);
    expect(m.summary.skipped!.examples).toHaveLength(3);
    expect(m.summary.skipped!.examples[0]).toMatch(/^#\d+ IfcSlab 'Bodenplatte'$/);
    expect(m.index.expressIDs.length).toBe(1);
    expect(m.batches.every((b) => b.vertices.length > 0)).toBe(true);
    // Moving the site's origin (#112) too leaves nothing to show: the error says why.
    const allFar = far.replace('#112= IFCCARTESIANPOINT((0.,0.,0.));', '#112= IFCCARTESIANPOINT((1.E300,0.,0.));');
    await expect(service.open(enc(allFar), { fileName: 'allfar.ifc' })).rejects.toThrow(/^IfcNoGeometryError: allfar\.ifc: every element with geometry lies beyond 10000 km of the origin \(83, e\.g\. #\d+ /);
  });
  it('a valid IFC without any geometry', async () => {
    const text = new TextDecoder().decode(good);
    const header = text.slice(0, text.indexOf('DATA;'));
    const noGeo = `${header}DATA;\n#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'Empty',$,$,$,$,$,$);\nENDSEC;\nEND-ISO-10303-21;\n`;
    await expect(service.open(enc(noGeo), { fileName: 'empty.ifc' })).rejects.toThrow(IfcNoGeometryError);
  });
  it('a cancelled load, and the previous model stays usable', async () => {
    const m = await service.open(good, { fileName: 'house.ifc' });
    const ac = new AbortController();
    ac.abort();
    await expect(service.open(good, { fileName: 'house.ifc', signal: ac.signal })).rejects.toThrow(IfcCancelledError);
    expect(service.status).toBe('loaded');
    const props = await service.properties(m.index.expressIDs[0]!);
    expect(props.globalId).toBe(m.index.globalIds[0]);
  });
  it('cancel mid-stream from the progress callback', async () => {
    const ac = new AbortController();
    const p = service.open(good, { fileName: 'house.ifc', signal: ac.signal }, (phase, f) => {
      if (phase === 'geometry' && f > 0.3) ac.abort();
    });
    await expect(p).rejects.toThrow(IfcCancelledError);
    // web-ifc is still in a working state afterwards.
    const again = await service.open(good, { fileName: 'house.ifc' });
    expect(again.summary.triangleCount).toBeGreaterThan(0);
  });
});
