/**
 * `twin ifc FILE.ifc [--json]`: what an IFC model holds (contract: shared/spec/cli.md) — schema,
 * storeys (name, GlobalId, elevation, walkable area, spaces, doors, exits), entity counts, products
 * with geometry, georeference and load timings. Bad input exits 2 naming the file: not a file, not
 * IFC, truncated, unsupported schema, no entities, no storeys, no geometry.
 *
 * `loadIfcStructure` is the same load for other commands (`twin simulate FILE.ifc`).
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { IfcEngine, IfcOpenError } from '../../../workers/ifc/IfcEngine.js';
import type { BuildingStructure } from '../../../workers/ifc/structure/BuildingStructure.js';
import { extractStructure } from '../../../workers/ifc/structure/extractStructure.js';
import { parseFlags, UsageError, type CliCommand } from '../command.js';
import { counted } from '../../../common/plural.js';

const HELP = `Usage: twin ifc FILE.ifc [--json]

Reads an IFC model (IFC2X3, IFC4, IFC4X3) and reports what it holds: schema; storeys with name,
GlobalId, elevation, walkable area (spaces or slabs minus walls, columns and furniture cut at 1 m,
doors kept passable), spaces, doors and exits (exterior doors on the entrance level); counts of
every entity type; products with geometry; georeference (IfcSite); load timings.

Options:
  --json    machine-readable output (shape in spec/cli.md)

Exit codes: 0 success; 2 bad input (not a file, not IFC, truncated, unsupported schema, no storeys,
no geometry) with a message naming the file.

Examples:
  twin ifc samples/testbed-complex.ifc
  twin ifc ../shared/ifc/office-a-ifc2x3.ifc --json
`;

/** The `twin ifc --json` document (spec/cli.md). */
export interface IfcReport {
  file: string;
  schema: string;
  storeys: { name: string; globalId: string; elevation: number; walkableArea: number; spaces: number; doors: number; exits: number }[];
  counts: Record<string, number>;
  elements: number;
  georeference: { lat: number; lon: number; trueNorth: number } | null;
  timings: { openMs: number; structureMs: number; geometryMs: number };
  /** Elements left out of the structure: coordinates beyond 10 000 km of the origin (a damaged placement). Absent when none. */
  skipped?: { elements: number; examples: string[] };
}

export interface LoadedIfcStructure {
  structure: BuildingStructure;
  /** Time web-ifc took to parse the file, ms. */
  openMs: number;
}

function webIfcDir(): string {
  return `${dirname(createRequire(import.meta.url).resolve('web-ifc'))}/`;
}

/**
 * Opens `file` with web-ifc, extracts its structure and closes it. Throws a UsageError (exit 2)
 * naming the file for every kind of bad input; other errors are runtime failures.
 */
export async function loadIfcStructure(file: string, command = 'ifc'): Promise<LoadedIfcStructure> {
  const name = file;
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new UsageError(`twin ${command}: ${name}: no such file`);
  }
  if (!isFile) throw new UsageError(`twin ${command}: ${name}: not a file`);
  const bytes = new Uint8Array(readFileSync(file));
  if (bytes.byteLength === 0) throw new UsageError(`twin ${command}: ${name}: empty file (expected an IFC STEP file)`);
  const engine = new IfcEngine();
  try {
    await engine.init(webIfcDir());
    let opened: { modelID: number; schema: string };
    const t0 = performance.now();
    try {
      opened = engine.open(bytes, name);
    } catch (e) {
      if (e instanceof IfcOpenError) throw new UsageError(`twin ${command}: ${e.message.replace(/^Ifc\w+Error: /, '')}`);
      throw e;
    }
    const openMs = performance.now() - t0;
    const api = engine.api;
    if (api.GetAllLines(opened.modelID).size() === 0) throw new UsageError(`twin ${command}: ${name}: the IFC file holds no entities (empty DATA section)`);
    let structure: BuildingStructure;
    try {
      structure = engine.read(opened.modelID, name, (a) => extractStructure(a, opened.modelID));
    } catch (e) {
      if (e instanceof IfcOpenError) throw new UsageError(`twin ${command}: ${e.message.replace(/^Ifc\w+Error: /, '')}`);
      throw e;
    }
    if (structure.storeys.length === 0) throw new UsageError(`twin ${command}: ${name}: no IfcBuildingStorey in the model (a building needs at least one storey)`);
    if (structure.elements === 0) throw new UsageError(`twin ${command}: ${name}: no geometry (no product in the model has a shape web-ifc can mesh)`);
    return { structure, openMs };
  } finally {
    engine.dispose();
  }
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** The spec/cli.md report of a loaded structure. */
export function ifcReport(file: string, { structure: s, openMs }: LoadedIfcStructure): IfcReport {
  return {
    file,
    schema: s.schema,
    storeys: s.storeys.map((st) => ({
      name: st.name,
      globalId: st.globalId,
      elevation: r3(st.elevation),
      walkableArea: r1(st.walkableArea),
      spaces: s.spaces.filter((x) => x.storey === st.index).length,
      doors: s.doors.filter((x) => x.storey === st.index).length,
      exits: s.doors.filter((x) => x.storey === st.index && x.exit).length,
    })),
    counts: s.counts,
    elements: s.elements,
    georeference: s.georeference ? { lat: Math.round(s.georeference.lat * 1e7) / 1e7, lon: Math.round(s.georeference.lon * 1e7) / 1e7, trueNorth: r3(s.georeference.trueNorth) } : null,
    timings: { openMs: r1(openMs), structureMs: r1(s.timings.structureMs), geometryMs: r1(s.timings.geometryMs) },
    ...(s.skipped ? { skipped: s.skipped } : {}),
  };
}

