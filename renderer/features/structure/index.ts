/**
 * STRUCTURE feature (issue 4): the loaded model's walkable structure in the app.
 *  - loads it from main (`model.structure`, re-requested when the session's model changes and
 *    applied from `model.structure` events) into `structureStore`;
 *  - publishes the model's storeys (name, elevation) to `layoutStore`, so the storey selector,
 *    the plan and the 3D view use the MODEL's storeys (telemetry-derived storeys are only the
 *    fallback without a structure);
 *  - draws the walkable overlay of the plan's storey (walkable area with holes, spaces with hover
 *    names, doors with exits marked, stairs) — toggle: the Structure panel's checkbox or the
 *    "View: walkable overlay" command (Shift+W);
 *  - the "Structure" panel with walkable m², spaces, doors, exits and stairs per storey.
 * The georeference rides along in the store; the entities feature uses it for lat/lon telemetry.
 */
import type { Disposable, Disposer } from '../../../common/source.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { layoutStore, planStorey, type StoreyInfo } from '../../stores/layoutStore.js';
import { modelStore } from '../../stores/modelStore.js';
import { sessionStore } from '../../stores/sessionStore.js';
import { layoutStoreysFor, StructureLoader, structureStore } from '../../stores/structureStore.js';
import { StructurePlanLayers, structureTooltip } from './structureLayers.js';
import { mountStructurePanel } from './StructurePanel.js';

export const STRUCTURE_PANEL_ID = 'structure';

export const structureFeature: Feature = {
  id: 'structure',
  activate(ctx: WorkbenchContext): Disposable {
    const disposers: Disposer[] = [];
    const loader = new StructureLoader(ctx.api);
    disposers.push(() => loader.dispose());
    disposers.push(sessionStore.subscribe((s, p) => { if (s.info !== p.info) loader.onSession(s.info); }));
    loader.onSession(sessionStore.getState().info);

    // Storeys: the model's replace whatever was there; when the structure goes, ours are withdrawn.
    let published: StoreyInfo[] | null = null;
    let fitted: string | null = null;
    const publish = () => {
      const s = structureStore.getState();
      const next = layoutStoreysFor(layoutStore.getState(), s.status === 'ready' ? s.structure : null, published);
      published = next.published;
      if (next.patch) layoutStore.setState(next.patch);
      if (s.status === 'ready' && s.structure && fitted !== s.hash) {
        fitted = s.hash;
        fitPlan();
      }
      ctx.plan.requestRedraw();
    };
    const fitPlan = () => {
      const s = structureStore.getState().structure;
      const st = s ? planStorey(layoutStore.getState()) : null;
      const storey = s && st ? s.storeys.find((x) => x.index === st.index) : undefined;
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const poly of storey?.walkable ?? []) for (const [x, y] of poly[0] ?? []) {
        minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
      }
      if (minX <= maxX) ctx.plan.fitBounds(minX, minY, maxX, maxY);
    };
    // The shell frames the plan on the 3D content (site terrain included) when a model finishes
    // loading, one animation frame later; the walkable area is what a planner works on, so frame
    // it again after that.
    disposers.push(modelStore.subscribe((m, prev) => {
      if (m.status === 'ready' && prev.status !== 'ready' && structureStore.getState().status === 'ready') {
        requestAnimationFrame(() => requestAnimationFrame(fitPlan));
      }
    }));
    disposers.push(structureStore.subscribe((s, p) => {
      if (s.structure !== p.structure || s.status !== p.status) publish();
      else if (s.overlay !== p.overlay) ctx.plan.requestRedraw();
    }));
    publish();

    const layers = new StructurePlanLayers();
    disposers.push(ctx.plan.addLayers('structure', () => {
      const s = structureStore.getState();
      if (s.status !== 'ready') return [];
      const l = layoutStore.getState();
      // Only while the layout shows the model's storeys (indices are the structure's). Overlay off: the plain plan.
      return l.storeys === published ? layers.layers(s.structure, planStorey(l)?.index ?? null, s.overlay) : [];
    }));
    disposers.push(ctx.plan.addTooltip((info) => (structureStore.getState().overlay ? structureTooltip(info) : null)));

    disposers.push(ctx.registerPanel({ id: STRUCTURE_PANEL_ID, title: 'Structure', side: 'right', order: 35, mount: (el) => mountStructurePanel(el) }));
    disposers.push(ctx.registerCommand({
      id: 'structure.toggleOverlay', title: 'View: walkable overlay on the plan (on/off)', key: 'Shift+W',
      run: () => structureStore.setState((s) => ({ overlay: !s.overlay })),
    }));
    disposers.push(ctx.registerCommand({ id: 'structure.show', title: 'Structure: show walkable area, doors, exits and stairs per storey', run: () => ctx.showPanel(STRUCTURE_PANEL_ID) }));
    disposers.push(ctx.registerCommand({ id: 'structure.reload', title: 'Structure: ask the workbench for the model’s structure again', run: () => loader.request() }));
    disposers.push(ctx.registerCommand({ id: 'structure.fitPlan', title: 'Structure: fit the plan to the walkable area', run: fitPlan }));

    return {
      dispose() {
        for (const d of disposers.splice(0).reverse()) d();
      },
    };
  },
};
