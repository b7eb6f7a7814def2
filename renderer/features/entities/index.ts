/**
 * ENTITIES feature: the live robots, bus, sensors and people of the telemetry stream.
 *
 * Binary 'telemetry' frames (common/telemetryFrame.ts) → entitiesStore columns → 3D instanced
 * markers with trails and badges (EntityMarkers3D), plan layers (EntityPlanLayers), the
 * "Entities" list (left) and the "Inspector" (right). Commands: follow the selected entity with
 * the 3D camera (Shift+F), zoom to it (Shift+Z), clear the selection. Hovering a marker
 * shows its id, type, state and battery.
 */
import './entities.css';
import * as THREE from 'three';
import type { Disposable, Disposer } from '../../../common/source.js';
import { h } from '../../shell/h.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { applyTelemetryFrame, entitiesStore, KIND_BUS, selectEntity } from '../../stores/entitiesStore.js';
import { layoutStore, planStorey, storeyToShow, type StoreyInfo } from '../../stores/layoutStore.js';
import { modelStore } from '../../stores/modelStore.js';
import { simulationOnViews, simulationStore } from '../../stores/simulationStore.js';
import { structureStore } from '../../stores/structureStore.js';
import { EntityInspectorPanel } from './EntityInspectorPanel.js';
import { EntityListPanel } from './EntityListPanel.js';
import { EntityMarkers3D, type MarkerScene } from './EntityMarkers3D.js';
import { EntityPlanLayers } from './EntityPlanLayers.js';
import { badgeOf, entityHoverText } from './entityStyle.js';
import { telemetryStoreys } from './telemetryStoreys.js';

export const INSPECTOR_PANEL_ID = 'entities.inspector';

