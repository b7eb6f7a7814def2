/**
 * `twin ifc` and `twin samples` as a user runs them (built CLI): the spec/cli.md JSON on every shared
 * IFC file against the SOURCES.md table, the generated sample against its layout, and exit 2 with
 * the file name for bad input.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { twin, repoRoot, sharedDir } from '../helpers/twinCli';
import { buildTestbedLayout } from '../../common/testbedLayout';

interface Report {
  file: string;
  schema: string;
  storeys: { name: string; globalId: string; elevation: number; walkableArea: number; spaces: number; doors: number; exits: number }[];
  counts: Record<string, number>;
  elements: number;
  georeference: { lat: number; lon: number; trueNorth: number } | null;
  timings: { openMs: number; structureMs: number; geometryMs: number };
}

function ifcJson(file: string): Report {
  const r = twin(['ifc', file, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

/** SOURCES.md: schema, storeys, spaces, doors, stairs, stair flights. */
const TABLE: [string, string, number, number, number, number, number][] = [
  ['ifcopenhouse-ifc4.ifc', 'IFC4', 1, 0, 1, 0, 1],
  ['schependomlaan-xella-groundfloor-walls-ifc2x3.ifc', 'IFC2X3', 1, 0, 0, 0, 0],
  ['bim2sim-examplehom-ifc4.ifc', 'IFC4', 3, 11, 11, 0, 0],
  ['duplex-apartment-ifc2x3.ifc', 'IFC2X3', 4, 21, 14, 2, 2],
  ['kit-ac20-fzk-haus-ifc4.ifc', 'IFC4', 2, 7, 5, 1, 0],
  ['mini-project-ifc2x3.ifc', 'IFC2X3', 1, 0, 0, 0, 0],
  ['office-a-ifc2x3.ifc', 'IFC2X3', 3, 99, 102, 2, 4],
];

