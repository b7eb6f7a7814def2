// `twin simulate` through the built CLI (npm test builds first): results, Monte-Carlo, MCAP, bad input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runsSummaryLine } from '../../common/simFigures.js';
import { resultHeadline } from '../../renderer/features/simulation/SimulationPanel.js';
import type { Scenario } from '../../common/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'twin-simulate-'));
const twin = (...args: string[]) => spawnSync(process.execPath, ['bin/twin.js', 'simulate', ...args], { encoding: 'utf8', timeout: 120_000 });
const rect = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
const room = () => ({
  name: 'room', seed: 42, maxTime: 200,
  floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 5)], obstacles: [rect(4, 2, 5, 3)] }],
  exits: [{ id: 'E1', floor: 'F0', segment: [[10, 2], [10, 3]], open: true }],
  agentGroups: [{ id: 'G1', floor: 'F0', area: rect(0, 0, 4, 5), count: 20, speed: { dist: 'uniform', min: 1.0, max: 1.4 }, radius: 0.2 }],
  measurements: { lines: [{ id: 'L1', floor: 'F0', segment: [[7, 5], [7, 0]] }], areas: [{ id: 'A1', floor: 'F0', polygon: rect(6, 1, 8, 4) }] },
});
const file = (name: string, body: unknown) => { const p = join(dir, name); writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body)); return p; };

