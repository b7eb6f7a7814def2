/**
 * Occupancy of two recordings on one clock (e.g. a recorded day and a simulation run recorded
 * with `twin simulate --record`): B's record times are shifted by `offsetMs` onto A's clock
 * (the user sets the offset; by default B's start is aligned with A's start), and both curves
 * are computed over A's window in the same buckets. People = the sum of zone counts when a
 * recording has counts, else the distinct positioned ids per bucket (agents of a simulation).
 */
import type { OccupancyComparison } from '../../common/replay.js';
import type { Recording } from '../replay/Recording.js';
import { analyseWindow } from './analyseWindow.js';

export async function compareOccupancy(
  a: { uri: string; rec: Recording },
  b: { uri: string; rec: Recording },
  o: { offsetMs?: number; bucketMs?: number; from?: number; to?: number } = {},
): Promise<OccupancyComparison> {
  await Promise.all([a.rec.ready(), b.rec.ready()]);
  const ra = a.rec.range;
  const rb = b.rec.range;
  if (!ra || !rb) throw new Error(`compareOccupancy: ${!ra ? a.uri : b.uri} holds no records`);
  const offsetMs = o.offsetMs ?? ra.start - rb.start;
  const from = o.from ?? Math.min(ra.start, rb.start + offsetMs);
  const to = o.to ?? Math.max(ra.end, rb.end + offsetMs);
  const bucketMs = o.bucketMs ?? Math.max(1000, Math.ceil((to - from) / 200 / 1000) * 1000);
  const [oa, ob] = await Promise.all([
    analyseWindow(a.rec, { what: ['occupancy'], from, to, bucketMs }),
    analyseWindow(b.rec, { what: ['occupancy'], from: from - offsetMs, to: to - offsetMs, bucketMs }),
  ]);
  return {
    bucketMs,
    times: oa.occupancy!.times,
    a: { uri: a.uri, people: oa.occupancy!.people, basis: oa.occupancy!.basis },
    b: { uri: b.uri, people: ob.occupancy!.people, basis: ob.occupancy!.basis, offsetMs },
  };
}