describe('twin ifc --json on the shared IFC files', () => {
  it.each(TABLE)('%s: counts equal SOURCES.md', (file, schema, storeys, spaces, doors, stairs, flights) => {
    const r = ifcJson(join(sharedDir, 'ifc', file));
    expect(r.schema).toBe(schema);
    expect(r.storeys).toHaveLength(storeys);
    expect(r.counts.IfcBuildingStorey ?? 0).toBe(storeys);
    expect(r.counts.IfcSpace ?? 0).toBe(spaces);
    expect(r.counts.IfcDoor ?? 0).toBe(doors);
    expect(r.counts.IfcStair ?? 0).toBe(stairs);
    expect(r.counts.IfcStairFlight ?? 0).toBe(flights);
    expect(r.storeys.reduce((a, s) => a + s.spaces, 0)).toBe(spaces);
    expect(r.storeys.reduce((a, s) => a + s.doors, 0)).toBe(doors);
    expect(r.elements).toBeGreaterThan(0);
    for (const s of r.storeys) expect(s.globalId).toMatch(/^[0-9A-Za-z_$]{22}$/);
    for (const k of ['openMs', 'structureMs', 'geometryMs'] as const) expect(r.timings[k]).toBeGreaterThanOrEqual(0);
  });

  it('office-a: 3 storeys, at least one exit, walkable area on every storey with spaces', () => {
    const r = ifcJson(join(sharedDir, 'ifc', 'office-a-ifc2x3.ifc'));
    expect(r.storeys.map((s) => s.name)).toEqual(['Level 1', 'Level 2', 'Roof']);
    expect(r.storeys.reduce((a, s) => a + s.exits, 0)).toBeGreaterThanOrEqual(1);
    for (const s of r.storeys.filter((x) => x.spaces > 0)) expect(s.walkableArea).toBeGreaterThan(0);
    expect(r.georeference).not.toBeNull();
  });

  it('schependomlaan (no spaces): still a walkable area, from the walls', () => {
    const r = ifcJson(join(sharedDir, 'ifc', 'schependomlaan-xella-groundfloor-walls-ifc2x3.ifc'));
    expect(r.storeys[0]!.spaces).toBe(0);
    expect(r.storeys[0]!.walkableArea).toBeGreaterThan(0);
    expect(r.georeference).toBeNull();
  });

  it('prints a human table naming the storeys without --json', () => {
    const r = twin(['ifc', join(sharedDir, 'ifc', 'office-a-ifc2x3.ifc')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/IFC2X3: 3 storeys, 99 spaces, 102 doors/);
    expect(r.stdout).toMatch(/^Level 2\s+4\.267\s+\d+\.\d\s+39\s+36\s+0/m);
    // The Roof's walkable slab area has no exit and no stair: said, so it is not read as floor people use.
    expect(r.stdout).toMatch(/^note: Roof \(\d+\.\d m² walkable\): no exit and no stair or ramp reach it, so nobody can leave it; derived scenarios leave it empty$/m);
    expect(r.stdout).not.toMatch(/^note: Level/m);
  });

  it('counts of one in the singular (it printed "1 storeys, 0 spaces, 1 doors (1 exits), 1 stairs/ramps")', () => {
    const r = twin(['ifc', join(sharedDir, 'ifc', 'ifcopenhouse-ifc4.ifc')]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('ifcopenhouse-ifc4.ifc — IFC4: 1 storey, 0 spaces, 1 door (1 exit), 1 stair/ramp, 35 products with geometry');
  });
});

describe('twin samples → twin ifc', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twin-ifc-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the bundled sample reports exactly the layout: storeys, spaces, doors, stairs, exits, georeference', () => {
    const layout = buildTestbedLayout();
    const r = ifcJson(join(repoRoot, 'samples', 'testbed-complex.ifc'));
    expect(r.schema).toBe('IFC4');
    expect(r.storeys.map((s) => [s.name, s.elevation])).toEqual(layout.storeys.map((s) => [s.name, s.elevation]));
    for (const s of r.storeys) {
      const i = layout.storeys.findIndex((x) => x.name === s.name);
      expect(s.spaces).toBe(layout.spaces.filter((x) => x.storey === i).length);
      expect(s.doors).toBe(layout.doors.filter((x) => x.storey === i).length);
      expect(s.exits).toBe(layout.doors.filter((x) => x.storey === i && x.exterior).length);
      expect(s.walkableArea).toBeGreaterThan(1000);
    }
    expect(r.counts.IfcSpace).toBe(layout.spaces.length);
    expect(r.counts.IfcDoor).toBe(layout.doors.length);
    expect(r.counts.IfcStair).toBe(layout.stairs.length);
    expect(r.counts.IfcStairFlight).toBe(layout.stairs.length);
    expect(r.counts.IfcWall).toBeGreaterThanOrEqual(layout.walls.length); // one per wall bay
    expect(r.georeference).toEqual(layout.georeference);
  });

  it('generates another size on request and reads it back with those counts', () => {
    const out = join(dir, 'b.ifc');
    const g = twin(['samples', '--storeys', '4', '--rooms', '3', '--out', out]);
    expect(g.code, g.stderr).toBe(0);
    const layout = buildTestbedLayout({ storeys: 4, roomsPerSide: 3 });
    const r = ifcJson(out);
    expect(r.storeys).toHaveLength(4);
    expect(r.counts.IfcSpace).toBe(layout.spaces.length);
    expect(r.counts.IfcStair).toBe(6);
    expect(r.storeys.reduce((a, s) => a + s.exits, 0)).toBe(2);
  });

  it('twin samples rejects a bad size naming the flag', () => {
    const r = twin(['samples', '--storeys', '0', '--out', join(dir, 'x.ifc')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--storeys');
  });
});

describe('twin ifc on bad input exits 2 naming the file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twin-ifc-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const header = "ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nFILE_NAME('x.ifc','',(''),(''),'','','');\nFILE_SCHEMA(('%SCHEMA%'));\nENDSEC;\nDATA;\n";
  const cases: [string, () => Buffer | string, RegExp][] = [
    ['random.ifc', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), /not an IFC file/],
    ['truncated.ifc', () => readFileSync(join(sharedDir, 'ifc', 'office-a-ifc2x3.ifc')).subarray(0, 300_000), /truncated/],
    ['empty.ifc', () => '', /empty file/],
    ['no-entities.ifc', () => header.replace('%SCHEMA%', 'IFC4') + 'ENDSEC;\nEND-ISO-10303-21;\n', /no entities/],
    ['old-schema.ifc', () => header.replace('%SCHEMA%', 'IFC2X2_FINAL') + 'ENDSEC;\nEND-ISO-10303-21;\n', /not supported/],
    [
      'no-storeys.ifc',
      () => header.replace('%SCHEMA%', 'IFC4') + "#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'P',$,$,$,$,$,$);\nENDSEC;\nEND-ISO-10303-21;\n",
      /no IfcBuildingStorey/,
    ],
    // web-ifc failed inside on these (a TypeError, a WASM trap) and the CLI printed its stack with exit 1.
    [
      'ifc4-labelled-ifc2x3.ifc',
      () => readFileSync(join(repoRoot, 'samples', 'testbed-complex.ifc'), 'latin1').replace("FILE_SCHEMA(('IFC4'))", "FILE_SCHEMA(('IFC2X3'))"),
      /web-ifc could not read the model \(TypeError: .*\): the file is damaged, or its entities do not match its FILE_SCHEMA "IFC2X3"$/m,
    ],
    [
      'unbalanced.ifc',
      () => readFileSync(join(repoRoot, 'samples', 'testbed-complex.ifc'), 'latin1').replace('#5=IFCAXIS2PLACEMENT3D(#1,#3,#4);', '#5=IFCAXIS2PLACEMENT3D((((((#1,#3,#4);'),
      /web-ifc could not read the model \(TypeError: .*\): the file is damaged/,
    ],
  ];
  it.each(cases)('%s', (name, bytes, why) => {
    const file = join(dir, name);
    writeFileSync(file, bytes());
    const r = twin(['ifc', file, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });

  it('a folder or a missing path', () => {
    const a = twin(['ifc', dir]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`${dir}: not a file`);
    const b = twin(['ifc', join(dir, 'missing.ifc')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('missing.ifc: no such file');
  });
});
