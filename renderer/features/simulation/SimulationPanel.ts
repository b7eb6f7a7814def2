/**
 * The "Simulation" panel: scenario source (derive from the loaded model, or a scenario JSON file),
 * exits open/closed, robots, pre-movement and speed profiles, seed and runs; Run with progress
 * and Cancel; results (evacuation time, evacuated/total, evacuated-over-time curve, per-exit usage
 * with mean flow, Monte-Carlo histogram), exports, and a playback slider with play/pause.
 * Reads simulationStore; every change goes through `dispatchSimulation` or the controller.
 */
import type { Disposable } from '../../../common/source.js';
import { groupPeople, type AgentGroup, type SimulationResults } from '../../../common/scenario.js';
import { h } from '../../shell/h.js';
import { counted } from '../../../common/plural.js';
import { formatSeconds, runsSummaryLine } from '../../../common/simFigures.js';
import { dispatchSimulation, PLAYBACK_SPEEDS, playbackDuration, simulationOnViews, simulationStore, type PremovementProfile, type SimulationState, type SpeedProfile } from '../../stores/simulationStore.js';
import { reachableOutTime } from '../../../workers/sim/summarizeRuns.js';
import { evacuationCurveSvg, histogramSvg } from './resultCharts.js';
import type { SimDensityMode } from './SimulationPlanLayers.js';
import { liveRobotObstacles } from './effectiveScenario.js';

export interface SimulationController {
  /** Show or hide the max-density plan layer. */
  showDensity(mode: SimDensityMode): void;
  derive(opts: { occupants?: number; density?: number }): Promise<void>;
  loadFile(file: File): Promise<void>;
  run(): Promise<void>;
  cancel(): void;
  exportResults(): void;
  saveScenario(): void;
  /** Seeks the run to its end and points the plan (on its storey) and 3D at robot `id` of the run. */
  showHeldRobot(id: string): void;
}

/**
 * The robots people were still held up behind at the end of a run (AgentResult.heldBy), most people first, then by
 * id; `live`: the robot is one of `liveIds`, the live robots a run halted where they stood (a live entity to select).
 */
export function heldUpBy(r: Pick<SimulationResults, 'agents'>, liveIds: readonly string[]): { id: string; n: number; live: boolean }[] {
  const held = new Map<string, number>();
  for (const a of r.agents) if (a.heldBy !== undefined) held.set(a.heldBy, (held.get(a.heldBy) ?? 0) + 1);
  const live = new Set(liveIds);
  return [...held].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id, n]) => ({ id, n, live: live.has(id) }));
}

const row = (...c: (Node | string)[]) => h('div', { style: 'display:flex;gap:6px;align-items:center;flex-wrap:wrap' }, ...c);
const num = (testid: string, value: number, step: string, min: string) => h('input', { type: 'number', value, step, min, 'data-testid': testid, style: 'width:70px' });
/** Seconds as `twin simulate` prints them (common/simFigures.ts). */
const fmt = (x: number | null) => (x === null ? 'n/a' : formatSeconds(x));

/**
 * The results' first lines: the evacuation time; when not everybody left only because some start where no
 * exit can be reached (a doorless room, a storey no stair reaches), when all the others were out; and the count.
 */
export function resultHeadline(r: Pick<SimulationResults, 'evacuationTime' | 'agentsEvacuated' | 'agentsUnreachable' | 'agentsTotal' | 'agents'>): { time: string; reachableOut: string | null; evacuated: string } {
  const othersOut = reachableOutTime(r);
  return {
    time: fmt(r.evacuationTime),
    reachableOut: othersOut !== null ? `all who could reach an exit were out at ${fmt(othersOut)}` : null,
    evacuated: `Evacuated ${r.agentsEvacuated} / ${r.agentsTotal}${r.agentsUnreachable ? ` · ${r.agentsUnreachable} cannot reach an exit` : ''}`,
  };
}

