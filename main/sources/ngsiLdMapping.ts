/**
 * NGSI-LD entities (Smart Data Models: Device, Vehicle, Robot, PeopleFlowObserved, CrowdFlowObserved) → the records of
 * spec/telemetry.md, from either representation: normalized (`{ type: "Property", value, observedAt }`, GeoProperty,
 * Relationship) or keyValues (plain values). The table is in docs/ngsi-ld.md; the source (transport, retries,
 * subscriptions) is ngsiLd.ts.
 */
import { ISO_TIME } from '../../common/records.js';
import type { InputKind } from './normalise.js';

export type Json = Record<string, unknown>;

/** An attribute's value in either representation (normalized Property/GeoProperty/Relationship, or keyValues). */
function attr(e: Json, ...names: string[]): unknown {
  for (const n of names) {
    const a = e[n];
    if (a === undefined) continue;
    if (a !== null && typeof a === 'object' && !Array.isArray(a)) {
      const o = a as Json;
      if (o.type === 'Property' || o.type === 'GeoProperty') return unwrapLd(o.value);
      if (o.type === 'Relationship') return o.object;
      if ('value' in o && !('coordinates' in o)) return unwrapLd(o.value);
    }
    return unwrapLd(a);
  }
  return undefined;
}

/** JSON-LD typed literal `{ "@type": "DateTime", "@value": "…" }` → its value. */
function unwrapLd(v: unknown): unknown {
  return v !== null && typeof v === 'object' && '@value' in (v as Json) ? (v as Json)['@value'] : v;
}

/** Latest `observedAt` over the entity's attributes (normalized form), as epoch ms. */
function observedAt(e: Json): number | undefined {
  let best: number | undefined;
  for (const v of Object.values(e)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = (v as Json).observedAt;
      if (typeof o === 'string' && ISO_TIME.test(o)) {
        const ms = Date.parse(o);
        if (Number.isFinite(ms) && (best === undefined || ms > best)) best = ms;
      }
    }
  }
  return best;
}

/** "urn:ngsi-ld:Vehicle:bus-1" → "bus-1" (the app shows short ids; the type is known). */
export function shortId(id: string, type: string): string {
  const prefix = `urn:ngsi-ld:${type}:`;
  return id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : id;
}

const STATES = new Set(['idle', 'moving', 'charging', 'error', 'manual', 'offline']);

function mapState(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (STATES.has(s)) return s;
  switch (s) {
    case 'onRoute':
    case 'driving':
    case 'working':
    case 'navigating':
      return 'moving';
    case 'parked':
    case 'ok':
    case 'waiting':
      return 'idle';
    case 'broken':
    case 'failure':
    case 'fault':
      return 'error';
    case 'outOfService':
    case 'disconnected':
      return 'offline';
    default:
      return s; // left as is: validation rejects it with the field named
  }
}

function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** Battery as 0..1 (Smart Data Models use 0..1; values above 1 are taken as percent). */
function battery(v: unknown): unknown {
  return typeof v === 'number' && v > 1 && v <= 100 ? v / 100 : v;
}

export type NgsiMapped = { kind: InputKind; value: Json } | { kind: 'unmapped'; reason: string };

/**
 * Maps one NGSI-LD entity to a record value (validated afterwards by the normal edge schemas).
 * `fallbackT` (notifiedAt or receive time) is used when the entity carries no observation time.
 */
export function mapNgsiEntity(e: Json, fallbackT: number): NgsiMapped {
  const type = typeof e.type === 'string' ? e.type : Array.isArray(e.type) && typeof e.type[0] === 'string' ? e.type[0] : undefined;
  const rawId = typeof e.id === 'string' ? e.id : undefined;
  if (!type || !rawId) return { kind: 'unmapped', reason: 'invalid NGSI-LD entity — missing id or type' };
  const id = shortId(rawId, type);
  const t = observedAt(e) ?? attr(e, 'dateObserved', 'dateModified', 'modifiedAt', 'observedAt') ?? fallbackT;
  const loc = attr(e, 'location');
  const where: Json = {};
  if (loc && typeof loc === 'object' && (loc as Json).type === 'Point' && Array.isArray((loc as Json).coordinates)) {
    const [lon, lat, alt] = (loc as Json).coordinates as unknown[];
    where.lon = lon;
    where.lat = lat;
    if (alt !== undefined) where.alt = alt;
  } else if (loc !== undefined) {
    return { kind: 'unmapped', reason: `invalid NGSI-LD location — ${type} ${rawId}: location is not a GeoJSON Point` };
  }
  const x = attr(e, 'x');
  const y = attr(e, 'y');
  if (x !== undefined || y !== undefined) Object.assign(where, { x, y });
  const floor = attr(e, 'floor', 'level', 'refBuildingStorey');
  if (floor !== undefined) where.floor = typeof floor === 'number' ? String(floor) : floor;
  const drop = (o: Json) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

  switch (type) {
    case 'Vehicle': {
      const vehicleType = firstString(attr(e, 'vehicleType', 'category'));
      const speedKmh = attr(e, 'speed');
      return {
        kind: 'state',
        value: drop({
          id, t, kind: vehicleType === 'bus' || vehicleType === 'minibus' ? 'bus' : 'vehicle', type: vehicleType, ...where,
          heading: attr(e, 'heading', 'bearing'),
          // Smart Data Models Vehicle.speed is km/h; records are m/s.
          speed: typeof speedKmh === 'number' ? speedKmh / 3.6 : speedKmh,
          battery: battery(attr(e, 'batteryLevel')),
          state: mapState(attr(e, 'serviceStatus', 'vehicleState', 'status')),
          task: attr(e, 'currentTrip', 'refVehicleRoute', 'task') ?? undefined,
        }),
      };
    }
    case 'Robot':
      return {
        kind: 'state',
        value: drop({
          id, t, kind: 'robot', type: firstString(attr(e, 'robotType', 'category')), ...where,
          heading: attr(e, 'heading'),
          speed: attr(e, 'speed'),
          battery: battery(attr(e, 'batteryLevel', 'battery')),
          state: mapState(attr(e, 'robotState', 'state', 'status')),
          task: attr(e, 'currentTask', 'task'),
          error: attr(e, 'errorMessage', 'error'),
        }),
      };
    case 'Device':
      return {
        kind: 'state',
        value: drop({
          id, t, kind: 'sensor', type: firstString(attr(e, 'category', 'controlledProperty')), ...where,
          battery: battery(attr(e, 'batteryLevel')),
          state: mapState(attr(e, 'deviceState')),
          value: attr(e, 'value'),
        }),
      };
    case 'PeopleFlowObserved':
    case 'CrowdFlowObserved': {
      const zone = attr(e, 'refZone', 'zone', 'name') ?? id;
      return { kind: 'count', value: drop({ zone: typeof zone === 'string' ? shortId(zone, 'Zone') : zone, t, count: attr(e, 'peopleCount', 'occupancy') }) };
    }
    default:
      return { kind: 'unmapped', reason: `unmapped NGSI-LD type — ${type} (${rawId}); see docs/ngsi-ld.md` };
  }
}
