/**
 * Normalised telemetry records (contract: shared/spec/telemetry.md).
 *
 * Every source (testbed simulator, MQTT, NGSI-LD, MCAP replay, simulation run) yields these.
 * The zod schemas are the edge validators for external input; inside the app the inferred
 * types are trusted. Times on the wire are ISO 8601 strings or epoch milliseconds; after
 * normalisation `t` is always epoch milliseconds (number) — see `normaliseTime`.
 *
 * Units: metres in the building frame (x east, y north, z up), degrees for heading
 * (0 = +y north, clockwise), battery 0..1, RSSI in dBm.
 */
import { z } from 'zod';

/** Earliest and latest epoch ms accepted as a record time (2000-01-01 .. 2100-01-01). */
export const MIN_EPOCH_MS = 946_684_800_000;
export const MAX_EPOCH_MS = 4_102_444_800_000;

const finite = z.number().finite();

/**
 * An ISO 8601 date or date-time (`2026-12-06`, `2026-12-06T08:15:30.250Z`, `…+09:00`; T or a space between). JavaScript's
 * Date.parse alone also takes "12" (2001-12-01), "0" (2000-01-01) and "hello 2020": one such time spoiled a recording's
 * time range, so strings must have this shape before they are parsed.
 */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** A wire time: ISO 8601 string or epoch milliseconds, normalised to epoch ms. */
export const TimeSchema = z
  .union([z.string().min(1), finite], { error: (iss) => `${iss.input === undefined ? 'missing (expected' : 'expected'} an ISO 8601 time or epoch milliseconds${iss.input === undefined ? ')' : ''}` })
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : ISO_TIME.test(v) ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `not an ISO 8601 time: ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    if (ms < MIN_EPOCH_MS || ms > MAX_EPOCH_MS) {
      ctx.addIssue({ code: 'custom', message: `time out of range (2000..2100): ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ms;
  });

export const ENTITY_STATES = ['idle', 'moving', 'charging', 'error', 'manual', 'offline'] as const;
export type EntityStateName = (typeof ENTITY_STATES)[number];

/** Entity kinds the app draws specially; any other non-empty string is accepted too. */
export const KNOWN_KINDS = ['robot', 'bus', 'sensor', 'person'] as const;

/** Largest |x|, |y|, |z| accepted in the building frame, m (1 000 km: far beyond any site, short of absurd). */
export const MAX_COORD_M = 1e6;
/** Largest speed accepted, m/s. */
export const MAX_SPEED_MS = 1000;
const coord = finite.min(-MAX_COORD_M).max(MAX_COORD_M);

const Location = {
  floor: z.string().min(1).optional(),
  x: coord.optional(),
  y: coord.optional(),
  z: coord.optional(),
  lat: finite.min(-90).max(90).optional(),
  lon: finite.min(-180).max(180).optional(),
  alt: finite.optional(),
};

/** State of a robot, the bus, a sensor or another moving asset. */
export const StateSchema = z
  .object({
    id: z.string().min(1).max(200),
    kind: z.string().min(1).max(64),
    type: z.string().max(64).optional(),
    t: TimeSchema,
    ...Location,
    heading: finite.optional(),
    speed: finite.min(0).max(MAX_SPEED_MS).optional(),
    battery: finite.min(0).max(1).optional(),
    state: z.enum(ENTITY_STATES).optional(),
    task: z.string().max(500).nullable().optional(),
    error: z.string().max(500).nullable().optional(),
  })
  .passthrough()
  .superRefine((r, ctx) => {
    const local = r.x !== undefined || r.y !== undefined;
    const geo = r.lat !== undefined || r.lon !== undefined;
    if (local && (r.x === undefined || r.y === undefined)) {
      ctx.addIssue({ code: 'custom', path: [r.x === undefined ? 'x' : 'y'], message: 'x and y come together' });
    }
    if (geo && (r.lat === undefined || r.lon === undefined)) {
      ctx.addIssue({ code: 'custom', path: [r.lat === undefined ? 'lat' : 'lon'], message: 'lat and lon come together' });
    }
  });
export type StateRecord = z.output<typeof StateSchema>;

/** A phone or tag reporting the beacons it hears: beacon id → RSSI dBm. */
export const ScanSchema = z.object({
  device: z.string().min(1).max(200),
  t: TimeSchema,
  rssi: z.record(z.string().min(1), finite.min(-130).max(0)),
});
export type ScanRecord = z.output<typeof ScanSchema>;

/** A located device (output of positioning, or sent directly by a source). */
export const PositionSchema = z
  .object({
    id: z.string().min(1).max(200),
    t: TimeSchema,
    ...Location,
    accuracy: finite.min(0).optional(),
  })
  .passthrough();
export type PositionRecord = z.output<typeof PositionSchema>;

/** People counter / zone occupancy. */
export const CountSchema = z.object({
  zone: z.string().min(1).max(200),
  t: TimeSchema,
  count: z.number().int().min(0),
});
export type CountRecord = z.output<typeof CountSchema>;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** An alert raised (`active: true`) or cleared (`active: false`). Recorded on `/alert`. */
export const AlertSchema = z.object({
  id: z.string().min(1),
  t: TimeSchema,
  entity: z.string(),
  severity: z.enum(SEVERITIES),
  code: z.string().min(1),
  message: z.string(),
  active: z.boolean(),
  /** Set once an operator acknowledged the (still active) alert. */
  acknowledged: z.boolean().optional(),
});
export type AlertRecord = z.output<typeof AlertSchema>;

/** Input that failed validation. Recorded on `/rejected`. */
export interface RejectedRecord {
  t: number;
  source: string;
  reason: string;
  raw: string;
}

/** Beacon registry (`--beacons FILE.json`). txPower = expected RSSI at 1 m (dBm). */
export const BeaconSchema = z.object({
  id: z.string().min(1),
  floor: z.string().min(1),
  x: finite,
  y: finite,
  z: finite.optional(),
  txPower: finite.min(-120).max(20),
});
export const BeaconRegistrySchema = z.object({ beacons: z.array(BeaconSchema) });
export type Beacon = z.output<typeof BeaconSchema>;
export type BeaconRegistry = z.output<typeof BeaconRegistrySchema>;

/** Any normalised record, tagged by kind: what crosses source → hub. */
export type TelemetryRecord =
  | { kind: 'state'; record: StateRecord }
  | { kind: 'scan'; record: ScanRecord }
  | { kind: 'position'; record: PositionRecord }
  | { kind: 'count'; record: CountRecord }
  | { kind: 'alert'; record: AlertRecord }
  | { kind: 'rejected'; record: RejectedRecord };

/** Formats a zod error as "field.path: message; …" for a message a person can act on. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(record)'}: ${zodIssueText(i)}`)
    .join('; ');
}

/** A zod issue's message for a person: a missing field says "missing" (zod says "… received undefined"). */
export function zodIssueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `missing (expected ${issue.expected})`;
  return issue.message;
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
