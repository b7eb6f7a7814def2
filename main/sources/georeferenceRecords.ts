/**
 * WGS84 telemetry → building frame (spec/telemetry.md: "WGS84 `lat`, `lon` … converted with the
 * model's georeference"). Applied by the TelemetryPipeline to every source's batches (NGSI-LD
 * GeoJSON `location`, MQTT states/positions with lat/lon, replays of them) once the session's
 * model has a georeference, so the hub, the page and the recording all get `x`/`y`.
 *
 * A State or Position with lat/lon and no x/y gets x/y (metres, common/georeference.ts) and, when
 * it names no floor, the entrance storey (outdoor assets such as the bus move at ground level).
 * lat/lon stay in the record; records that already carry x/y are left alone (local coordinates
 * are the more precise of the two).
 */
import type { BuildingStructure, Georeference } from '../../common/buildingStructure.js';
import { wgs84ToBuilding } from '../../common/georeference.js';
import type { TelemetryRecord } from '../../common/records.js';

export interface RecordFrame {
  georeference: Georeference;
  /** Floor given to WGS84 records that name none. */
  groundFloor: string | undefined;
}

/** The georeference of a structure and its entrance storey (the storey of its exits, else the one nearest elevation 0); null without one. */
export function recordFrameOf(structure: BuildingStructure): RecordFrame | null {
  if (!structure.georeference) return null;
  const exitStorey = structure.doors.find((d) => d.exit)?.storey;
  let ground = structure.storeys.find((s) => s.index === exitStorey);
  if (!ground) {
    for (const s of structure.storeys) if (!ground || Math.abs(s.elevation) < Math.abs(ground.elevation)) ground = s;
  }
  return { georeference: structure.georeference, groundFloor: ground?.name };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** The batch with x/y filled from lat/lon where missing; the same array when nothing needed it. */
export function georeferenceRecords(batch: readonly TelemetryRecord[], frame: RecordFrame): readonly TelemetryRecord[] {
  let out: TelemetryRecord[] | null = null;
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i]!;
    if (r.kind !== 'state' && r.kind !== 'position') continue;
    const rec = r.record;
    if (rec.lat === undefined || rec.lon === undefined || rec.x !== undefined) continue;
    const [x, y] = wgs84ToBuilding(frame.georeference, rec.lat, rec.lon);
    const floor = rec.floor ?? frame.groundFloor;
    out ??= batch.slice();
    out[i] = r.kind === 'state'
      ? { kind: 'state', record: { ...r.record, x: round3(x), y: round3(y), ...(floor !== undefined ? { floor } : {}) } }
      : { kind: 'position', record: { ...r.record, x: round3(x), y: round3(y), ...(floor !== undefined ? { floor } : {}) } };
  }
  return out ?? batch;
}
