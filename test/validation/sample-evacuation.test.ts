// The sample building (samples/testbed-complex.ifc) at the occupancy of the evacuation benchmark: 10 000
// people on three storeys, two 1.8 m exits, two stair cores of 1.5 m flights behind 1.2 m core doors. A
// crowd this dense queues at every stair top, stair foot and core door for most of an hour: the queues must
// drain (nobody stands still for good) and the building's outflow must stay within its exits' capacity.
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { loadIfcStructure } from '../../main/cli/commands/ifc';
import { buildingToScenario } from '../../workers/ifc/structure/toScenario';
import { runScenario } from '../../workers/sim/runScenario';
import { startSlotThread } from '../../workers/sim/node/slotThread';

const root = resolve(__dirname, '../..');
const OCCUPANTS = 10_000;
/** IMO MSC.1/Circ.1238 specific flow through doors, P/(m·s) (../shared/reference/pedestrian.md). */
const DOOR_FLOW = 1.3;

describe('sample building evacuation, 10 000 occupants', () => {
  it('everybody gets out, no faster than the exits allow', async () => {
    const { structure } = await loadIfcStructure(join(root, 'samples', 'testbed-complex.ifc'), 'test');
    const scenario = { ...buildingToScenario(structure, { occupants: OCCUPANTS, seed: 1, maxTime: 6_000 }), dt: 0.1 };
    const exitWidth = scenario.exits.reduce((w, e) => w + Math.hypot(e.segment[1][0] - e.segment[0][0], e.segment[1][1] - e.segment[0][1]), 0);
    // On two threads, as `twin simulate` runs it (the same results as one: test/integration/sim-slot-thread.test.ts).
    const r = runScenario(scenario, { slotHelper: (job) => startSlotThread(join(root, 'dist', 'workers', 'slots.js'), job) });
    const bound = OCCUPANTS / (DOOR_FLOW * exitWidth);
    console.log(`sample evacuation: ${r.agentsEvacuated}/${r.agentsTotal} out in ${r.evacuationTime ?? 'n/a'} s; ` +
      `${exitWidth.toFixed(1)} m of exits at ${DOOR_FLOW} P/(m·s) need ≥ ${bound.toFixed(0)} s`);
    expect(r.agentsEvacuated).toBe(OCCUPANTS);
    expect(r.evacuationTime!).toBeGreaterThanOrEqual(bound);
    // Stair cores and core doors hold the flow below the exits' (3 738 s before stairs held people and
    // landings spread arrivals; 2 368 s after).
    expect(r.evacuationTime!).toBeLessThan(3_000);
  }, 900_000);
});
