/**
 * The Simulation feature: a right-side "Simulation" panel that derives an evacuation scenario from
 * the session's building (or loads one from JSON), runs it in the simulation Web Worker
 * (workers/sim/sim.worker.ts) with progress and cancel, shows the results, and plays the first
 * run back on the plan view (agents + max-density map in Fruin colours) and in 3D (points).
 *
 * Playback runs on its own clock (requestAnimationFrame, the chosen playback speed × real time, 0.5–10×),
 * independent of the live timeline. Robots (moving obstacles) play back with the people: orange on the
 * plan and in 3D. Scenario floors map to plan storeys by name (toScenario names floors after
 * storeys); a scenario whose floors match no storey shows its first floor on the plan.
 */
import * as THREE from 'three';
import './simulation.css';
import { ScenarioError, groupPeople, parseScenario } from '../../../common/scenario.js';
import type { Disposable, Disposer } from '../../../common/source.js';
import { toThree } from '../../shell/buildingFrame.js';
import { downloadText } from '../../shell/downloadFile.js';
import { h } from '../../shell/h.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { layoutStore, planStorey } from '../../stores/layoutStore.js';
import { sessionStore } from '../../stores/sessionStore.js';
import { entitiesStore, KIND_ROBOT } from '../../stores/entitiesStore.js';
import { dispatchSimulation, playbackDuration, runProgressFraction, simulationOnViews, simulationStore, type LiveRobot, type SimulationState } from '../../stores/simulationStore.js';
import { effectiveScenario, scenarioFloorIndex } from './effectiveScenario.js';
import { PlaybackPoints3D } from './PlaybackPoints3D.js';
import { SimulationPlanLayers, type SimDensityMode } from './SimulationPlanLayers.js';
import { mountSimulationPanel, type SimulationController } from './SimulationPanel.js';
import { SimWorkerClient } from './SimWorkerClient.js';

/** Page URL's `?token=` (web mode) added to a host path. */
function withToken(path: string): URL {
  const url = new URL(path, document.baseURI);
  const token = new URLSearchParams(location.search).get('token');
  if (token && !url.searchParams.has('token')) url.searchParams.set('token', token);
  return url;
}

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The live robots (not the bus: it drives outdoors) with a floor and a position, where they are now. */
function liveRobotsNow(): LiveRobot[] {
  const { table } = entitiesStore.getState(), out: LiveRobot[] = [];
  for (let i = 0; i < table.count; i++) {
    const f = table.floor[i]!;
    if (table.kind[i] !== KIND_ROBOT || f < 0) continue;
    out.push({ id: table.ids[i]!, floor: table.floors[f]!, x: table.x[i]!, y: table.y[i]! });
  }
  return out;
}

class SimulationFeature implements SimulationController, Disposable {
  private readonly client = new SimWorkerClient();
  private readonly plan = new SimulationPlanLayers();
  private readonly points = new PlaybackPoints3D();
  private readonly disposers: Disposer[] = [];
  private raf = 0;
  private lastTick = 0;
  /** "Simulation on the views" badges on the plan and the 3D view, with their Back to live buttons. */
  private readonly badges: { root: HTMLElement; text: HTMLElement }[] = [];

  constructor(private readonly ctx: WorkbenchContext) {
    ctx.viewport.scene.add(this.points.root);
    for (const [host, id] of [[ctx.plan.dom, 'sim-plan-badge'], [ctx.viewport.dom, 'sim-3d-badge']] as const) {
      const text = h('span');
      const back = h('button', { type: 'button', title: 'Show the live entities and people again' }, 'Back to live');
      back.addEventListener('click', () => dispatchSimulation({ type: 'showOnViews', on: false }));
      const root = h('div.sim-views-badge', { 'data-testid': id, hidden: true, title: 'This view shows the simulation run (Simulation panel) in place of the live entities and people' }, text, back);
      host.append(root);
      this.badges.push({ root, text });
    }
    this.disposers.push(
      ctx.registerPanel({ id: 'simulation', title: 'Simulation', side: 'right', order: 40, mount: (el) => mountSimulationPanel(el, this) }),
      ctx.registerCommand({ id: 'simulation.run', title: 'Simulation: run the scenario', run: () => this.run() }),
      ctx.registerCommand({ id: 'simulation.cancel', title: 'Simulation: cancel the run', run: () => this.cancel() }),
      ctx.plan.addLayers('simulation', () => {
        const s = simulationStore.getState();
        return simulationOnViews(s) ? this.plan.layers(this.planFloor(), s.playback.time) : [];
      }),
      simulationStore.subscribe((s, prev) => this.onState(s, prev)),
      layoutStore.subscribe(() => ctx.plan.requestRedraw()),
      // A run of the building that was open is not shown over another one: the views go back to live, and a scenario
      // derived from that building is dropped with its results (a run in progress on it is cancelled).
      sessionStore.subscribe((s, prev) => {
        const model = s.info?.model ?? null;
        if (model?.hash === prev.info?.model?.hash) return;
        if (simulationStore.getState().playback.onViews) dispatchSimulation({ type: 'showOnViews', on: false });
        const sim = simulationStore.getState();
        if (sim.status === 'running' && sim.scenarioModel !== null && sim.scenarioModel !== model?.hash) this.cancel();
        dispatchSimulation({ type: 'modelChanged', hash: model?.hash ?? null, name: model?.name ?? '' });
      }),
    );
  }

