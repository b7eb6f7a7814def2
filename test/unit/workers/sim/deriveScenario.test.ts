import { describe, expect, it } from 'vitest';
import { emptiedNote } from '../../../../workers/sim/deriveScenario.js';

describe('emptiedNote: the line the CLI, the results and the Simulation panel give for spaces left empty', () => {
  it('names each space with its floor, and says where its people went (occupants) or how many it would have had (density)', () => {
    const roof = { name: 'R301 Roof', floor: 'Roof', people: 37 };
    expect(emptiedNote([roof], true)).toBe('1 space left empty, with no way out (no door or stair a body fits through leads from it to an exit): ' +
      '"R301 Roof" on Roof; the 37 people it would have had are in the other spaces');
    const upstairs = [{ name: 'Bedroom6', floor: '1stFloor', people: 12 }, { name: 'att', floor: 'attic', people: 1 }];
    expect(emptiedNote(upstairs, false)).toBe('2 spaces left empty, with no way out (no door or stair a body fits through leads from them to an exit): ' +
      '"Bedroom6" on 1stFloor, "att" on attic; 13 people at this density');
    expect(emptiedNote([{ ...roof, people: 1 }], true)).toMatch(/; the 1 person it would have had is in the other spaces$/);
  });
});
