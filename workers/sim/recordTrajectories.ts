/**
 * Simulated trajectories as an MCAP recording that replay shows like a live day: channel
 * `/position` with Position records `{ id: "agent-N", t, floor, x, y }` (t = epoch ms, sim time 0 =
 * 2026-01-01T00:00:00Z) at 2 Hz, and `/sim/summary` with `{ t, inside, evacuated, total }` per
 * frame plus a final `{ t, done: true, evacuationTime, … }`. JSON encoding, jsonschema schemas,
 * 1 MB chunks. Frames are captured during the run (columns copied) and written afterwards, since
 * the writer is asynchronous and the engine loop is not.
 */
import { McapWriter, type IWritable } from '@mcap/core';
import type { SimulationResults } from '../../common/scenario.js';
import { AgentState, type Simulation } from './Simulation.js';

/** Sim time 0 on the recording's clock. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

interface Frame { t: number; ids: Int32Array; floor: Int16Array; x: Float32Array; y: Float32Array; evacuated: number }

export class TrajectoryRecorder {
  private readonly frames: Frame[] = [];
  private floors: string[] = [];

  /** Copies the present agents' positions (call at 2 Hz from runScenario's onPositions). */
  capture(sim: Simulation): void {
    this.floors = sim.scenario.floors.map((f) => f.id);
    let n = 0;
    for (let i = 0; i < sim.agents; i++) { const s = sim.state[i]; if (s !== AgentState.Out && s !== AgentState.Transit) n++; }
    const f: Frame = { t: sim.t, ids: new Int32Array(n), floor: new Int16Array(n), x: new Float32Array(n), y: new Float32Array(n), evacuated: 0 };
    let k = 0;
    for (let i = 0; i < sim.agents; i++) {
      const s = sim.state[i];
      if (s === AgentState.Out) f.evacuated++;
      if (s === AgentState.Out || s === AgentState.Transit) continue;
      f.ids[k] = i; f.floor[k] = sim.floor[i]!; f.x[k] = sim.x[i]!; f.y[k] = sim.y[i]!; k++;
    }
    this.frames.push(f);
  }

  /** Writes every captured frame and the final summary; ends the file (the caller closes the writable). */
  async write(writable: IWritable, results: SimulationResults): Promise<{ messages: number }> {
    const enc = new TextEncoder();
    const writer = new McapWriter({ writable, useChunks: true, chunkSize: 1024 * 1024 });
    await writer.start({ profile: '', library: 'twin-workbench simulate' });
    const posSchema = await writer.registerSchema({ name: 'Position', encoding: 'jsonschema', data: enc.encode(JSON.stringify({
      type: 'object', required: ['id', 't'], properties: { id: { type: 'string' }, t: { type: 'number' }, floor: { type: 'string' }, x: { type: 'number' }, y: { type: 'number' } } })) });
    const sumSchema = await writer.registerSchema({ name: 'SimSummary', encoding: 'jsonschema', data: enc.encode(JSON.stringify({
      type: 'object', required: ['t'], properties: { t: { type: 'number' }, inside: { type: 'number' }, evacuated: { type: 'number' }, total: { type: 'number' } } })) });
    const pos = await writer.registerChannel({ topic: '/position', schemaId: posSchema, messageEncoding: 'json', metadata: new Map() });
    const sum = await writer.registerChannel({ topic: '/sim/summary', schemaId: sumSchema, messageEncoding: 'json', metadata: new Map() });
    let seq = 0;
    const add = async (channelId: number, tMs: number, body: unknown) => {
      const time = BigInt(Math.round(tMs)) * 1_000_000n;
      await writer.addMessage({ channelId, sequence: seq++, logTime: time, publishTime: time, data: enc.encode(JSON.stringify(body)) });
    };
    const r1000 = (v: number) => Math.round(v * 1000) / 1000;
    for (const f of this.frames) {
      const t = SIM_EPOCH_MS + Math.round(f.t * 1000);
      for (let k = 0; k < f.ids.length; k++) await add(pos, t, { id: `agent-${f.ids[k]}`, t, floor: this.floors[f.floor[k]!], x: r1000(f.x[k]!), y: r1000(f.y[k]!) });
      await add(sum, t, { t, inside: f.ids.length, evacuated: f.evacuated, total: results.agentsTotal });
    }
    const last = this.frames.length ? this.frames[this.frames.length - 1]!.t : 0;
    const tEnd = SIM_EPOCH_MS + Math.round(Math.max(last, results.evacuationTime ?? last) * 1000);
    await add(sum, tEnd, { t: tEnd, done: true, scenario: results.scenario, seed: results.seed, inside: results.agentsTotal - results.agentsEvacuated,
      evacuated: results.agentsEvacuated, total: results.agentsTotal, evacuationTime: results.evacuationTime, exitUsage: results.exitUsage });
    await writer.end();
    return { messages: seq };
  }
}