  /** Index of the scenario floor shown on the plan. */
  private planFloor(): number {
    const sc = simulationStore.getState().scenario, st = planStorey(layoutStore.getState());
    if (!sc || !st) return 0;
    const i = scenarioFloorIndex(sc, st.name);
    return Math.max(0, i);
  }

  private onState(s: SimulationState, prev: SimulationState): void {
    if (s.output !== prev.output) {
      this.plan.setOutput(s.output, s.scenario?.floors ?? []);
      this.points.setOutput(s.output, (s.scenario?.floors ?? []).map((f) => f.elevation ?? 0));
    }
    const shown = simulationOnViews(s);
    for (const b of this.badges) {
      b.root.hidden = !shown;
      if (shown) b.text.textContent = `Simulation · ${s.playback.time.toFixed(1)} s`;
    }
    if (s.output !== prev.output || s.playback.time !== prev.playback.time || shown !== simulationOnViews(prev)) {
      this.points.update(s.playback.time);
      if (!shown) this.points.root.visible = false;
      this.ctx.plan.requestRedraw();
      this.ctx.viewport.requestRender();
    }
    if (s.playback.playing && !prev.playback.playing) { this.lastTick = performance.now(); this.raf = requestAnimationFrame(this.tick); }
    if (!s.playback.playing && prev.playback.playing) cancelAnimationFrame(this.raf);
  }

  private readonly tick = (now: number): void => {
    const s = simulationStore.getState();
    if (!s.playback.playing) return;
    const t = s.playback.time + ((now - this.lastTick) / 1000) * s.playback.speed;
    this.lastTick = now;
    dispatchSimulation({ type: 'seek', time: t });
    if (t >= playbackDuration(s)) { dispatchSimulation({ type: 'setPlaying', playing: false }); return; }
    this.raf = requestAnimationFrame(this.tick);
  };

