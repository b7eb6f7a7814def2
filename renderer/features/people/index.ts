/**
 * People feature: crowd analytics from BLE positions (issue 6).
 *  - density heatmap in Fruin level-of-service colours on the plan (deck.gl BitmapLayer) and as a
 *    coloured overlay on each storey's floor in 3D;
 *  - an "Occupancy" panel: people present, occupancy over the last hour, counts per space, flows
 *    per door/line and direction; a k-anonymous CSV export of the counts;
 *  - user-drawn counting lines and zones: drawn with the mouse on the plan ("Draw line" / "Draw
 *    zone": PlanDrawTool), typed as coordinates (people.addLine / people.addZone), listed in the
 *    Occupancy panel with rename/delete, saved per building in localStorage (UserShapeStorage).
 * People are only ever aggregates here (the entities feature draws them as anonymous dots).
 *
 * Geometry: `peopleStore.geometry` when someone publishes one, else (peopleGeometrySource) the
 * loaded IFC's structure (structureStore) or the testbed layout for the built-in `testbed:` source.
 */
import type { BuildingStructure } from '../../../common/buildingStructure.js';
import { buildTestbedLayout } from '../../../common/testbedLayout.js';
import type { Disposable } from '../../../common/source.js';
import { countsToCsv } from '../../../workers/peopleflow/suppressSmallCounts.js';
import type { DensityGrid } from '../../../workers/peopleflow/PeopleFlow.js';
import { downloadText } from '../../shell/downloadFile.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { layoutStore, planStorey } from '../../stores/layoutStore.js';
import { sessionStore, type SessionState } from '../../stores/sessionStore.js';
import { settingsStore } from '../../stores/settingsStore.js';
import { simulationOnViews, simulationStore } from '../../stores/simulationStore.js';
import { structureStore } from '../../stores/structureStore.js';
import { DensityFloorOverlay, densityFloorsIn3d } from './DensityFloorOverlay.js';
import { DensityPlanLayer } from './densityPlanLayer.js';
import { mountOccupancyPanel } from './OccupancyPanel.js';
import { PeopleModel, type PeopleGeometry } from './PeopleModel.js';
import { peopleGeometryFromLayout, peopleGeometryFromStructure } from './peopleGeometry.js';
import { peopleGeometrySource } from './peopleGeometrySource.js';
import { peopleStore } from './peopleStore.js';
import type { DrawnShape } from './planDrawing.js';
import { PlanDrawTool } from './PlanDrawTool.js';
import { userLayers } from './userLayers.js';
import { UserShapeStorage } from './UserShapeStorage.js';

/** Storey height assumed when the model publishes no elevations, m. */
const DEFAULT_STOREY_HEIGHT = 4;

