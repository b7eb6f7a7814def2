/**
 * The plan's line/zone drawing tool as a state machine: clicks add points, a line ends at its
 * second point, a zone on finish (double-click / Enter) with ≥ 3 points, Esc cancels, a
 * double-click's repeated click is not a second point.
 */
import { describe, expect, it } from 'vitest';
import { drawStep, IDLE, type DrawEvent, type DrawState, type DrawStep } from '../../../../../renderer/features/people/planDrawing';

function run(events: DrawEvent[], from: DrawState = IDLE): DrawStep[] {
  const out: DrawStep[] = [];
  let st = from;
  for (const e of events) {
    const step = drawStep(st, e);
    out.push(step);
    st = step.state;
  }
  return out;
}

describe('drawStep', () => {
  it('draws a line with two clicks and goes back to idle', () => {
    const steps = run([{ type: 'start', kind: 'line' }, { type: 'move', point: [1, 1] }, { type: 'click', point: [0, 0] }, { type: 'click', point: [0, 0.01] }, { type: 'click', point: [3, 4] }]);
    expect(steps[2]!.state).toMatchObject({ mode: 'drawing', points: [[0, 0]] });
    expect(steps[3]!.done).toBeUndefined(); // the double-click's repeat: same point
    expect(steps[4]!.done).toEqual({ kind: 'line', a: [0, 0], b: [3, 4] });
    expect(steps[4]!.state).toEqual(IDLE);
  });

  it('draws a zone: points until finish, refusing fewer than three or a sliver', () => {
    const start = run([{ type: 'start', kind: 'zone' }, { type: 'click', point: [0, 0] }, { type: 'click', point: [4, 0] }, { type: 'finish' }]);
    expect(start[3]!.refused).toMatch(/at least 3 points \(2 so far\)/);
    expect(start[3]!.state.mode).toBe('drawing');
    const sliver = run([{ type: 'click', point: [8, 0.01] }, { type: 'finish' }], start[3]!.state);
    expect(sliver[1]!.refused).toMatch(/under 0.25 m²/);
    const ok = run([{ type: 'undo' }, { type: 'click', point: [4, 3] }, { type: 'click', point: [4, 3] }, { type: 'finish' }], sliver[1]!.state);
    expect(ok[3]!.done).toEqual({ kind: 'zone', polygon: [[0, 0], [4, 0], [4, 3]] });
    expect(ok[3]!.state).toEqual(IDLE);
  });

  it('cancels with Esc and ignores clicks and finishes while idle', () => {
    const steps = run([{ type: 'start', kind: 'zone' }, { type: 'click', point: [0, 0] }, { type: 'cancel' }, { type: 'click', point: [1, 1] }, { type: 'finish' }]);
    expect(steps[2]!.state).toEqual(IDLE);
    expect(steps[3]!.state).toEqual(IDLE);
    expect(steps[4]!.done).toBeUndefined();
  });

  it('refuses to finish a line with Enter (it needs its second point)', () => {
    const steps = run([{ type: 'start', kind: 'line' }, { type: 'click', point: [0, 0] }, { type: 'finish' }]);
    expect(steps[2]!.refused).toMatch(/two points/);
  });
});
