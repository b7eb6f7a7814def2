import { describe, it, expect } from 'vitest';
import type { Scenario } from '../../../../../common/scenario.js';
import { initialSimulationState, playbackDuration, reduceSimulation, runProgressFraction, simulationOnViews, type SimulationState } from '../../../../../renderer/stores/simulationStore.js';
import type { SimRunOutput } from '../../../../../workers/sim/SimWorkerService.js';

const scenario: Scenario = {
  maxTime: 60, seed: 5,
  floors: [{ id: 'F0', walkable: [[[0, 0], [10, 0], [10, 6], [0, 6]]] }],
  exits: [{ id: 'east', floor: 'F0', segment: [[10, 2], [10, 4]] }, { id: 'west', floor: 'F0', segment: [[0, 2], [0, 4]], open: false }],
  agentGroups: [{ id: 'g', floor: 'F0', area: [[1, 1], [4, 1], [4, 5], [1, 5]], count: 4 }],
};
const output = (frames: number): SimRunOutput => ({
  results: { evacuationTime: 10 } as SimRunOutput['results'],
  track: { interval: 0.5, frames, agents: 1, x: new Float32Array(frames), y: new Float32Array(frames), floor: new Uint8Array(frames),
    robots: { count: 0, ids: [], radius: new Float32Array(0), x: new Float32Array(0), y: new Float32Array(0), floor: new Uint8Array(0) } },
  maxDensity: [],
});
const loaded = (): SimulationState => reduceSimulation(initialSimulationState, { type: 'scenarioLoaded', scenario, source: 'file s.json' });

