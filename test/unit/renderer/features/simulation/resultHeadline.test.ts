import { describe, expect, it } from 'vitest';
import { resultHeadline } from '../../../../../renderer/features/simulation/SimulationPanel.js';

const agent = (exitTime: number | null) => ({ id: 0, group: 'G', start: [0, 0] as [number, number], startTime: 0, exitTime, exit: exitTime === null ? null : 'E1', distance: 1, reachable: exitTime !== null });

describe('Simulation results headline', () => {
  it('everybody out: the evacuation time and the count', () => {
    expect(resultHeadline({ evacuationTime: 94.25, agentsEvacuated: 3, agentsUnreachable: 0, agentsTotal: 3, agents: [agent(10), agent(94.25), agent(50)] }))
      .toEqual({ time: '94.3 s', reachableOut: null, evacuated: 'Evacuated 3 / 3' });
  });

  it('one person in a shaft with no way out (office-a): n/a, and when all the others were out', () => {
    expect(resultHeadline({ evacuationTime: null, agentsEvacuated: 2, agentsUnreachable: 1, agentsTotal: 3, agents: [agent(93.95), agent(null), agent(40)] }))
      .toEqual({ time: 'n/a', reachableOut: 'all who could reach an exit were out at 94.0 s', evacuated: 'Evacuated 2 / 3 · 1 cannot reach an exit' });
  });

  it('people who could leave but were still inside at maxTime: no such claim', () => {
    expect(resultHeadline({ evacuationTime: null, agentsEvacuated: 1, agentsUnreachable: 1, agentsTotal: 3, agents: [agent(93.95), agent(null), agent(null)] }).reachableOut).toBeNull();
  });
});
