import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../../../common/scenario';
import { summarizeRuns } from '../../../../workers/sim/summarizeRuns';

describe('summarizeRuns', () => {
  it('gives mean, sample sd and interpolated percentiles of finished runs', () => {
    const s = summarizeRuns([10, 20, 30, 40, null]);
    expect(s).toEqual({ runs: 5, mean: 25, sd: 12.91, min: 10, p50: 25, p95: 38.5, max: 40 });
  });
  it('is all null when no run finished', () => {
    expect(summarizeRuns([null])).toMatchObject({ runs: 1, mean: null, p95: null });
  });
});

describe('parseScenario', () => {
  it('names the field path in the spec form', () => {
    const bad = { maxTime: 10, floors: [{ id: 'F', walkable: [[[0, 0], [1, 0], [1, 1]]] }], exits: [{ id: 'E', floor: 'F', segment: [[1, 0], [1, 1]] }],
      agentGroups: [{ id: 'a', floor: 'F', positions: [[0.5, 0.5]] }, { id: 'b', floor: 'F', area: [[0, 0], [1, 0]], count: 1 }] };
    try { parseScenario(JSON.stringify(bad)); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).path).toBe('agentGroups[1].area');
    }
  });
});