describe('simulationStore reducer', () => {
  it('loading a scenario takes its seed, clears exit overrides and a previous error', () => {
    let s = reduceSimulation(initialSimulationState, { type: 'scenarioFailed', path: 'exits', message: 'a scenario needs at least one exit' });
    expect(s.scenarioError).toEqual({ path: 'exits', message: 'a scenario needs at least one exit' });
    expect(() => reduceSimulation(s, { type: 'setExitOpen', exit: 'east', open: false })).toThrow(/no exit "east"/); // no scenario yet
    s = reduceSimulation(s, { type: 'scenarioLoaded', scenario, source: 'file s.json' });
    expect(s.scenarioError).toBeNull();
    expect(s.options.seed).toBe(5);
    expect(s.source).toBe('file s.json');
  });

  it('a failed load keeps the previous scenario', () => {
    const s = reduceSimulation(loaded(), { type: 'scenarioFailed', path: 'bad.json: floors[0].walkable', message: 'x' });
    expect(s.scenario).toBe(scenario);
    expect(s.scenarioError?.path).toBe('bad.json: floors[0].walkable');
  });

  it('exit toggles apply to existing exits only', () => {
    const s = reduceSimulation(loaded(), { type: 'setExitOpen', exit: 'west', open: true });
    expect(s.options.exitsOpen).toEqual({ west: true });
    expect(s.options.seed).toBe(5);
    expect(() => reduceSimulation(s, { type: 'setExitOpen', exit: 'north', open: true })).toThrow(/no exit "north"/);
  });

  it('occupants per space: whole numbers ≥ 0 for groups of the scenario placed by area; a new scenario clears them', () => {
    const withFixed: Scenario = { ...scenario, agentGroups: [...scenario.agentGroups, { id: 'fixed', floor: 'F0', positions: [[2, 2], [3, 3]] }] };
    let s = reduceSimulation(initialSimulationState, { type: 'scenarioLoaded', scenario: withFixed, source: 'file s.json' });
    s = reduceSimulation(s, { type: 'setGroupCount', group: 'g', count: 0 });
    expect(s.options.groupCounts).toEqual({ g: 0 });
    expect(() => reduceSimulation(s, { type: 'setGroupCount', group: 'nobody', count: 3 })).toThrow(/no agent group "nobody"/);
    expect(() => reduceSimulation(s, { type: 'setGroupCount', group: 'g', count: 2.5 })).toThrow(/whole number ≥ 0, got 2.5/);
    expect(() => reduceSimulation(s, { type: 'setGroupCount', group: 'g', count: -1 })).toThrow(/whole number ≥ 0/);
    expect(() => reduceSimulation(s, { type: 'setGroupCount', group: 'fixed', count: 5 })).toThrow(/fixed positions/);
    s = reduceSimulation(s, { type: 'scenarioLoaded', scenario, source: 'file t.json' });
    expect(s.options.groupCounts).toEqual({});
  });

  it('run lifecycle: start → progress → finished; invalid transitions throw', () => {
    expect(() => reduceSimulation(initialSimulationState, { type: 'runStarted' })).toThrow(/without a scenario/);
    let s = reduceSimulation(loaded(), { type: 'runStarted' });
    expect(s.status).toBe('running');
    expect(() => reduceSimulation(s, { type: 'runStarted' })).toThrow(/already in progress/);
    s = reduceSimulation(s, { type: 'runProgress', fraction: 0.4, simTime: 24, evacuated: 2 });
    expect(s.progress).toEqual({ fraction: 0.4, simTime: 24, evacuated: 2 });
    s = reduceSimulation(s, { type: 'runFinished', output: output(21) });
    expect(s.status).toBe('done');
    expect(s.progress).toBeNull();
    expect(playbackDuration(s)).toBe(10);
    // a late progress message after the end changes nothing
    expect(reduceSimulation(s, { type: 'runProgress', fraction: 0.9, simTime: 50, evacuated: 4 })).toBe(s);
    expect(() => reduceSimulation(s, { type: 'runFinished', output: output(3) })).toThrow(/in state done/);
  });

  it('the progress bar fills by time or by people out, whichever is further', () => {
    expect(runProgressFraction(216 / 1200, 1018, 1500)).toBeCloseTo(1018 / 1500);
    expect(runProgressFraction(0.5, 0, 100)).toBe(0.5);
    expect(runProgressFraction(0.2, 5, 0)).toBe(0.2);
    expect(runProgressFraction(1.2, 10, 10)).toBe(1);
  });

  it('cancel keeps the previous results', () => {
    let s = reduceSimulation(reduceSimulation(loaded(), { type: 'runStarted' }), { type: 'runFinished', output: output(5) });
    const first = s.output;
    expect(s.playback.onViews).toBe(true);
    s = reduceSimulation(s, { type: 'runStarted' });
    // The last run leaves the views while the new one runs (its density map read as the new run's), its results stay.
    expect([s.output, s.playback.onViews]).toEqual([first, false]);
    s = reduceSimulation(s, { type: 'runFailed', message: 'Run cancelled.', cancelled: true });
    expect(s.status).toBe('cancelled');
    expect(s.output).toBe(first);
  });

  it('playback: seek clamps to the track, play from the end restarts at 0, no play without results', () => {
    expect(reduceSimulation(loaded(), { type: 'setPlaying', playing: true }).playback.playing).toBe(false);
    let s = reduceSimulation(reduceSimulation(loaded(), { type: 'runStarted' }), { type: 'runFinished', output: output(21) });
    expect(reduceSimulation(s, { type: 'seek', time: -3 }).playback.time).toBe(0);
    s = reduceSimulation(s, { type: 'seek', time: 99 });
    expect(s.playback.time).toBe(10);
    s = reduceSimulation(s, { type: 'setPlaying', playing: true });
    expect(s.playback).toEqual({ time: 0, playing: true, speed: 4, onViews: true });
  });

  it('playback speed: one of 0.5/1/2/4/10×, kept across new results', () => {
    expect(initialSimulationState.playback.speed).toBe(4);
    let s = reduceSimulation(loaded(), { type: 'setPlaybackSpeed', speed: 0.5 });
    expect(s.playback.speed).toBe(0.5);
    expect(() => reduceSimulation(s, { type: 'setPlaybackSpeed', speed: 3 })).toThrow(/playback speed 3 is not one of 0.5, 1, 2, 4, 10/);
    s = reduceSimulation(reduceSimulation(s, { type: 'runStarted' }), { type: 'runFinished', output: output(21) });
    expect(s.playback).toEqual({ time: 0, playing: false, speed: 0.5, onViews: true });
  });

  it('a finished run goes on the views in place of the live picture; Back to live stops it, play or seek brings it back', () => {
    let s = reduceSimulation(loaded(), { type: 'showOnViews', on: true });
    expect(simulationOnViews(s)).toBe(false); // nothing to show without results
    s = reduceSimulation(reduceSimulation(s, { type: 'runStarted' }), { type: 'runFinished', output: output(21) });
    expect(simulationOnViews(s)).toBe(true);
    s = reduceSimulation(s, { type: 'setPlaying', playing: true });
    s = reduceSimulation(s, { type: 'showOnViews', on: false });
    expect(simulationOnViews(s)).toBe(false);
    expect(s.playback.playing).toBe(false); // nobody would see it play
    expect(simulationOnViews(reduceSimulation(s, { type: 'seek', time: 3 }))).toBe(true);
    expect(simulationOnViews(reduceSimulation(s, { type: 'setPlaying', playing: true }))).toBe(true);
    expect(simulationOnViews(reduceSimulation(s, { type: 'showOnViews', on: true }))).toBe(true);
    // A cancelled or failed later run keeps the results, and where they were.
    const again = reduceSimulation(reduceSimulation(s, { type: 'runStarted' }), { type: 'runFailed', message: 'Run cancelled.', cancelled: true });
    expect(simulationOnViews(again)).toBe(false);
  });

  it('opening another model drops a scenario derived from the previous one and its results (a file scenario stays)', () => {
    // Before: after opening duplex.ifc over testbed-complex.ifc the panel still read "derived from testbed-complex.ifc",
    // showed its 102.8 s result, and Run / Show on the views played the testbed's 100 people floating over the duplex.
    let s = reduceSimulation(initialSimulationState, { type: 'scenarioLoaded', scenario, source: 'derived from testbed-complex.ifc', model: 'hashA' });
    s = reduceSimulation(s, { type: 'setExitOpen', exit: 'east', open: false });
    s = reduceSimulation(reduceSimulation(s, { type: 'runStarted' }), { type: 'runFinished', output: output(21) });
    expect(reduceSimulation(s, { type: 'modelChanged', hash: 'hashA', name: 'testbed-complex.ifc' })).toBe(s); // the same model again
    const after = reduceSimulation(s, { type: 'modelChanged', hash: 'hashB', name: 'duplex.ifc' });
    expect(after.scenario).toBeNull();
    expect(after.output).toBeNull();
    expect(after.status).toBe('idle');
    expect(simulationOnViews(after)).toBe(false);
    expect(after.options.exitsOpen).toEqual({});
    expect(after.source).toMatch(/now duplex\.ifc: derive a scenario from it .*derived from testbed-complex\.ifc/);
    expect(() => reduceSimulation(after, { type: 'runStarted' })).toThrow(/without a scenario/);
    // That open superseded by another before anything was loaded: the message names the model open now.
    const again = reduceSimulation(after, { type: 'modelChanged', hash: 'hashC', name: 'office-a.ifc' });
    expect(again.source).toMatch(/now office-a\.ifc: derive a scenario from it .*derived from testbed-complex\.ifc/);
    // A scenario loaded since: a model change says nothing of the one dropped before.
    const file2 = reduceSimulation(again, { type: 'scenarioLoaded', scenario, source: 'file room.json' });
    expect(reduceSimulation(file2, { type: 'modelChanged', hash: 'hashD', name: 'duplex.ifc' }).source).toBe('file room.json');
    // A scenario file is its own building: it and its results stay.
    const file = reduceSimulation(reduceSimulation(reduceSimulation(loaded(), { type: 'runStarted' }), { type: 'runFinished', output: output(21) }), { type: 'modelChanged', hash: 'hashB', name: 'duplex.ifc' });
    expect(file.scenario).toBe(scenario);
    expect(file.output).not.toBeNull();
  });

  it('keeps what the derivation says of a scenario (spaces left empty) with that scenario only', () => {
    const note = '1 space left empty, with no way out (…): "R301 Roof" on Roof; the 37 people it would have had are in the other spaces';
    const derived = reduceSimulation(initialSimulationState, { type: 'scenarioLoaded', scenario, source: 'derived from duplex.ifc', model: 'hashB', note });
    expect(derived.scenarioNote).toBe(note);
    // Another model: the scenario and its note go.
    expect(reduceSimulation(derived, { type: 'modelChanged', hash: 'hashC', name: 'office-a.ifc' }).scenarioNote).toBeNull();
    // A scenario file loaded after it says nothing of the roof.
    expect(reduceSimulation(derived, { type: 'scenarioLoaded', scenario, source: 'file s.json' }).scenarioNote).toBeNull();
  });
});
