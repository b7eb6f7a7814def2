import { describe, expect, it } from 'vitest';
import { heldUpBy, resultHeadline } from '../../../../../renderer/features/simulation/SimulationPanel.js';

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
