/**
 * People feature: crowd analytics from BLE positions (issue 6).
 *  - density heatmap in Fruin level-of-service colours on the plan (deck.gl BitmapLayer) and as a
 *    coloured overlay on each storey's floor in 3D;
 *  - an "Occupancy" panel: people present, occupancy over the last hour, counts per space, flows
 *    per door/line and direction; a k-anonymous CSV export of the counts;
 * People are only ever aggregates here (the entities feature draws them as anonymous dots).
 *
 * Geometry: whatever `peopleStore.geometry` holds (published by the model feature from the IFC),
 * else the testbed layout while the source is the built-in `testbed:` simulator.
 */
import { buildTestbedLayout } from '../../../common/testbedLayout.js';
import type { Disposable } from '../../../common/source.js';
import { countsToCsv } from '../../../workers/peopleflow/suppressSmallCounts.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { layoutStore, planStorey } from '../../stores/layoutStore.js';
import { sessionStore } from '../../stores/sessionStore.js';
import { settingsStore } from '../../stores/settingsStore.js';
import { DensityFloorOverlay } from './DensityFloorOverlay.js';
import { DensityPlanLayer } from './densityPlanLayer.js';
import { mountOccupancyPanel } from './OccupancyPanel.js';
import { PeopleModel, type PeopleGeometry } from './PeopleModel.js';
import { peopleGeometryFromLayout } from './peopleGeometry.js';
import { peopleStore } from './peopleStore.js';
import { userLayers } from './userLayers.js';

/** Storey height assumed when the model publishes no elevations, m. */
const DEFAULT_STOREY_HEIGHT = 4;

export const peopleFeature: Feature = {
  id: 'people',
  activate(ctx: WorkbenchContext): Disposable {
    const model = new PeopleModel();
    const disposers: (() => void)[] = [];
    let testbed: PeopleGeometry | null = null;
    let current: PeopleGeometry | null = null;
    let frameErrorShown = false;

    // Geometry: the model's, else the testbed layout for the testbed source.
    const chooseGeometry = () => {
      const fromModel = peopleStore.getState().geometry;
      const s = sessionStore.getState();
      const uri = s.source?.uri ?? s.info?.source?.uri ?? '';
      let next: PeopleGeometry | null = fromModel;
      if (!next && uri.startsWith('testbed:')) next = testbed ??= peopleGeometryFromLayout(buildTestbedLayout());
      if (next !== current) {
        current = next;
        model.setGeometry(next);
      }
    };
    chooseGeometry();
    let lastGeometry = peopleStore.getState().geometry;
    disposers.push(peopleStore.subscribe((s) => {
      if (s.geometry !== lastGeometry) {
        lastGeometry = s.geometry;
        chooseGeometry();
      }
    }));
    disposers.push(sessionStore.subscribe(chooseGeometry));

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
    disposers.push(ctx.plan.addLayers('people-density', () => (peopleStore.getState().heatmap ? plan.layers() : [])));
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
      const ui = peopleStore.getState();
      const snap = model.snapshot();
      const planFloor = planStorey(layoutStore.getState())?.name ?? snap.floors[0];
      plan.update(ui.heatmap && planFloor ? model.density(planFloor, ui.average) : null);
      ctx.plan.requestRedraw();
      if (overlay) {
        overlay.visible = ui.heatmap;
        if (ui.heatmap) {
          snap.floors.forEach((f, i) => {
            const grid = model.density(f, ui.average);
            if (grid) overlay!.update(grid, elevationOf(f, i));
          });
        }
        ctx.viewport.requestRender();
      }
    };
    const timer = setInterval(refresh, 1000);
    disposers.push(() => clearInterval(timer));
    disposers.push(peopleStore.subscribe(refresh));

    const exportCounts = () => {
      const k = settingsStore.getState().settings.privacyK;
      const csv = countsToCsv(model.countRecords(), k);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      a.download = `occupancy-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      ctx.notify('info', `Exported occupancy of ${model.countRecords().length} zones (counts below ${k} suppressed)`);
    };

    disposers.push(ctx.registerPanel({ id: 'people.occupancy', title: 'Occupancy', side: 'right', order: 30, mount: (el) => mountOccupancyPanel(el, model, exportCounts) }));
    disposers.push(ctx.registerCommand({ id: 'people.toggleHeatmap', title: 'People: toggle density heatmap', key: 'Shift+H', run: () => peopleStore.setState((s) => ({ heatmap: !s.heatmap })) }));
    disposers.push(ctx.registerCommand({ id: 'people.toggleAverage', title: 'People: heatmap now / average over time', run: () => peopleStore.setState((s) => ({ average: !s.average })) }));
    disposers.push(ctx.registerCommand({ id: 'people.exportCounts', title: 'People: export occupancy counts (CSV, k-anonymous)', run: exportCounts }));
    // User-drawn counting lines and zones, typed as coordinates (building frame, metres) on the
    // plan's storey: "x1,y1 x2,y2" for a line, "x1,y1 x2,y2 x3,y3 …" for a zone.
    let drawn = 0;
    const parsePoints = (arg: string | undefined, min: number): [number, number][] => {
      const pts = (arg ?? '').trim().split(/\s+/).filter(Boolean).map((p) => p.split(',').map(Number));
      if (pts.length < min || pts.some((p) => p.length !== 2 || !p.every(Number.isFinite))) {
        throw new Error(`expected at least ${min} points as "x,y x,y …" in metres, got "${arg ?? ''}"`);
      }
      return pts as [number, number][];
    };
    const planFloorName = () => planStorey(layoutStore.getState())?.name ?? model.snapshot().floors[0] ?? '1F';
    const userCommand = (kind: 'line' | 'zone') => (arg?: string) => {
      try {
        const pts = parsePoints(arg, kind === 'line' ? 2 : 3);
        const floor = planFloorName();
        drawn++;
        if (kind === 'line') model.addUserLine({ id: `user-line-${drawn}`, name: `Line ${drawn}`, floor, a: pts[0]!, b: pts[1]! });
        else model.addUserZone({ id: `user-zone-${drawn}`, name: `Zone ${drawn}`, floor, polygon: pts });
        ctx.notify('info', `People: ${kind} ${drawn} added on ${floor}; flow figures restart from now`);
        ctx.plan.requestRedraw();
      } catch (e) {
        ctx.notify('error', `People: cannot add the ${kind}: ${(e as Error).message}`);
      }
    };
    disposers.push(ctx.registerCommand({ id: 'people.addLine', title: 'People: add a counting line (x1,y1 x2,y2)', run: userCommand('line') }));
    disposers.push(ctx.registerCommand({ id: 'people.addZone', title: 'People: add a zone (x,y x,y x,y …)', run: userCommand('zone') }));
    disposers.push(ctx.plan.addLayers('people-user-geometry', () => userLayers(model.userGeometry(), planFloorName())));
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
