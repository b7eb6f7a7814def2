/**
 * Options of the built-in testbed simulator and their URI form (spec/cli.md):
 * `testbed:?robots=60&tags=2000&seed=7&speed=60&beacons=400&start=2026-11-24T09:00:00Z&duration=3600`.
 *
 * - robots   mobile units including the bus(es): robots of 7 kinds + `buses` autonomous buses (default 60)
 * - buses    autonomous buses on the site road loop, counted inside `robots` (default 1)
 * - tags     tag-carrying people walking in the building, each phone scanning at ~1 Hz (default 2000)
 * - beacons  BLE beacons spread over the storeys (default 400)
 * - seed     PRNG seed: same seed and options → the same day, record for record (default 1)
 * - speed    simulated seconds per real second (default 1; `twin testbed` and tests use more)
 * - start    simulated start time, ISO 8601 or epoch ms (default: now, rounded down to the second)
 * - duration simulated seconds after which the source ends by itself (default: runs until stopped)
 * - storeys, rooms  layout options of common/testbedLayout.ts (defaults 3 and 6 rooms per side)
 */
import { z } from 'zod';
import { describeZodError, MAX_EPOCH_MS, MIN_EPOCH_MS } from '../../../common/records.js';

export interface TestbedOptions {
  robots: number;
  buses: number;
  tags: number;
  beacons: number;
  seed: number;
  speed: number;
  /** Simulated start, epoch ms. */
  start: number;
  /** Simulated seconds until the source ends, or null to run until stopped. */
  duration: number | null;
  storeys: number;
  rooms: number;
}

/** Bad testbed URI or option: the message names the option and what was expected. */
export class TestbedOptionsError extends Error {
  override readonly name = 'TestbedOptionsError';
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const QuerySchema = z
  .object({
    robots: int(0, 2000).optional(),
    buses: int(0, 10).optional(),
    tags: int(0, 100_000).optional(),
    beacons: int(0, 10_000).optional(),
    seed: int(0, 2 ** 32 - 1).optional(),
    speed: z.coerce.number().gt(0).max(10_000).optional(),
    start: z.string().min(1).optional(),
    duration: z.coerce.number().gt(0).optional(),
    storeys: int(1, 20).optional(),
    rooms: int(1, 40).optional(),
  })
  .strict();

/** What each numeric option takes, as a person reads it (the validator's own words read "Invalid input: expected number, received NaN"). */
const EXPECTED: Record<string, string> = {
  robots: 'a whole number from 0 to 2000', buses: 'a whole number from 0 to 10', tags: 'a whole number from 0 to 100000',
  beacons: 'a whole number from 0 to 10000', seed: 'a whole number from 0 to 4294967295', speed: 'a number above 0, at most 10000',
  duration: 'a number of seconds above 0', storeys: 'a whole number from 1 to 20', rooms: 'a whole number from 1 to 40',
};

/** Defaults, with `start` = the given clock rounded down to the second. */
export function defaultTestbedOptions(nowMs = Date.now()): TestbedOptions {
  return { robots: 60, buses: 1, tags: 2000, beacons: 400, seed: 1, speed: 1, start: Math.floor(nowMs / 1000) * 1000, duration: null, storeys: 3, rooms: 6 };
}

/** Parses a start time: ISO 8601 or epoch ms, 2000..2100. */
export function parseStartTime(value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms) || ms < MIN_EPOCH_MS || ms > MAX_EPOCH_MS) {
    throw new TestbedOptionsError(`testbed: start must be an ISO 8601 time or epoch milliseconds in 2000..2100, got "${value}"`);
  }
  return ms;
}

/** Parses `testbed:` / `testbed:?k=v&…` into full options. Throws TestbedOptionsError naming the bad option. */
export function parseTestbedUri(uri: string, nowMs = Date.now()): TestbedOptions {
  if (!uri.startsWith('testbed:')) throw new TestbedOptionsError(`testbed: URI must start with "testbed:", got "${uri}"`);
  let rest = uri.slice('testbed:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  const q = rest.indexOf('?');
  if (q < 0 && rest.length > 0) throw new TestbedOptionsError(`testbed: options go after "?", e.g. testbed:?robots=60&tags=2000; got "${uri}"`);
  const params = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '');
  const raw: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in raw) throw new TestbedOptionsError(`testbed: option "${k}" given twice in "${uri}"`);
    raw[k] = v;
  }
  const parsed = QuerySchema.safeParse(raw);
  if (!parsed.success) {
    const unknown = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
    if (unknown && 'keys' in unknown) {
      throw new TestbedOptionsError(`testbed: unknown option ${(unknown.keys as string[]).map((k) => `"${k}"`).join(', ')} in "${uri}" (known: ${Object.keys(QuerySchema.shape).join(', ')})`);
    }
    const key = String(parsed.error.issues[0]?.path[0] ?? '');
    if (key in EXPECTED) throw new TestbedOptionsError(`testbed: ${key} must be ${EXPECTED[key]}, got "${raw[key]}" (in "${uri}")`);
    throw new TestbedOptionsError(`testbed: bad option in "${uri}": ${describeZodError(parsed.error)}`);
  }
  const v = parsed.data;
  const d = defaultTestbedOptions(nowMs);
  const opts: TestbedOptions = {
    robots: v.robots ?? d.robots,
    buses: v.buses ?? d.buses,
    tags: v.tags ?? d.tags,
    beacons: v.beacons ?? d.beacons,
    seed: v.seed ?? d.seed,
    speed: v.speed ?? d.speed,
    start: v.start !== undefined ? parseStartTime(v.start) : d.start,
    duration: v.duration ?? null,
    storeys: v.storeys ?? d.storeys,
    rooms: v.rooms ?? d.rooms,
  };
  if (opts.buses > opts.robots) opts.buses = opts.robots;
  return opts;
}

/** The canonical URI of a set of options (what status bars and recordings show). */
export function formatTestbedUri(o: TestbedOptions): string {
  const q = new URLSearchParams({ robots: String(o.robots), tags: String(o.tags), seed: String(o.seed), speed: String(o.speed), beacons: String(o.beacons) });
  if (o.buses !== 1) q.set('buses', String(o.buses));
  if (o.storeys !== 3) q.set('storeys', String(o.storeys));
  if (o.rooms !== 6) q.set('rooms', String(o.rooms));
  q.set('start', new Date(o.start).toISOString());
  if (o.duration !== null) q.set('duration', String(o.duration));
  return `testbed:?${q.toString()}`;
}
