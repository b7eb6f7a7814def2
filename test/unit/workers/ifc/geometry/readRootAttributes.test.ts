/**
 * readRootAttributes reads GlobalId / Name / entity from the STEP bytes only where that gives
 * exactly what web-ifc would say, and hands every other row back as unresolved.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRootAttributes } from '../../../../../workers/ifc/geometry/readRootAttributes';
import { IfcEngine } from '../../../../../workers/ifc/IfcEngine';

const root = resolve(__dirname, '../../../../..');
const ifcDir = resolve(root, '../shared/ifc');
const files = existsSync(ifcDir) ? readdirSync(ifcDir).filter((f) => f.endsWith('.ifc')).sort() : [];
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('readRootAttributes on hand-written STEP lines', () => {
  const text = [
    'ISO-10303-21;',
    'DATA;',
    "#10=IFCWALL('0YvctVUKr0kugbFTf53O9L',#5,'Wall A',$,$,#20,#21,$,.STANDARD.);",
    "  #11 = IfcSlab ( '1YvctVUKr0kugbFTf53O9L' , #5 , $ , 'desc');",
    "#12=IFCDOOR('2YvctVUKr0kugbFTf53O9L',#5,'T\\X2\\00FC\\X0\\r',$);",
    "#13=IFCDOOR('3YvctVUKr0kugbFTf53O9L',#5,'it''s',$);",
    "#14=IFCBEAM('4YvctVUKr0kugbFTf53O9L',#5,'Träger',$);",
    "#15=IFCPLATE('5YvctVUKr0kugbFTf53O9L',#5,'a');#16=IFCMEMBER('6YvctVUKr0kugbFTf53O9L',#5,'b');",
    "#17=IFCCOLUMN('7YvctVUKr0kugbFTf53O9L',*,*);",
    "#18=IFCCOLUMN('8YvctVUKr0kugbFTf53O9L',#5,'long",
    "name',$);",
    "#19=IFCCOLUMN('9YvctVUKr0kugbFTf53O9L',#5,'first');",
    "#19=IFCCOLUMN('AYvctVUKr0kugbFTf53O9L',#5,'again');",
    'ENDSEC;',
    'END-ISO-10303-21;',
  ].join('\r\n');
  const ids = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 99];
  const r = readRootAttributes(enc(text), ids);

  it('reads plain lines, with spaces, lower-case entity names and $ / * as empty', () => {
    expect([r.entity[0], r.globalIds[0], r.names[0]]).toEqual(['IFCWALL', '0YvctVUKr0kugbFTf53O9L', 'Wall A']);
    expect([r.entity[1], r.globalIds[1], r.names[1]]).toEqual(['IFCSLAB', '1YvctVUKr0kugbFTf53O9L', '']);
    expect([r.entity[7], r.names[7]]).toEqual(['IFCCOLUMN', '']);
  });

  it('leaves escapes, doubled quotes, non-ASCII bytes, shared or broken lines and repeated ids to web-ifc', () => {
    // rows: 12 escape, 13 '', 14 UTF-8, 16 second entity on a line, 18 string over two lines, 19 twice, 99 missing
    expect(r.unresolved).toEqual([2, 3, 4, 6, 8, 9, 10]);
    // The first entity of a shared line is still plain and read.
    expect([r.entity[5], r.names[5]]).toEqual(['IFCPLATE', 'a']);
  });
});

describe('readRootAttributes agrees with web-ifc on the shared IFC files', () => {
  const engine = new IfcEngine();
  afterAll(() => engine.dispose());

  for (const file of files) {
    it(file, async () => {
      await engine.init(join(root, 'node_modules/web-ifc/'));
      const bytes = new Uint8Array(readFileSync(join(ifcDir, file)));
      const { modelID } = engine.open(bytes, file);
      const api = engine.api;
      const ids: number[] = [];
      api.StreamAllMeshes(modelID, (mesh) => void ids.push(mesh.expressID));
      const r = readRootAttributes(bytes, ids);
      const unresolved = new Set(r.unresolved);
      expect(unresolved.size).toBeLessThan(ids.length / 10 + 1);
      const lines = api.GetRawLinesData(modelID, ids);
      let compared = 0;
      lines.forEach((line, i) => {
        if (unresolved.has(i)) return;
        expect(line.ID).toBe(ids[i]);
        expect(r.entity[i]).toBe(String(api.GetNameFromTypeCode(line.type)).toUpperCase());
        expect(r.globalIds[i]).toBe((line.arguments[0] as { value: string }).value);
        const name = (line.arguments[2] as { value?: unknown } | null)?.value;
        expect(r.names[i]).toBe(typeof name === 'string' ? name : '');
        compared++;
      });
      expect(compared).toBeGreaterThan(0);
      engine.close(modelID);
    });
  }
});
