import { describe, expect, it } from 'vitest';
import { heldUpBy, resultHeadline } from '../../../../../renderer/features/simulation/SimulationPanel.js';
import { runsSummaryLine } from '../../../../../common/simFigures.js';

const agent = (exitTime: number | null) => ({ id: 0, group: 'G', start: [0, 0] as [number, number], startTime: 0, exitTime, exit: exitTime === null ? null : 'E1', distance: 1, reachable: exitTime !== null });

describe('Simulation results headline', () => {
  it('everybody out: the evacuation time, as `twin simulate` prints it, and the count', () => {
    // Before: '94.3 s' in the panel, '94.25 s' from `twin simulate` for the same run.
    expect(resultHeadline({ evacuationTime: 94.25, agentsEvacuated: 3, agentsUnreachable: 0, agentsTotal: 3, agents: [agent(10), agent(94.25), agent(50)] }))
      .toEqual({ time: '94.25 s', reachableOut: null, evacuated: 'Evacuated 3 / 3' });
  });

  it('one person in a shaft with no way out (office-a): n/a, and when all the others were out', () => {
    expect(resultHeadline({ evacuationTime: null, agentsEvacuated: 2, agentsUnreachable: 1, agentsTotal: 3, agents: [agent(93.95), agent(null), agent(40)] }))
      .toEqual({ time: 'n/a', reachableOut: 'all who could reach an exit were out at 93.95 s', evacuated: 'Evacuated 2 / 3 · 1 cannot reach an exit' });
  });

  it('nobody can reach an exit: n/a, with no claim about "the 0 who could" (it read "were out at 0.00 s")', () => {
    expect(resultHeadline({ evacuationTime: null, agentsEvacuated: 0, agentsUnreachable: 2, agentsTotal: 2, agents: [agent(null), agent(null)] }))
      .toEqual({ time: 'n/a', reachableOut: null, evacuated: 'Evacuated 0 / 2 · 2 cannot reach an exit' });
  });

  it('people who could leave but were still inside at maxTime: no such claim', () => {
    expect(resultHeadline({ evacuationTime: null, agentsEvacuated: 1, agentsUnreachable: 1, agentsTotal: 3, agents: [agent(93.95), agent(null), agent(null)] }).reachableOut).toBeNull();
  });
});

describe('Held up behind (robots people were still pressed against at the end)', () => {
  const held = (heldBy?: string) => ({ ...agent(null), reachable: true, ...(heldBy ? { heldBy } : {}) });

  it('robots by the number of people they hold, most first; live robots (halted at Run) can be selected', () => {
    const r = { agents: [held('robot-12'), held('robot-03'), held(), held('robot-12'), agent(20), held('robot-40'), held('robot-03'), held('robot-12')] };
    expect(heldUpBy(r, ['robot-03', 'robot-40', 'robot-99'])).toEqual([
      { id: 'robot-12', n: 3, live: false }, { id: 'robot-03', n: 2, live: true }, { id: 'robot-40', n: 1, live: true },
    ]);
  });

  it('nobody held up: no row', () => {
    expect(heldUpBy({ agents: [agent(10), held()] }, ['robot-01'])).toEqual([]);
  });
});

describe('Monte-Carlo summary line', () => {
  const rn = (seed: number, evacuationTime: number | null) => ({ seed, evacuationTime, agentsEvacuated: evacuationTime === null ? 199 : 200 });
  const summary = { runs: 3, mean: 73.975, sd: 6.046, min: 69.7, p50: 73.975, p95: 77.823, max: 78.25 };
  it('all runs out: mean, p50, p95 and sd', () => {
    expect(runsSummaryLine({ runs: [rn(1, 78.25), rn(2, 69.7), rn(3, 73.975)], summary }))
      .toBe('3 runs: mean 73.98 s, p50 73.98 s, p95 77.82 s (sd 6.05 s)');
  });

  it('office-a, 200 occupants, 3 runs: seed 3 ended with 1 person inside at 1 200 s; the statistics say they cover 2', () => {
    // Before: '3 runs: mean 74.0 s, p50 74.0 s, p95 77.8 s (sd 6.0 s)', as if all 3 had emptied the building,
    // while `twin simulate` printed '3 runs mean 73.975 s over the 2 with everybody out'.
    expect(runsSummaryLine({ runs: [rn(1, 78.25), rn(2, 69.7), rn(3, null)], summary }))
      .toBe('3 runs: mean 73.98 s, p50 73.98 s, p95 77.82 s (sd 6.05 s) over the 2 with everybody out (1 ended with people inside)');
  });

  it('no run emptied the building (duplex: people on the roof): no n/a statistics', () => {
    expect(runsSummaryLine({ runs: [rn(1, null), rn(2, null)], summary: { runs: 2, mean: null, sd: null, min: null, p50: null, p95: null, max: null } }))
      .toBe('2 runs: none with everybody out');
  });
});