/** Entity types worth a line in the human table (building elements and spatial structure). */
const TABLE_TYPES = /^Ifc(BuildingStorey|Space|Door|Window|Stair|StairFlight|Ramp|RampFlight|Wall\w*|Slab|Roof|Column\w*|Beam|Member|Plate|CurtainWall|Railing|Covering|Furnishing\w*|Furniture|BuildingElement\w*|OpeningElement|FlowTerminal|SanitaryTerminal)$/;

function table(r: IfcReport, s: BuildingStructure): string {
  const lines: string[] = [];
  const spaces = s.spaces.length;
  const exits = s.doors.filter((d) => d.exit).length;
  lines.push(`${basename(r.file)} — ${r.schema}: ${counted(r.storeys.length, 'storey')}, ${counted(spaces, 'space')}, ` +
    `${counted(s.doors.length, 'door')} (${counted(exits, 'exit')}), ${counted(s.stairs.length, 'stair/ramp', 'stairs/ramps')}, ` +
    `${counted(r.elements, 'product')} with geometry`);
  lines.push(r.georeference ? `georeference: lat ${r.georeference.lat}, lon ${r.georeference.lon}, true north ${r.georeference.trueNorth}°` : 'georeference: none');
  lines.push('');
  const head = ['storey', 'elevation m', 'walkable m²', 'spaces', 'doors', 'exits', 'globalId'];
  const rows = r.storeys.map((st) => [st.name, st.elevation.toFixed(3), st.walkableArea.toFixed(1), String(st.spaces), String(st.doors), String(st.exits), st.globalId]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 || i === row.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  // A storey with walkable area that no exit and no stair or ramp reaches: nobody can leave it (office-a's Roof, 1 609 m²).
  for (const st of r.storeys) {
    const stairs = s.stairs.filter((x) => x.fromStorey !== x.toStorey && (s.storeys[x.fromStorey]?.name === st.name || s.storeys[x.toStorey]?.name === st.name)).length;
    if (st.walkableArea > 0 && st.exits === 0 && stairs === 0) lines.push(`note: ${st.name} (${st.walkableArea.toFixed(1)} m² walkable): no exit and no stair or ramp reach it, so nobody can leave it; derived scenarios leave it empty`);
  }
  lines.push('');
  const counts = Object.entries(r.counts).filter(([t]) => TABLE_TYPES.test(t));
  lines.push(`elements: ${counts.map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`);
  for (const st of s.stairs.filter((x) => x.fromStorey !== x.toStorey)) {
    lines.push(`${st.type} "${st.name}": ${s.storeys[st.fromStorey]!.name} → ${s.storeys[st.toStorey]!.name}, rise ${st.rise.toFixed(2)} m, length ${st.length.toFixed(2)} m, width ${st.width.toFixed(2)} m`);
  }
  if (r.skipped) lines.push(`left out: ${counted(r.skipped.elements, 'element')} whose coordinates lie beyond 10 000 km of the origin (${r.skipped.examples.join(', ')}): the file is damaged or its coordinates are not metres`);
  lines.push(`timings: open ${r.timings.openMs} ms, structure ${r.timings.structureMs} ms, geometry ${r.timings.geometryMs} ms`);
  return lines.join('\n') + '\n';
}

export const ifcCommand: CliCommand = {
  name: 'ifc',
  summary: 'what an IFC model holds: storeys, spaces, doors, exits, walkable area, counts, georeference',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseFlags('ifc', args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(`twin ifc: expected one FILE.ifc, got ${positionals.length} arguments (see twin ifc --help)`);
    const file = positionals[0]!;
    const loaded = await loadIfcStructure(file);
    const report = ifcReport(file, loaded);
    io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : table(report, loaded.structure));
    return 0;
  },
};