/** Occupants of a group as run: the panel's count for it, else the scenario's (fixed positions: their number). */
function occupantsOf(g: AgentGroup, counts: Readonly<Record<string, number>>): number {
  return g.positions ? g.positions.length : counts[g.id] ?? groupPeople(g);
}

export function mountSimulationPanel(el: HTMLElement, ctl: SimulationController): Disposable {
  // --- scenario source
  const mode = h('select', { 'data-testid': 'sim-occupant-mode' }, h('option', { value: 'occupants' }, 'Occupants'), h('option', { value: 'density' }, 'Density (P/m²)'));
  const amount = num('sim-occupants', 50, 'any', '0');
  mode.addEventListener('change', () => { amount.value = mode.value === 'density' ? '0.1' : '50'; });
  const derive = h('button', { type: 'button', 'data-testid': 'sim-derive' }, 'Derive from loaded model');
  derive.addEventListener('click', () => {
    const v = Number(amount.value);
    void ctl.derive(mode.value === 'density' ? { density: v } : { occupants: Math.round(v) });
  });
  const file = h('input', { type: 'file', accept: '.json,application/json', 'data-testid': 'sim-file', style: 'display:none' });
  const load = h('button', { type: 'button' }, 'Load scenario JSON…');
  load.addEventListener('click', () => file.click());
  file.addEventListener('change', () => { const f = file.files?.[0]; if (f) void ctl.loadFile(f); file.value = ''; });
  const source = h('div', { 'data-testid': 'sim-source', style: 'opacity:0.8' });
  const note = h('div', { 'data-testid': 'sim-scenario-note', hidden: true, style: 'color:#d68a00;white-space:pre-wrap' });
  const scenarioError = h('div', { 'data-testid': 'sim-scenario-error', style: 'color:#d9534f;white-space:pre-wrap' });

  // --- options
  const seed = num('sim-seed', 1, '1', '0');
  const runs = num('sim-runs', 1, '1', '1');
  const threads = h('select', { 'data-testid': 'sim-threads', title: 'A single run of 2 000 people or more can share each step with a second thread: the same results, sooner where the machine has a core to spare (auto: from 4 cores)' },
    h('option', { value: 'auto' }, 'auto'), h('option', { value: '2' }, '2 for big crowds'), h('option', { value: '1' }, '1'));
  const premove = h('select', { 'data-testid': 'sim-premovement' },
    h('option', { value: 'scenario' }, 'as in scenario'), h('option', { value: 'none' }, 'none'),
    h('option', { value: 'uniform10-60' }, '10–60 s uniform'), h('option', { value: 'rimea10-100' }, 'RiMEA 10–100 s'));
  const speed = h('select', { 'data-testid': 'sim-speed' },
    h('option', { value: 'scenario' }, 'as in scenario'), h('option', { value: 'weidmann' }, 'Weidmann 1.34±0.26 m/s'), h('option', { value: 'slow' }, 'slow 0.8±0.2 m/s'));
  const robots = h('input', { type: 'checkbox', checked: true, 'data-testid': 'sim-robots' });
  const robotCount = num('sim-robot-count', 0, '1', '0');
  robotCount.title = 'How many shuttles to generate: they go back and forth across the largest walkable area of the first floor';
  robotCount.setAttribute('aria-label', 'Generated robots');
  // Where the robots of a scenario without its own come from: generated shuttles, or the live robots halted where they
  // are when Run is pressed (an operator checking an evacuation with the fleet as it stands now).
  const robotSource = h('select', { 'data-testid': 'sim-robot-source', title: 'Robots of a scenario that has none of its own: generated shuttles, or the live robots halted where they are at Run (robots stop on a fire alarm)' },
    h('option', { value: 'generated' }, 'generated'), h('option', { value: 'live' }, 'live now, halted'));
  const opts = (): void => dispatchSimulation({ type: 'setOptions', options: {
    seed: Math.round(Number(seed.value) || 0), runs: Math.max(1, Math.round(Number(runs.value) || 1)), threads: threads.value === '1' ? 1 : threads.value === '2' ? 2 : 'auto',
    premovement: premove.value as PremovementProfile, speed: speed.value as SpeedProfile,
    robots: robots.checked, robotCount: Math.max(0, Math.round(Number(robotCount.value) || 0)), robotSource: robotSource.value === 'live' ? 'live' : 'generated',
  } });
  for (const c of [seed, runs, threads, premove, speed, robots, robotCount, robotSource]) c.addEventListener('change', opts);
  const exits = h('div', { 'data-testid': 'sim-exits', style: 'display:flex;flex-direction:column;gap:2px' });
  const perSpaceSummary = h('summary', { 'data-testid': 'sim-per-space-summary' });
  const perSpaceRows = h('div', { style: 'display:grid;grid-template-columns:1fr auto;gap:2px 6px;max-height:180px;overflow:auto;margin-top:4px' });
  const perSpace = h('details', { 'data-testid': 'sim-per-space' }, perSpaceSummary, perSpaceRows);
  const robotsNote = h('span', { style: 'opacity:0.7' });

  // --- run
  const runBtn = h('button', { type: 'button', 'data-testid': 'sim-run' }, 'Run');
  const cancelBtn = h('button', { type: 'button', 'data-testid': 'sim-cancel' }, 'Cancel');
  runBtn.addEventListener('click', () => void ctl.run());
  cancelBtn.addEventListener('click', () => ctl.cancel());
  const bar = h('progress', { max: 1, value: 0, 'data-testid': 'sim-progress', style: 'flex:1' });
  const runStatus = h('div', { 'data-testid': 'sim-status' });

  // --- results
  const results = h('div', { 'data-testid': 'sim-results', style: 'display:flex;flex-direction:column;gap:6px' });
  const play = h('button', { type: 'button', 'data-testid': 'sim-play' }, 'Play');
  const slider = h('input', { type: 'range', min: 0, max: 0, step: 0.1, value: 0, 'data-testid': 'sim-slider', style: 'flex:1' });
  const clock = h('span', { 'data-testid': 'sim-clock', style: 'min-width:60px;text-align:right' });
  play.addEventListener('click', () => dispatchSimulation({ type: 'setPlaying', playing: !simulationStore.getState().playback.playing }));
  slider.addEventListener('input', () => {
    const time = Number(slider.value); // read first: the pause below re-renders the slider
    dispatchSimulation({ type: 'setPlaying', playing: false });
    dispatchSimulation({ type: 'seek', time });
  });
  const playSpeed = h('select', { 'data-testid': 'sim-playback-speed', title: 'Playback speed (simulated seconds per second)' },
    ...PLAYBACK_SPEEDS.map((v) => h('option', { value: String(v) }, `${v}×`)));
  playSpeed.addEventListener('change', () => dispatchSimulation({ type: 'setPlaybackSpeed', speed: Number(playSpeed.value) }));
  const exportBtn = h('button', { type: 'button', 'data-testid': 'sim-export' }, 'Export results JSON');
  const saveBtn = h('button', { type: 'button', 'data-testid': 'sim-save' }, 'Save scenario');
  exportBtn.addEventListener('click', () => ctl.exportResults());
  saveBtn.addEventListener('click', () => ctl.saveScenario());
  const density = h('select', { 'data-testid': 'sim-density-mode', title: 'Density under the playback on the plan, in Fruin levels of service: the most each 2 m cell held at any time of the run, or what it holds at the playback time' },
    h('option', { value: 'max' }, 'maximum over the run'), h('option', { value: 'now' }, 'at the playback time'), h('option', { value: 'off' }, 'off'));
  density.addEventListener('change', () => ctl.showDensity(density.value === 'now' ? 'now' : density.value === 'off' ? 'off' : 'max'));
  // The run takes the place of the live entities on the plan and in 3D while it is on the views; this gives them back.
  const views = h('button', { type: 'button', 'data-testid': 'sim-views' });
  views.addEventListener('click', () => dispatchSimulation({ type: 'showOnViews', on: !simulationOnViews(simulationStore.getState()) }));
  const playback = h('div', { style: 'display:flex;flex-direction:column;gap:4px' }, row(play, playSpeed, slider, clock), row(views, h('label', {}, 'Density on the plan ', density)));

  const section = (title: string, ...c: Node[]) => h('fieldset', { style: 'border:1px solid rgba(127,127,127,0.35);padding:6px;display:flex;flex-direction:column;gap:6px' }, h('legend', {}, title), ...c);
  const root = h('div.sim-panel', { 'data-testid': 'sim-panel', style: 'display:flex;flex-direction:column;gap:8px;padding:8px;overflow:auto;height:100%;box-sizing:border-box;font-size:12px' },
    section('Scenario', row(mode, amount, derive), row(load, file), source, note, scenarioError),
    section('Options', h('div', {}, 'Exits'), exits, perSpace, row(h('label', {}, robots, ' Robots'), robotSource, robotCount, robotsNote),
      row(h('label', {}, 'Pre-movement ', premove)), row(h('label', {}, 'Speed ', speed)),
      row(h('label', {}, 'Seed ', seed), h('label', {}, 'Runs ', runs)), row(h('label', {}, 'Threads ', threads))),
    section('Run', row(runBtn, cancelBtn, bar), runStatus),
    section('Results', results, playback, row(exportBtn, saveBtn)),
  );
  el.append(root);

  let last: SimulationState | null = null;
  const render = (s: SimulationState): void => {
    const p = last;
    last = s;
    if (!p || p.scenario !== s.scenario || p.options.groupCounts !== s.options.groupCounts) renderPerSpace(s);
    if (!p || p.scenario !== s.scenario || p.options.exitsOpen !== s.options.exitsOpen || p.options.groupCounts !== s.options.groupCounts || p.source !== s.source || p.scenarioNote !== s.scenarioNote || p.deriving !== s.deriving || p.scenarioError !== s.scenarioError) {
      const sc = s.scenario;
      const groups = sc ? sc.agentGroups.reduce((n, g) => n + occupantsOf(g, s.options.groupCounts), 0) : 0;
      source.textContent = s.deriving ? 'Deriving the scenario from the model…'
        // The scenario's own robots only: generated or live ones join at Run (the Robots row says which). "0 robot(s)"
        // here read as "no robots" beside 4 generated ones that did run.
        : sc ? `${s.source}: ${counted(sc.floors.length, 'floor')}, ${counted(sc.exits.length, 'exit')}, ${counted(groups, 'occupant')}${sc.obstaclesMoving?.length ? `, ${counted(sc.obstaclesMoving.length, 'robot')} of its own` : ''}` : s.source || 'No scenario yet.';
      note.textContent = !s.deriving && s.scenario && s.scenarioNote ? `⚠ ${s.scenarioNote}` : '';
      note.hidden = !note.textContent;
      scenarioError.textContent = s.scenarioError ? `${s.scenarioError.path ? `${s.scenarioError.path}: ` : ''}${s.scenarioError.message}` : '';
      exits.replaceChildren(...(sc?.exits ?? []).map((e) => {
        const open = s.options.exitsOpen[e.id] ?? e.open ?? true;
        const cb = h('input', { type: 'checkbox', checked: open, 'data-testid': `sim-exit-${e.id}` });
        cb.addEventListener('change', () => dispatchSimulation({ type: 'setExitOpen', exit: e.id, open: cb.checked }));
        return h('label', {}, cb, ` ${e.id} (${e.floor})`);
      }));
      if (!sc?.exits.length) exits.replaceChildren(h('span', { style: 'opacity:.7' }, 'open or close each exit once a scenario is derived or loaded'));
      if (sc) seed.value = String(s.options.seed);
    }
    const own = s.scenario?.obstaclesMoving?.length ?? 0, live = s.options.robotSource === 'live';
    robotCount.hidden = live;
    robotSource.disabled = own > 0;
    robotsNote.textContent = own ? `scenario has ${own}` : live && s.options.liveRobots.length && s.scenario
      ? robotsAtLastRun(s) : live ? 'taken at Run' : '';
    const running = s.status === 'running';
    runBtn.disabled = running || !s.scenario || s.deriving;
    cancelBtn.disabled = !running;
    derive.disabled = s.deriving || running;
    bar.value = s.progress?.fraction ?? (s.status === 'done' ? 1 : 0);
    runStatus.textContent = running && s.progress ? `Running… t = ${s.progress.simTime.toFixed(0)} s, ${s.progress.evacuated} out`
      : s.status === 'failed' || s.status === 'cancelled' ? s.runError ?? s.status : s.status === 'done' ? 'Done.' : '';
    if (!p || p.output !== s.output || (p.status === 'running') !== running) renderResults(s);
    exportBtn.disabled = !s.output;
    saveBtn.disabled = !s.scenario;
    const dur = playbackDuration(s);
    slider.max = String(dur);
    slider.value = String(s.playback.time);
    play.textContent = s.playback.playing ? 'Pause' : 'Play';
    play.disabled = !s.output;
    const onViews = simulationOnViews(s);
    views.textContent = onViews ? 'Back to live' : 'Show on the views';
    views.title = onViews ? 'The plan and 3D show this run in place of the live entities and people; show the live picture again' : 'Show this run on the plan and in 3D in place of the live entities and people';
    views.disabled = !s.output;
    playSpeed.value = String(s.playback.speed);
    clock.textContent = `${s.playback.time.toFixed(1)} / ${dur.toFixed(0)} s`;
  };

  /** "12 at the last Run (3 on floors the scenario lacks)". */
  const robotsAtLastRun = (s: SimulationState): string => {
    const { obstacles, elsewhere } = liveRobotObstacles(s.scenario!, s.options.liveRobots);
    return `${obstacles.length} at the last Run${elsewhere ? ` (${elsewhere} on floors the scenario lacks)` : ''}`;
  };

  /** One row per agent group (a space, in a derived scenario): its name and storey, and its occupants to edit. */
  const renderPerSpace = (s: SimulationState): void => {
    const groups = s.scenario?.agentGroups ?? [];
    const total = groups.reduce((n, g) => n + occupantsOf(g, s.options.groupCounts), 0);
    perSpaceSummary.textContent = `Occupants per space: ${total} in ${groups.length} space${groups.length === 1 ? '' : 's'}`;
    perSpace.hidden = groups.length === 0;
    perSpaceRows.replaceChildren(...groups.flatMap((g) => {
      const count = h('input', { type: 'number', min: '0', step: '1', value: String(occupantsOf(g, s.options.groupCounts)), 'data-testid': `sim-group-${g.id}`, style: 'width:64px' });
      if (g.positions) { count.disabled = true; count.title = 'fixed start positions in the scenario'; }
      count.addEventListener('change', () => {
        const v = Number(count.value);
        if (count.value.trim() === '' || !Number.isInteger(v) || v < 0) {
          count.setCustomValidity('a whole number of people, 0 or more');
          count.reportValidity();
          return;
        }
        count.setCustomValidity('');
        dispatchSimulation({ type: 'setGroupCount', group: g.id, count: v });
      });
      return [h('label', { title: g.id, style: 'overflow:hidden;text-overflow:ellipsis;white-space:nowrap' }, `${g.name ?? g.id} (${g.floor})`), count];
    }));
  };

  const renderResults = (s: SimulationState): void => {
    const out = s.output;
    if (!out) { results.replaceChildren(h('div', { style: 'opacity:0.7' }, 'Run a scenario to see results.')); return; }
    const r = out.results;
    // While a new run goes, these are the last run's (kept if it is cancelled): say so, dimmed.
    results.style.opacity = s.status === 'running' ? '0.55' : '';
    const table = h('table', { 'data-testid': 'sim-exit-table', style: 'border-collapse:collapse;width:100%' },
      h('tr', {}, h('th', { style: 'text-align:left' }, 'Exit'), h('th', {}, 'Persons'), h('th', {}, 'Mean flow P/s')));
    const firstLast = new Map<string, [number, number]>();
    const head = resultHeadline(r);
    for (const a of r.agents) {
      if (a.exit === null || a.exitTime === null) continue;
      const fl = firstLast.get(a.exit);
      firstLast.set(a.exit, fl ? [Math.min(fl[0], a.exitTime), Math.max(fl[1], a.exitTime)] : [a.exitTime, a.exitTime]);
    }
    for (const [id, n] of Object.entries(r.exitUsage)) {
      // Mean flow over the exit's active period (first to last person through it).
      const fl = firstLast.get(id), span = fl ? fl[1] - fl[0] : 0;
      // A closed exit says so, not "0 –" like an open one nobody took.
      const closed = out.closedExits?.includes(id) === true;
      table.append(h('tr', { 'data-exit': id }, h('td', {}, id), h('td', { style: 'text-align:right' }, closed ? 'closed' : String(n)), h('td', { style: 'text-align:right' }, n > 1 && span > 0 ? ((n - 1) / span).toFixed(2) : '–')));
    }
    const curve = h('div', { style: 'color:inherit' });
    curve.innerHTML = evacuationCurveSvg(r.evacuatedOverTime, r.agentsTotal);
    const parts: Node[] = [
      ...(s.status === 'running' ? [h('div', { 'data-testid': 'sim-results-previous', style: 'font-style:italic' }, 'The last run\'s results, until this run ends:')] : []),
      h('div', { style: 'font-size:14px' }, 'Evacuation time: ', h('b', { 'data-testid': 'sim-evac-time' }, head.time),
        head.reachableOut ? h('span', { 'data-testid': 'sim-reachable-out', style: 'opacity:0.8' }, ` (${head.reachableOut})`) : ''),
      h('div', { 'data-testid': 'sim-evacuated' }, head.evacuated),
      curve, table,
    ];
    if (r.runs.length > 1) {
      const hist = h('div', {});
      hist.innerHTML = histogramSvg(r.runs.flatMap((x) => (x.evacuationTime === null ? [] : [x.evacuationTime])), r.summary);
      parts.push(h('div', { 'data-testid': 'sim-summary' }, runsSummaryLine(r)), hist);
    }
    parts.push(h('div', { 'data-testid': 'sim-performance', style: 'opacity:0.7' }, `Computed in ${r.performance.wallSeconds.toFixed(2)} s${(out.workers ?? 1) > 1 ? ` of worker time, ${r.runs.length} runs on ${out.workers} workers` : (r.performance.threads ?? 1) > 1 ? ` on ${r.performance.threads} threads` : ''} (${r.performance.agentStepsPerSecond.toLocaleString('en')} agent-steps/s)`));
    for (const w of r.warnings) parts.push(h('div', { style: 'color:#d68a00' }, `⚠ ${w}`));
    // The robots people were still held up behind at the end, most first: a live robot (halted at Run) is a button that
    // selects it and flies to it, so an operator can go and see what stands in that doorway.
    const held = heldUpBy(r, !s.scenario?.obstaclesMoving?.length && s.options.robotSource === 'live' ? s.options.liveRobots.map((x) => x.id) : []);
    if (held.length) {
      parts.push(row('Held up behind:', ...held.map(({ id, n, live }) => {
        const what = live ? `the live robot ${id}, halted where it stood at Run` : `robot ${id}`;
        const b = h('button', { 'data-testid': 'sim-held-robot', title: `Show the end of the run at ${what}, with the ${n} people it holds up` }, `${id} (${n})`);
        b.addEventListener('click', () => ctl.showHeldRobot(id));
        return b;
      })));
    }
    parts.push(h('div', { style: 'opacity:0.7' }, 'Plan: density per m² in 2 m cells (Fruin A ≤0.31 B ≤0.43 C ≤0.72 D ≤1.08 E ≤2.17 F >2.17)'));
    results.replaceChildren(...parts);
  };

  render(simulationStore.getState());
  const unsub = simulationStore.subscribe(render);
  return { dispose: () => { unsub(); root.remove(); } };
}