describe('twin simulate', () => {
  it('writes the results document of spec/scenario.md', () => {
    const r = twin(file('room.json', room()));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ scenario: 'room', seed: 42, agentsTotal: 20, agentsEvacuated: 20 });
    expect(out.evacuationTime).toBeGreaterThan(5);
    expect(out.agents).toHaveLength(20);
    expect(out.agents[0]).toEqual(expect.objectContaining({ group: 'G1', exit: 'E1' }));
    // L1 runs from (7,5) down to (7,0): its left side is x > 7, so people walking east cross right→left: dir −1.
    const dirs = new Set(out.lines.L1.crossings.map((c: { dir: number }) => c.dir));
    expect(out.lines.L1.crossings.length).toBeGreaterThanOrEqual(20);
    expect([...dirs]).toEqual([-1]);
    expect(out.areas.A1.t.length).toBe(out.areas.A1.density.length);
    expect(Math.max(...out.areas.A1.density)).toBeGreaterThan(0);
    expect(out.summary).toMatchObject({ runs: 1, mean: out.evacuationTime, min: out.evacuationTime, max: out.evacuationTime });
    expect(out.performance.agentSteps).toBeGreaterThan(0);
    const strip = (t: string) => t.replace(/"performance":\{[^}]*\}/, '');
    expect(strip(twin(file('room2.json', room())).stdout)).toBe(strip(r.stdout)); // same seed → same results
  });

  it('runs Monte-Carlo batches on worker threads, deterministic per seed, and records MCAP', () => {
    const mcap = join(dir, 'room.mcap');
    const a = twin(file('mc.json', room()), '--runs', '4', '--workers', '2', '--record', mcap);
    expect(a.status).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out.runs.map((r: { seed: number }) => r.seed)).toEqual([42, 43, 44, 45]);
    expect(out.summary.runs).toBe(4);
    expect(out.summary.min).toBeLessThanOrEqual(out.summary.p50);
    expect(out.summary.p50).toBeLessThanOrEqual(out.summary.max);
    const b = JSON.parse(twin(file('mc2.json', room()), '--runs', '4', '--workers', '1').stdout);
    expect(b.runs).toEqual(out.runs);
    expect(existsSync(mcap)).toBe(true);
    const insp = spawnSync(process.execPath, ['bin/twin.js', 'inspect', mcap, '--json'], { encoding: 'utf8' });
    if (insp.status === 0) {
      const info = JSON.parse(insp.stdout);
      const topics = info.channels.map((c: { topic: string }) => c.topic);
      expect(topics).toEqual(expect.arrayContaining(['/position', '/sim/summary']));
      expect(info.start).toBe('2026-01-01T00:00:00.000Z');
    } else {
      expect(readFileSync(mcap).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a]));
    }
  });

  const bad: [string, unknown, string][] = [
    ['invalid JSON', '{ "floors": [', 'invalid JSON'],
    ['missing floors', { ...room(), floors: undefined }, 'floors'],
    ['missing maxTime', { ...room(), maxTime: undefined }, 'maxTime: missing (expected number)'], // read "… received undefined"
    ['self-intersecting polygon', { ...room(), agentGroups: [{ ...room().agentGroups[0], area: [[0, 0], [4, 5], [4, 0], [0, 5]] }] }, 'agentGroups[0].area'],
    ['exit not on a walkable edge', { ...room(), exits: [{ id: 'E1', floor: 'F0', segment: [[20, 2], [20, 3]] }] }, 'exits[0].segment'],
    ['agent outside the walkable area', { ...room(), agentGroups: [{ id: 'G1', floor: 'F0', positions: [[1, 1], [12, 1]] }] }, 'agentGroups[0].positions[1]'],
    ['an exit inside the floor', { ...room(), exits: [{ id: 'E1', floor: 'F0', segment: [[2, 4], [3, 4]] }] }, 'exits[0].segment: not on any walkable edge of floor "F0": it lies inside the walkable area'],
    ['two people in one place', { ...room(), agentGroups: [{ id: 'G1', floor: 'F0', positions: [[1, 1], [2, 1], [1, 1.2]] }] }, 'agentGroups[0].positions[2]: [1, 1.2] overlaps agentGroups[0].positions[0] at [1, 1]'],
    ['agent inside an obstacle', { ...room(), agentGroups: [{ id: 'G1', floor: 'F0', positions: [[4.5, 2.5]] }] }, 'agentGroups[0].positions[0]'],
    ['more agents than fit', { ...room(), agentGroups: [{ ...room().agentGroups[0], count: 2000 }] }, 'agentGroups[0].count'],
    ['negative speed', { ...room(), agentGroups: [{ ...room().agentGroups[0], speed: { dist: 'constant', value: -1 } }] }, 'agentGroups[0].speed'],
    ['unknown floor id', { ...room(), exits: [{ id: 'E1', floor: 'F9', segment: [[10, 2], [10, 3]] }] }, 'exits[0].floor'],
    ['unknown exit id', { ...room(), agentGroups: [{ ...room().agentGroups[0], exits: ['E7'] }] }, 'agentGroups[0].exits[0]'],
    ['all allowed exits closed', { ...room(), exits: [{ id: 'E1', floor: 'F0', segment: [[10, 2], [10, 3]], open: false }] }, 'exits'],
    // These four ran for good (a count of 1e9, 700 000 lines), printed a stack (1e300 m), or "ran" nobody out (1e6 m/s).
    ['a count beyond any packing', { ...room(), agentGroups: [{ ...room().agentGroups[0], count: 1e9 }] }, 'agentGroups[0].count: 1000000000 agents of radius 0.2 m do not fit in agentGroups[0].area (20 m²): even packed edge to edge it holds at most 144'],
    ['a floor 1e300 m long', { ...room(), floors: [{ id: 'F0', walkable: [rect(0, 0, 1e300, 5)] }] }, 'floors[0].walkable: floor "F0" spans 1.0e+300 × 5 m'],
    ['a speed of 1e6 m/s', { ...room(), agentGroups: [{ ...room().agentGroups[0], speed: { dist: 'constant', value: 1e6 } }] }, 'agentGroups[0].speed: free speeds must be ≤ 10 m/s'],
    ['10 001 measurement lines', { ...room(), measurements: { lines: Array.from({ length: 10_001 }, (_, i) => ({ id: `L${i}`, floor: 'F0', segment: [[7, 5], [7, 0]] })) } }, 'measurements.lines: 10001 lines: at most 10,000'],
  ];
  for (const [what, body, path] of bad) {
    it(`exits 2 naming the file and field for: ${what}`, () => {
      const p = file(`bad-${what.replace(/\W+/g, '-')}.json`, body);
      const r = twin(p);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(p);
      expect(r.stderr).toContain(path);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
  }

  it('says what is wrong with a negative number given to a flag (it said "argument is ambiguous")', () => {
    const r = twin(file('room-neg.json', room()), '--runs', '-1');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--runs must be an integer ≥ 1 and ≤ 100000, got "-1"');
  });

  it('reads a scenario file that starts with a byte-order mark', () => {
    const r = twin(file('bom.json', `\uFEFF${JSON.stringify({ ...room(), agentGroups: [{ ...room().agentGroups[0], count: 3 }] })}`));
    expect(r.status, r.stderr).toBe(0);
  });

  it('checks where the results go before running, not after', () => {
    for (const flag of ['--out', '--record']) {
      const t0 = Date.now();
      const r = twin(file('room.json', room()), flag, join(dir, 'no-such-folder', 'x.out'));
      expect(r.status, flag).toBe(2);
      expect(r.stderr).toContain(`${flag} ${join(dir, 'no-such-folder', 'x.out')}: no folder ${join(dir, 'no-such-folder')}`);
      expect(r.stderr).not.toMatch(/simulate: \d+%/); // no progress: nothing ran
      expect(Date.now() - t0).toBeLessThan(20_000);
    }
  });

  it('a density no crowd reaches is refused by the flag; too many occupants for a space names it and the flags', () => {
    let r = twin('samples/testbed-complex.ifc', '--density', '1e9');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--density must be a number ≥ 0 and ≤ 10, got "1e9"');
    r = twin('samples/testbed-complex.ifc', '--density', '9');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/agentGroups\[\d+\]\.count: .* do not fit .* \(in the scenario derived from the model: agentGroups\[\d+\] is ".+" on \w+; give fewer --occupants or a lower --density\)/);
  });

  it('reports agents that cannot reach any exit in the results instead of failing', () => {
    const s = { ...room(), floors: [{ id: 'F0', walkable: [rect(0, 0, 10, 5)], obstacles: [rect(3, 0, 3.5, 5)] }],
      agentGroups: [{ id: 'G1', floor: 'F0', positions: [[1, 1], [8, 1]] }] };
    const r = twin(file('walled.json', s));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.agentsEvacuated).toBe(1);
    expect(out.evacuationTime).toBeNull();
    expect(out.agents[0].reachable).toBe(false);
    expect(out.agentsUnreachable).toBe(1);
    expect(out.warnings.join(' ')).toMatch(/1 agent\(s\) cannot reach any allowed open exit from where they start: G1 on F0: 1/);
    // the one who is left inside is the one who cannot get out, not one who ran out of time
    expect(out.warnings.join(' ')).not.toMatch(/still inside/);
    expect(r.stderr).toMatch(/1\/2 evacuated, 1 cannot reach any exit from where they start/);
  });

  it('leaves a space of an IFC model with no way out empty and names it: duplex has a roof space no stair reaches', () => {
    // Duplex's "R301 Roof" space (135 m² on the Roof storey) has no door and no stair leads up to it. Of 100 occupants
    // spread by area, 37 used to start there: every run ended "63/100 evacuated, 37 cannot reach any exit", with no
    // evacuation time. Now the roof is left empty, named, and its share is spread over the other spaces.
    const scenarioFile = join(dir, 'duplex-derived.json');
    const r = twin(join('..', 'shared', 'ifc', 'duplex-apartment-ifc2x3.ifc'), '--occupants', '100', '--runs', '2', '--write-scenario', scenarioFile);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    // Named by the file, as the Simulation panel names it (it read "IFC building").
    expect(out).toMatchObject({ scenario: 'duplex-apartment-ifc2x3.ifc', agentsTotal: 100, agentsEvacuated: 100 });
    expect(out.evacuationTime).toBeGreaterThan(0);
    expect(out.warnings).toEqual(['1 space left empty, with no way out (no door or stair a body fits through leads from it to an exit): "R301 Roof" on Roof; ' +
      'the 37 people it would have had are in the other spaces']);
    expect(r.stderr).toMatch(/100\/100 evacuated, evacuation time [\d.]+ s, 2 runs: mean [\d.]+ s/);
    expect(r.stderr).toContain('"R301 Roof" on Roof');
    const written = JSON.parse(readFileSync(scenarioFile, 'utf8')) as Scenario;
    expect(written.agentGroups.some((g) => g.floor === 'Roof')).toBe(false);
    // At a density the roof gets nobody either, and the note says how many it would have had.
    const d = twin(join('..', 'shared', 'ifc', 'duplex-apartment-ifc2x3.ifc'), '--density', '0.2');
    expect(d.status).toBe(0);
    expect(JSON.parse(d.stdout).warnings[0]).toMatch(/^1 space left empty, .*"R301 Roof" on Roof; \d+ people at this density$/);
  });
  it('prints the evacuation time and the Monte-Carlo line as the Simulation panel reads them for the same results', () => {
    // room, 3 runs from seed 42: 11.45, 11.1, 12.15 s. Before, `twin simulate` printed "evacuation time 11.45 s, 3 runs
    // mean 11.567 s" and the panel, on the same results, "11.4 s" and "mean 11.6 s, p50 11.4 s, p95 12.1 s (sd 0.5 s)".
    const r = twin(file('same.json', room()), '--runs', '3');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.evacuationTime).toBe(11.45);
    const panel = resultHeadline(out);
    expect(panel.time).toBe('11.45 s');
    expect(r.stderr).toContain(`evacuation time ${panel.time}, ${runsSummaryLine(out)}, `);
    expect(r.stderr).toContain('3 runs: mean 11.57 s, p50 11.45 s, p95 12.08 s (sd 0.54 s)');
  });
  it('places no occupant where a body cannot get out: office-a, seed 3, 200 occupants all leave', () => {
    // Level 2's "S202 STAIR" space has a strip south of its flight reached only through 0.06 m gaps. The exit field
    // runs through them, so its one occupant counted as able to leave, walked on the spot for the whole 1 200 s
    // (2 106 m "walked") and the run read "199/200 evacuated … 1 agent(s) who could reach an exit still inside".
    const r = twin(join('..', 'shared', 'ifc', 'office-a-ifc2x3.ifc'), '--occupants', '200', '--seed', '3');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ agentsTotal: 200, agentsEvacuated: 200, agentsUnreachable: 0 });
    expect(out.evacuationTime).toBeLessThan(300);
  });
  it('refuses, with exit 2, the IFC-only options on a scenario file rather than ignoring them', () => {
    // Before: `twin simulate room.json --occupants 10` exited 0 with all 20 of the file's people ("20/20 evacuated").
    const r = twin(file('room-occ.json', room()), '--occupants', '10');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/room-occ\.json: --occupants applies to an IFC model \(FILE\.ifc\) only; a scenario file gives each agent group's "count"/);
    expect(r.stdout).toBe('');
    expect(twin(file('room-den.json', room()), '--density', '0.5', '--write-scenario', join(dir, 'w.json')).stderr).toMatch(/room-den\.json: --density, --write-scenario apply to an IFC model/);
  });
  it('says so, with exit 2, when an IFC model has nothing walkable (mini-project: beams and columns), as the Simulation panel says it', () => {
    const r = twin(join('..', 'shared', 'ifc', 'mini-project-ifc2x3.ifc'), '--occupants', '10');
    expect(r.status).toBe(2);
    // It said "no exit: no door leads outside", the panel "none has a floor (IfcSpace or IfcSlab)" of a file with 24 slabs.
    expect(r.stderr).toMatch(/mini-project-ifc2x3\.ifc: the model has nothing walkable: its one storey has no walkable area \(from its spaces, or, where it has none, its floor slabs less the walls/);
  });
});