export const entitiesFeature: Feature = {
  id: 'entities',
  activate(ctx: WorkbenchContext): Disposable {
    const disposers: Disposer[] = [];
    const { table, people } = entitiesStore.getState();
    const markers = new EntityMarkers3D(table, people);
    ctx.viewport.scene.add(markers.group);
    const slotOf = (id: string | null) => (id === null ? -1 : table.slotOf.get(id) ?? -1);
    const plan = new EntityPlanLayers(table, people, (slot) => {
      selectEntity(table.ids[slot] ?? null);
      ctx.showPanel(INSPECTOR_PANEL_ID);
    });

    const visibleFloor = (): string | null => {
      const l = layoutStore.getState();
      if (l.activeStorey === null) return null;
      return l.storeys.find((s) => s.index === l.activeStorey)?.name ?? null;
    };
    const scene = (): MarkerScene => {
      const s = entitiesStore.getState();
      const storeys = [...modelStore.getState().storeys, ...layoutStore.getState().storeys];
      return { floor: visibleFloor(), storeys, selected: slotOf(s.selectedId), hovered: slotOf(s.hoveredId) };
    };
    // Without a model nobody publishes storeys: derive them from the floor labels telemetry uses,
    // so the storey selector and the one-storey plan work for any source. A model's storeys
    // (published later by the model feature) replace these. Only labels some entity or person is
    // on now: after a source or building switch the old building's floors leave with its entities.
    let derived: StoreyInfo[] | null = null;
    let derivedKey = '';
    const deriveStoreys = () => {
      const l = layoutStore.getState();
      if (l.storeys.length > 0 && l.storeys !== derived) return; // the model's storeys (structure feature)
      const next = telemetryStoreys(table, people, modelStore.getState().storeys);
      if (derived && l.storeys === derived && next.key === derivedKey) return;
      if (!derived && next.storeys.length === 0) return;
      derivedKey = next.key;
      derived = next.storeys;
      layoutStore.setState({ storeys: derived });
    };
    const sync = () => {
      deriveStoreys();
      const sc = scene();
      markers.sync(sc);
      const l = layoutStore.getState();
      plan.sync(l.storeys.length ? planStorey(l)?.name ?? null : null, sc.selected);
      table.clearDirty(); // both views have applied the changed slots
      ctx.viewport.requestRender();
      ctx.plan.requestRedraw();
    };

    disposers.push(ctx.api.onBinary('telemetry', (buf, offset) => applyTelemetryFrame(buf, offset)));
    // The plan brings the selected entity into view however it was selected (list, 3D, plan, alert),
    // and keeps the followed one in view as it moves: the bus on the site road loop used to leave
    // the plan while the 3D camera followed it.
    const revealInPlan = (id: string | null) => {
      const slot = slotOf(id);
      if (slot >= 0) ctx.plan.reveal(table.x[slot]!, table.y[slot]!);
    };
    disposers.push(entitiesStore.subscribe((s, prev) => {
      if (s.version !== prev.version || s.selectedId !== prev.selectedId || s.hoveredId !== prev.hoveredId) sync();
      if (s.followId !== prev.followId) ctx.viewport.requestRender();
      if (s.selectedId !== prev.selectedId) revealInPlan(s.selectedId);
      if (s.followId !== null && (s.version !== prev.version || s.followId !== prev.followId)) revealInPlan(s.followId);
    }));
    disposers.push(layoutStore.subscribe((s, prev) => {
      if (s.storeys !== prev.storeys || s.activeStorey !== prev.activeStorey) sync();
    }));
    disposers.push(modelStore.subscribe((s, prev) => { if (s.storeys !== prev.storeys) sync(); }));
    // While a simulation run is on the views (Simulation panel), its people and robots take the place of the live ones.
    disposers.push(ctx.plan.addLayers('entities', () => (simulationOnViews(simulationStore.getState()) ? [] : plan.layers())));
    disposers.push(ctx.plan.addTooltip((info) => {
      if (info.layer?.id !== 'entities') return null;
      const slot = plan.slotAt(info.index);
      if (slot < 0) return null;
      const t = entityHoverText(table, slot);
      return `${t.id}\n${t.detail}`;
    }));
    // WGS84 telemetry is placed with the loaded model's georeference (issue 5).
    const syncGeo = () => {
      const geo = structureStore.getState().structure?.georeference ?? null;
      if (entitiesStore.getState().georeference !== geo) entitiesStore.setState({ georeference: geo });
    };
    syncGeo();
    disposers.push(structureStore.subscribe(syncGeo));

    // 3D: glide, follow, hover label.
    const label = h('div.entity-hover-label', { 'data-testid': 'entity-hover-label', hidden: true });
    ctx.viewport.dom.append(label);
    // The 3D markers give way too (their hover label with them) while a run is on the views.
    const showLive = () => {
      const on = !simulationOnViews(simulationStore.getState());
      if (markers.group.visible === on) return;
      markers.group.visible = on;
      if (!on) { label.hidden = true; ctx.viewport.dom.style.cursor = ''; }
      ctx.viewport.requestRender();
      ctx.plan.requestRedraw();
    };
    disposers.push(simulationStore.subscribe(showLive));
    const pos = new THREE.Vector3();
    const box = new THREE.Box3();
    const followed = new THREE.Vector3(Number.NaN, 0, 0);
    disposers.push(ctx.viewport.onBeforeRender((dt) => {
      const s = entitiesStore.getState();
      const moving = markers.update(dt, { selected: slotOf(s.selectedId) });
      const f = slotOf(s.followId);
      if (f >= 0) {
        markers.displayed(f, pos);
        if (!(pos.distanceToSquared(followed) < 1e-4)) {
          followed.copy(pos);
          const r = table.kind[f] === KIND_BUS ? 12 : 6;
          ctx.viewport.fitTo(box.setFromCenterAndSize(pos, new THREE.Vector3(r, r, r)));
        }
      } else followed.set(Number.NaN, 0, 0);
      const hov = slotOf(s.hoveredId);
      if (hov >= 0) placeLabel(hov);
      return moving || f >= 0;
    }));
    const placeLabel = (slot: number) => {
      markers.displayed(slot, pos);
      pos.y += table.kind[slot] === KIND_BUS ? 3.5 : 1.2;
      pos.project(ctx.viewport.camera);
      const rect = ctx.viewport.dom.getBoundingClientRect();
      label.style.left = `${((pos.x + 1) / 2) * rect.width}px`;
      label.style.top = `${((1 - pos.y) / 2) * rect.height}px`;
      label.hidden = pos.z > 1;
    };
    disposers.push(ctx.viewport.onPick(({ raycaster }) => {
      const slot = markers.pick(raycaster);
      if (slot < 0) return;
      selectEntity(table.ids[slot]!);
      ctx.showPanel(INSPECTOR_PANEL_ID);
    }));
    const raycaster = new THREE.Raycaster();
    const ndc = new THREE.Vector2();
    let hoverFrame = 0;
    let lastMove: PointerEvent | null = null;
    const hover = () => {
      hoverFrame = 0;
      if (!lastMove) return;
      const rect = ctx.viewport.dom.getBoundingClientRect();
      ndc.set(((lastMove.clientX - rect.left) / rect.width) * 2 - 1, -((lastMove.clientY - rect.top) / rect.height) * 2 + 1);
      raycaster.setFromCamera(ndc, ctx.viewport.camera);
      const slot = markers.pick(raycaster);
      const id = slot >= 0 ? table.ids[slot]! : null;
      if (id !== entitiesStore.getState().hoveredId) entitiesStore.setState({ hoveredId: id });
      label.hidden = slot < 0;
      if (slot >= 0) {
        const t = entityHoverText(table, slot);
        label.replaceChildren(h('b', {}, t.id), t.detail);
        placeLabel(slot);
      }
      ctx.viewport.dom.style.cursor = slot >= 0 ? 'pointer' : '';
    };
    const onMove = (e: PointerEvent) => {
      if (e.buttons !== 0) return; // orbiting
      lastMove = e;
      if (!hoverFrame) hoverFrame = requestAnimationFrame(hover);
    };
    const onLeave = () => { lastMove = null; label.hidden = true; if (entitiesStore.getState().hoveredId !== null) entitiesStore.setState({ hoveredId: null }); };
    ctx.viewport.dom.addEventListener('pointermove', onMove);
    ctx.viewport.dom.addEventListener('pointerleave', onLeave);
    disposers.push(() => {
      ctx.viewport.dom.removeEventListener('pointermove', onMove);
      ctx.viewport.dom.removeEventListener('pointerleave', onLeave);
      if (hoverFrame) cancelAnimationFrame(hoverFrame);
      label.remove();
    });

    const zoomTo = (id: string | null) => {
      const slot = slotOf(id);
      if (slot < 0) { ctx.notify('info', 'Select an entity first (click it in 3D, the plan or the Entities list).'); return; }
      const f = table.floor[slot]!;
      const show = f >= 0 ? storeyToShow(layoutStore.getState(), table.floors[f]!) : null;
      if (show !== null) layoutStore.setState({ activeStorey: show });
      markers.sync(scene());
      markers.displayed(slot, pos);
      if (Number.isNaN(pos.x)) return;
      const r = table.kind[slot] === KIND_BUS ? 20 : 10;
      ctx.viewport.fitTo(box.setFromCenterAndSize(pos, new THREE.Vector3(r, r, r)));
      const x = table.x[slot]!, y = table.y[slot]!;
      ctx.plan.fitBounds(x - 2 * r, y - 2 * r, x + 2 * r, y + 2 * r);
    };
    const follow = () => {
      const s = entitiesStore.getState();
      if (s.selectedId === null) { ctx.notify('info', 'Select an entity to follow.'); return; }
      entitiesStore.setState({ followId: s.followId === s.selectedId ? null : s.selectedId });
    };

    disposers.push(ctx.registerPanel({
      id: 'entities', title: 'Entities', side: 'left', order: 20,
      mount: (el) => new EntityListPanel(el, (id) => { ctx.showPanel(INSPECTOR_PANEL_ID); zoomTo(id); }),
    }));
    disposers.push(ctx.registerPanel({
      id: INSPECTOR_PANEL_ID, title: 'Inspector', side: 'right', order: 10,
      mount: (el) => new EntityInspectorPanel(el, {
        follow, zoom: () => zoomTo(entitiesStore.getState().selectedId),
        connection: { connected: () => ctx.api.status().state === 'connected', onChange: (cb) => ctx.api.onStatus(() => cb()) },
      }),
    }));
    disposers.push(ctx.registerCommand({ id: 'entities.follow', title: 'Follow the selected entity with the camera', key: 'Shift+F', run: follow }));
    disposers.push(ctx.registerCommand({ id: 'entities.zoom', title: 'Zoom to the selected entity', key: 'Shift+Z', run: (arg) => zoomTo(arg ?? entitiesStore.getState().selectedId) }));
    disposers.push(ctx.registerCommand({ id: 'entities.select', title: 'Select an entity by id', run: (arg) => {
      selectEntity(arg ?? null);
      if (arg && slotOf(arg) >= 0) { ctx.showPanel(INSPECTOR_PANEL_ID); zoomTo(arg); }
    } }));
    disposers.push(ctx.registerCommand({ id: 'entities.clearSelection', title: 'Clear the entity selection', run: () => selectEntity(null) }));

    const status = ctx.addStatusItem('entities-attention', 30, 70);
    const updateStatus = () => {
      const s = entitiesStore.getState();
      let attention = 0;
      for (let i = 0; i < s.table.count; i++) { const b = badgeOf(s.table, i); if (b === 'error' || b === 'offline' || b === 'stale' || b === 'low-battery') attention++; }
      // The shell's status bar already shows the entity and people counts; this item adds what needs a look.
      status.set(attention ? `${attention} need attention` : '', 'Entities in error, offline, stale or low on battery');
    };
    let statusTimer: ReturnType<typeof setInterval> | null = setInterval(updateStatus, 1000);
    disposers.push(() => { if (statusTimer) clearInterval(statusTimer); statusTimer = null; status.dispose(); });
    sync();

    return {
      dispose() {
        for (const d of disposers.splice(0).reverse()) d();
        markers.dispose();
      },
    };
  },
};