  async derive(opts: { occupants?: number; density?: number }): Promise<void> {
    const model = sessionStore.getState().info?.model;
    if (!model) { dispatchSimulation({ type: 'scenarioFailed', path: '', message: 'No model is loaded in this session: open an IFC first, or load a scenario JSON.' }); return; }
    dispatchSimulation({ type: 'deriveStarted' });
    try {
      const res = await fetch(withToken(model.url), { cache: 'no-store' });
      if (!res.ok) throw new Error(`${model.name}: could not download the model (HTTP ${res.status})`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const { scenario, note } = await this.client.deriveFromIfc(bytes, model.name, { ...opts, seed: simulationStore.getState().options.seed });
      const now = sessionStore.getState().info?.model;
      if (now?.hash !== model.hash) throw new Error(`the model changed to ${now?.name ?? 'none'} meanwhile: derive again`);
      dispatchSimulation({ type: 'scenarioLoaded', scenario, source: `derived from ${model.name}`, model: model.hash, note });
    } catch (e) {
      dispatchSimulation({ type: 'scenarioFailed', path: '', message: `Cannot derive a scenario from ${model.name}: ${errorMessage(e)}` });
    }
  }

  async loadFile(file: File): Promise<void> {
    try {
      const text = await file.text();
      const scenario = parseScenario(text);
      // Checked as a run would check it (ranges, walking map, placement) in the worker, so a file that cannot run is
      // refused now, naming the field, not at Run after a normal-looking summary.
      const verdict = await this.client.check(text);
      if (!verdict.ok) { dispatchSimulation({ type: 'scenarioFailed', path: `${file.name}: ${verdict.path || '(scenario)'}`, message: verdict.problem }); return; }
      dispatchSimulation({ type: 'scenarioLoaded', scenario, source: `file ${file.name}` });
    } catch (e) {
      dispatchSimulation({ type: 'scenarioFailed', path: e instanceof ScenarioError ? `${file.name}: ${e.path || '(scenario)'}` : file.name, message: e instanceof ScenarioError ? e.problem : errorMessage(e) });
    }
  }

  async run(): Promise<void> {
    if (simulationStore.getState().options.robotSource === 'live') dispatchSimulation({ type: 'setOptions', options: { liveRobots: liveRobotsNow() } });
    const s = simulationStore.getState();
    if (!s.scenario || s.status === 'running') return;
    const scenario = effectiveScenario(s.scenario, s.options), ran = s.scenario;
    // The scenario was dropped meanwhile (another model was opened): its run's end is not this state's.
    const current = (): boolean => simulationStore.getState().scenario === ran && simulationStore.getState().status === 'running';
    dispatchSimulation({ type: 'runStarted' });
    try {
      // Progress as twin simulate reports it: the share of time or of people out, whichever is further (time alone read
      // 18 % with 1 018 of 1 500 out, then jumped to 100 % when the last left).
      const people = scenario.agentGroups.reduce((n, g) => n + groupPeople(g), 0);
      const output = await this.client.run(scenario, { runs: s.options.runs, seed: s.options.seed, threads: s.options.threads }, (fraction, simTime, evacuated) =>
        dispatchSimulation({ type: 'runProgress', fraction: runProgressFraction(fraction, evacuated, people), simTime, evacuated }));
      const closedExits = scenario.exits.filter((e) => e.open === false).map((e) => e.id);
      if (current()) dispatchSimulation({ type: 'runFinished', output: closedExits.length ? { ...output, closedExits } : output });
    } catch (e) {
      if (!current()) return;
      const message = errorMessage(e);
      dispatchSimulation({ type: 'runFailed', message: /cancelled/.test(message) ? 'Run cancelled.' : message, cancelled: /cancelled/.test(message) });
    }
  }

  cancel(): void {
    void this.client.cancel();
  }

  showHeldRobot(id: string): void {
    const s = simulationStore.getState(), out = s.output, sc = s.scenario;
    const r = out?.track.robots, k = r ? r.ids.indexOf(id) : -1;
    if (!out || !r || !sc || k < 0 || out.track.frames === 0) return;
    dispatchSimulation({ type: 'seek', time: playbackDuration(s) });
    const at = (out.track.frames - 1) * r.count + k, x = r.x[at]!, y = r.y[at]!, f = r.floor[at]!;
    // The plan shows the robot's storey (the plan of "All" is the entrance level).
    const l = layoutStore.getState(), storey = l.storeys.find((st) => scenarioFloorIndex(sc, st.name) === f);
    if (storey && planStorey(l)?.index !== storey.index) layoutStore.setState({ activeStorey: storey.index });
    const reach = 10;
    this.ctx.plan.fitBounds(x - 1.2 * reach, y - 1.2 * reach, x + 1.2 * reach, y + 1.2 * reach);
    const centre = toThree(x, y, (sc.floors[f]?.elevation ?? 0) + 1, new THREE.Vector3());
    this.ctx.viewport.fitTo(new THREE.Box3().setFromCenterAndSize(centre, new THREE.Vector3(reach, reach, reach)));
  }

  showDensity(mode: SimDensityMode): void {
    this.plan.densityMode = mode;
    this.ctx.plan.requestRedraw();
  }

  exportResults(): void {
    const out = simulationStore.getState().output;
    if (out) downloadText(JSON.stringify(out.results, null, 1), `${out.results.scenario || 'simulation'}-results.json`, 'application/json');
  }

  saveScenario(): void {
    const o = simulationStore.getState().options;
    if (o.robotSource === 'live' && o.liveRobots.length === 0) dispatchSimulation({ type: 'setOptions', options: { liveRobots: liveRobotsNow() } });
    const s = simulationStore.getState();
    if (s.scenario) downloadText(JSON.stringify(effectiveScenario(s.scenario, s.options), null, 1), `${s.scenario.name || 'scenario'}.json`, 'application/json');
  }

  dispose(): void {
    cancelAnimationFrame(this.raf);
    for (const d of this.disposers.splice(0).reverse()) d();
    this.client.dispose();
    this.plan.dispose();
    this.points.dispose();
    for (const b of this.badges.splice(0)) b.root.remove();
  }
}

export const simulationFeature: Feature = {
  id: 'simulation',
  activate: (ctx) => new SimulationFeature(ctx),
};