export const peopleFeature: Feature = {
  id: 'people',
  activate(ctx: WorkbenchContext): Disposable {
    const model = new PeopleModel();
    const disposers: (() => void)[] = [];
    let testbed: PeopleGeometry | null = null;
    let fromStructure: { structure: BuildingStructure; geometry: PeopleGeometry } | null = null;
    let current: PeopleGeometry | null = null;
    /** localStorage key part of the current geometry's saved lines/zones (null: none). */
    let geometryKey: string | null = null;
    let frameErrorShown = false;
    const storage = new UserShapeStorage(typeof localStorage === 'undefined' ? null : localStorage);

    // Geometry: a published one, else the loaded IFC's structure or the testbed layout.
    const chooseGeometry = () => {
      const s = sessionStore.getState();
      const st = structureStore.getState();
      model.setGeoreference(st.structure?.georeference ?? null);
      let next: PeopleGeometry | null = peopleStore.getState().geometry;
      let key: string | null = next ? `published:${next.label}` : null;
      if (!next) {
        const modelName = s.info?.model?.name ?? null;
        const source = peopleGeometrySource({ sourceUri: s.source?.uri ?? s.info?.source?.uri ?? '', modelName, structureReady: st.status === 'ready' && st.structure !== null });
        if (source === 'structure') {
          const structure = st.structure!;
          if (fromStructure?.structure !== structure) {
            try {
              fromStructure = { structure, geometry: peopleGeometryFromStructure(structure, modelName ?? 'model') };
            } catch (e) {
              ctx.notify('warn', `People: the model's spaces and doors cannot be used for occupancy (${(e as Error).message})`);
              fromStructure = null;
            }
          }
          next = fromStructure?.geometry ?? null;
          key = next ? `model:${st.hash ?? modelName}` : null;
        } else if (source === 'testbed') {
          next = testbed ??= peopleGeometryFromLayout(buildTestbedLayout());
          key = 'testbed';
        }
      }
      if (next !== current) {
        current = next;
        model.setGeometry(next);
      }
      if (key !== geometryKey) {
        geometryKey = key;
        drawTool.cancel();
        const saved = key ? storage.load(key) : { zones: [], lines: [] };
        if ('error' in saved && saved.error) ctx.notify('warn', `People: saved lines and zones ignored — ${saved.error}`);
        model.setUserShapes(saved.zones, saved.lines);
        ctx.plan.requestRedraw();
        peopleStore.setState((p) => ({ shapesVersion: p.shapesVersion + 1 }));
      }
    };
    const drawTool = new PlanDrawTool(ctx.plan, (shape) => addShape(shape), (msg) => ctx.notify('info', `People: ${msg}`));
    disposers.push(() => drawTool.dispose());
    disposers.push(ctx.plan.addLayers('people-draw', () => drawTool.layers()));
    let lastGeometry = peopleStore.getState().geometry;
    disposers.push(peopleStore.subscribe((s) => {
      if (s.geometry !== lastGeometry) {
        lastGeometry = s.geometry;
        chooseGeometry();
      }
    }));
    disposers.push(sessionStore.subscribe(chooseGeometry));
    disposers.push(structureStore.subscribe((s, p) => { if (s.structure !== p.structure || s.status !== p.status) chooseGeometry(); }));

    disposers.push(
      ctx.api.onBinary('telemetry', (buf, offset) => {
        try {
          model.ingestFrameBuffer(buf, offset);
        } catch (e) {
          if (!frameErrorShown) ctx.notify('warn', `People: a telemetry frame could not be read (${(e as Error).message}); occupancy may lag`);
          frameErrorShown = true;
        }
      }),
    );

    // Views.
    const plan = new DensityPlanLayer();
    // The live heatmap gives way to a simulation run on the views (its maximum-density map is drawn instead).
    const heatmapOn = () => peopleStore.getState().heatmap && !simulationOnViews(simulationStore.getState());
    disposers.push(ctx.plan.addLayers('people-density', () => (heatmapOn() ? plan.layers() : [])));
    let overlay: DensityFloorOverlay | null = null;
    try {
      overlay = new DensityFloorOverlay(ctx.viewport.scene);
    } catch {
      overlay = null; // no 3D view (no WebGL): the plan and the panel still work
    }

    const elevationOf = (floor: string, index: number): number => {
      const st = layoutStore.getState().storeys.find((s) => s.name === floor);
      return st ? st.elevation : index * DEFAULT_STOREY_HEIGHT;
    };
    const refresh = () => {
      const ui = peopleStore.getState(), on = heatmapOn();
      const snap = model.snapshot();
      const planFloor = planStorey(layoutStore.getState())?.name ?? snap.floors[0];
      plan.update(on && planFloor ? model.density(planFloor, ui.average) : null);
      ctx.plan.requestRedraw();
      if (overlay) {
        overlay.visible = on;
        if (on) {
          const shown: { grid: DensityGrid; elevation: number }[] = [];
          const in3d = new Set(densityFloorsIn3d(snap.floors, layoutStore.getState()));
          snap.floors.forEach((f, i) => {
            const grid = in3d.has(f) ? model.density(f, ui.average) : null;
            if (grid) shown.push({ grid, elevation: elevationOf(f, i) });
          });
          overlay.show(shown);
        }
        ctx.viewport.requestRender();
      }
    };
    const timer = setInterval(refresh, 1000);
    disposers.push(() => clearInterval(timer));
    disposers.push(peopleStore.subscribe(refresh));
    disposers.push(simulationStore.subscribe((s, p) => { if (simulationOnViews(s) !== simulationOnViews(p)) refresh(); }));
    disposers.push(layoutStore.subscribe((s, p) => { if (s.activeStorey !== p.activeStorey || s.storeys !== p.storeys) refresh(); }));
    // Another source: its people are not the old one's. The aggregates start again (the geometry
    // may well stay, e.g. one broker for another on the same model), else the old source's people
    // would stay on the heatmap and in the counts until the new source's clock passed theirs —
    // never, for a source that sends nothing or runs behind.
    const sourceUriOf = (s: SessionState) => s.source?.uri ?? s.info?.source?.uri ?? '';
    let sourceUri = sourceUriOf(sessionStore.getState());
    disposers.push(sessionStore.subscribe((s) => {
      const uri = sourceUriOf(s);
      if (uri === sourceUri) return;
      sourceUri = uri;
      model.reset();
      refresh();
    }));

    const exportCounts = () => {
      const k = settingsStore.getState().settings.privacyK;
      const csv = countsToCsv(model.countRecords(), k);
      downloadText(csv, `occupancy-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`, 'text/csv');
      ctx.notify('info', `Exported occupancy of ${model.countRecords().length} zones (counts below ${k} suppressed)`);
    };

    const saveShapes = () => {
      if (geometryKey) storage.save(geometryKey, model.userGeometry());
      peopleStore.setState((p) => ({ shapesVersion: p.shapesVersion + 1 }));
      ctx.plan.requestRedraw();
    };
    const planFloorName = () => planStorey(layoutStore.getState())?.name ?? model.snapshot().floors[0] ?? '1F';
    const nextName = (kind: 'line' | 'zone') => {
      const list: { name: string }[] = kind === 'line' ? model.userGeometry().lines : model.userGeometry().zones;
      const prefix = kind === 'line' ? 'Line' : 'Zone';
      let n = list.length + 1;
      while (list.some((x) => x.name === `${prefix} ${n}`)) n++;
      return `${prefix} ${n}`;
    };
    const addShape = (shape: DrawnShape) => {
      if (!geometryKey) {
        ctx.notify('warn', 'People: no building geometry to count on — load a model or connect the testbed source first.');
        return;
      }
      const floor = planFloorName();
      const id = `user-${shape.kind}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
      const name = nextName(shape.kind);
      if (shape.kind === 'line') model.addUserLine({ id, name, floor, a: shape.a, b: shape.b });
      else model.addUserZone({ id, name, floor, polygon: shape.polygon });
      saveShapes();
      ctx.showPanel('people.occupancy');
      ctx.notify('info', `People: ${name} added on ${floor}; flow figures restart from now`);
    };
    const actions = {
      startDraw: (kind: 'line' | 'zone') => {
        if (!geometryKey) {
          ctx.notify('warn', 'People: no building geometry to count on — load a model or connect the testbed source first.');
          return;
        }
        drawTool.start(kind);
      },
      rename: (id: string, name: string) => { if (model.renameUserShape(id, name)) saveShapes(); },
      remove: (id: string) => { if (model.removeUserShape(id)) saveShapes(); },
    };
    disposers.push(ctx.registerPanel({ id: 'people.occupancy', title: 'Occupancy', side: 'right', order: 30, mount: (el) => mountOccupancyPanel(el, model, exportCounts, actions) }));
    disposers.push(ctx.registerCommand({ id: 'people.drawLine', title: 'People: draw a counting line on the plan', key: 'Shift+L', run: () => actions.startDraw('line') }));
    disposers.push(ctx.registerCommand({ id: 'people.drawZone', title: 'People: draw a zone on the plan', run: () => actions.startDraw('zone') }));
    disposers.push(ctx.registerCommand({ id: 'people.toggleHeatmap', title: 'People: toggle density heatmap', key: 'Shift+H', run: () => peopleStore.setState((s) => ({ heatmap: !s.heatmap })) }));
    disposers.push(ctx.registerCommand({ id: 'people.toggleAverage', title: 'People: heatmap now / average over time', run: () => peopleStore.setState((s) => ({ average: !s.average })) }));
    disposers.push(ctx.registerCommand({ id: 'people.exportCounts', title: 'People: export occupancy counts (CSV, k-anonymous)', run: exportCounts }));
    // User-drawn counting lines and zones, typed as coordinates (building frame, metres) on the
    // plan's storey: "x1,y1 x2,y2" for a line, "x1,y1 x2,y2 x3,y3 …" for a zone.
    const parsePoints = (arg: string | undefined, min: number): [number, number][] => {
      const pts = (arg ?? '').trim().split(/\s+/).filter(Boolean).map((p) => p.split(',').map(Number));
      if (pts.length < min || pts.some((p) => p.length !== 2 || !p.every(Number.isFinite))) {
        throw new Error(`expected at least ${min} points as "x,y x,y …" in metres, got "${arg ?? ''}"`);
      }
      return pts as [number, number][];
    };
    const userCommand = (kind: 'line' | 'zone') => (arg?: string) => {
      try {
        const pts = parsePoints(arg, kind === 'line' ? 2 : 3);
        addShape(kind === 'line' ? { kind, a: pts[0]!, b: pts[1]! } : { kind, polygon: pts });
      } catch (e) {
        ctx.notify('error', `People: cannot add the ${kind}: ${(e as Error).message}`);
      }
    };
    disposers.push(ctx.registerCommand({ id: 'people.addLine', title: 'People: add a counting line (x1,y1 x2,y2)', run: userCommand('line') }));
    disposers.push(ctx.registerCommand({ id: 'people.addZone', title: 'People: add a zone (x,y x,y x,y …)', run: userCommand('zone') }));
    disposers.push(ctx.plan.addLayers('people-user-geometry', () => userLayers(model.userGeometry(), planFloorName())));
    chooseGeometry();
    disposers.push(ctx.registerCommand({ id: 'people.showOccupancy', title: 'People: show occupancy', run: () => ctx.showPanel('people.occupancy') }));

    return {
      dispose() {
        for (const d of disposers.splice(0).reverse()) d();
        plan.dispose();
        overlay?.dispose();
      },
    };
  },
};

export { peopleStore } from './peopleStore.js';
export { peopleGeometryFromLayout, peopleGeometryFromStructure } from './peopleGeometry.js';
