/**
 * The plan's "Draw line" / "Draw zone" tool as a pure state machine (DOM-free, unit-tested):
 * pointer and key events in building-frame metres → the next state, and a finished shape when
 * there is one. The DOM wiring is PlanDrawTool.
 *
 *   idle --start(kind)--> drawing --click--> drawing (point added)
 *   drawing(line) --2nd distinct click--> idle + done {a, b}
 *   drawing(zone) --finish (double-click / Enter) with ≥ 3 distinct points--> idle + done {polygon}
 *   drawing --cancel (Esc)--> idle;  drawing --undo (Backspace)--> last point removed
 *
 * A double-click arrives as click, click, dblclick: clicks closer than `SAME_POINT_M` to the last
 * point are the same point, so the double-click does not add a zero-length edge.
 */
import type { PlanPoint } from '../../../common/buildingStructure.js';

export type DrawKind = 'line' | 'zone';

export type DrawState =
  | { mode: 'idle' }
  | { mode: 'drawing'; kind: DrawKind; points: PlanPoint[]; cursor: PlanPoint | null };

export type DrawEvent =
  | { type: 'start'; kind: DrawKind }
  | { type: 'click'; point: PlanPoint }
  | { type: 'move'; point: PlanPoint }
  | { type: 'finish' }
  | { type: 'undo' }
  | { type: 'cancel' };

export type DrawnShape = { kind: 'line'; a: PlanPoint; b: PlanPoint } | { kind: 'zone'; polygon: PlanPoint[] };

export interface DrawStep {
  state: DrawState;
  /** The shape just finished (the caller adds it). */
  done?: DrawnShape;
  /** Why a finish was refused (shown to the user); the state stays 'drawing'. */
  refused?: string;
}

/** Points closer than this are one point (a double-click's second click), m. */
export const SAME_POINT_M = 0.05;
/** A zone smaller than this is a slip, not a zone, m². */
export const MIN_ZONE_AREA_M2 = 0.25;

export const IDLE: DrawState = { mode: 'idle' };

const same = (a: PlanPoint, b: PlanPoint) => Math.hypot(a[0] - b[0], a[1] - b[1]) < SAME_POINT_M;

function ringArea(r: readonly PlanPoint[]): number {
  let a = 0;
  for (let i = 0; i < r.length; i++) {
    const p = r[i]!, q = r[(i + 1) % r.length]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return Math.abs(a) / 2;
}

export function drawStep(state: DrawState, event: DrawEvent): DrawStep {
  switch (event.type) {
    case 'start':
      return { state: { mode: 'drawing', kind: event.kind, points: [], cursor: null } };
    case 'cancel':
      return { state: IDLE };
    case 'move':
      return state.mode === 'drawing' ? { state: { ...state, cursor: event.point } } : { state };
    case 'undo':
      return state.mode === 'drawing' ? { state: { ...state, points: state.points.slice(0, -1) } } : { state };
    case 'click': {
      if (state.mode !== 'drawing') return { state };
      const last = state.points[state.points.length - 1];
      if (last && same(last, event.point)) return { state };
      const points = [...state.points, event.point];
      if (state.kind === 'line' && points.length === 2) return { state: IDLE, done: { kind: 'line', a: points[0]!, b: points[1]! } };
      return { state: { ...state, points, cursor: event.point } };
    }
    case 'finish': {
      if (state.mode !== 'drawing') return { state };
      if (state.kind === 'line') return { state, refused: 'a counting line needs two points: click where it starts and where it ends' };
      if (state.points.length < 3) return { state, refused: `a zone needs at least 3 points (${state.points.length} so far)` };
      if (ringArea(state.points) < MIN_ZONE_AREA_M2) return { state, refused: `the zone encloses under ${MIN_ZONE_AREA_M2} m²` };
      return { state: IDLE, done: { kind: 'zone', polygon: state.points } };
    }
    default: {
      const never: never = event;
      throw new Error(`drawStep: unknown event ${JSON.stringify(never)}`);
    }
  }
}
