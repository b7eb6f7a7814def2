/**
 * The model feature: loads the session's IFC in the IFC worker, shows it in the 3D view, and
 * offers the Model tree (left), Properties (right), picking, hide / isolate / x-ray, the
 * section plane and fit-to-selection (F).
 *
 * Opening a file (Ctrl+O, drag-and-drop: upload via PUT /api/model) is the shell's ModelOpener;
 * main then broadcasts the new session, which this feature loads.
 *
 * Flow: session (ModelInfo) → fetch `info.url` (+ token) → worker open (cache or web-ifc) →
 * ModelScene in `ctx.viewport.scene` → modelStore. A failed or cancelled load leaves the
 * previous model on screen; a crashed worker is restarted and the model re-opened (cache hit).
 */
import * as THREE from 'three';
import type { ModelInfo, SessionInfo } from '../../../common/api.js';
import type { Disposable, Disposer } from '../../../common/source.js';
import { ElementLookup } from '../../../workers/ifc/geometry/ElementLookup.js';
import type { Feature, WorkbenchContext } from '../../shell/WorkbenchContext.js';
import { modelActions, modelStore, type ModelState } from '../../stores/modelStore.js';
import { sessionStore } from '../../stores/sessionStore.js';
import { layoutStore } from '../../stores/layoutStore.js';
import { storeysAbove } from './storeysAbove.js';
import { defaultSectionHeight } from './sectionDefault.js';
import { IfcWorkerClient } from './IfcWorkerClient.js';
import { ModelScene } from './ModelScene.js';
import { mountModelTreePanel } from './ModelTreePanel.js';
import { showAll } from './showAll.js';
import { modelStatusText, modelStatusTitle } from './modelStatus.js';
import { mountPropertiesPanel } from './PropertiesPanel.js';
import './model.css';

/** Page URL's `?token=` (web mode); Electron pages have none and need none. */
function withToken(path: string): URL {
  const url = new URL(path, document.baseURI);
  const token = new URLSearchParams(location.search).get('token');
  if (token && !url.searchParams.has('token')) url.searchParams.set('token', token);
  return url;
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { error?: unknown };
    if (typeof j.error === 'string') return j.error;
  } catch {
    /* plain text body */
  }
  return text || `${res.status} ${res.statusText}`;
}

class ModelController implements Disposable {
  private readonly client = new IfcWorkerClient();
  private scene: ModelScene | null = null;
  private currentHash: string | null = null;
  private current: ModelInfo | null = null;
  /** This page asked main to go back to the model it shows (model.revert): the session's return keeps the failure toast. */
  private reverting = false;
  /** The model the last session named (the toast goes only when the session comes back to the model on show). */
  private sessionHash: string | null = null;
  private loading: { seq: number; info: ModelInfo } | null = null;
  /** The session model that last failed to open: not retried on every session update (it would fail again). */
  private failedHash: string | null = null;
  private failureToast: ReturnType<WorkbenchContext['notify']> | null = null;
  private seq = 0;
  private readonly disposers: Disposer[] = [];
  private readonly status: { set(text: string, title?: string): void; dispose(): void };

  constructor(private readonly ctx: WorkbenchContext) {
    this.status = ctx.addStatusItem('model', 20, 20); // the top bar names the model too: hidden early in a narrow window
    this.disposers.push(
      () => this.status.dispose(),
      this.client.onRestart((reason) => {
        ctx.notify('warn', `${reason}`);
        if (this.current) void this.load(this.current, true);
      }),
      // The shell keeps the session (model info) in sessionStore, re-reading it after each reconnect.
      sessionStore.subscribe((s) => this.onSession(s.info)),
      ctx.api.on('session', (s: SessionInfo) => this.onSession(s)),
      ctx.viewport.onPick(({ raycaster }) => this.pick(raycaster)),
      modelStore.subscribe((s, prev) => this.onState(s, prev)),
      // The storey selector: the chosen storey is seen from above (storeys over it hidden).
      layoutStore.subscribe((l, prev) => {
        // A new storey list alone (the structure arriving, telemetry floors) must not undo the user's
        // own storey hides: only a chosen storey, or a change of choice, sets what is hidden.
        if (l.activeStorey === prev.activeStorey && (l.storeys === prev.storeys || l.activeStorey === null)) return;
        const m = modelStore.getState();
        if (m.status !== 'ready') return;
        modelStore.setState({ hiddenStoreys: storeysAbove(m.storeys, l.storeys, l.activeStorey) });
      }),
    );
    this.onSession(sessionStore.getState().info);
  }

  private onSession(s: SessionInfo | null): void {
    const m = s?.model;
    // Back on the model on show: the failure is moot, unless this page sent the session back (model.revert), when the
    // toast still says why.
    const before = this.sessionHash;
    this.sessionHash = m?.hash ?? null;
    if (m && m.hash === this.currentHash && before !== m.hash) {
      if (this.reverting) this.reverting = false;
      else this.dismissFailure();
    }
    if (!m || m.hash === this.currentHash || m.hash === this.loading?.info.hash || m.hash === this.failedHash) return;
    void this.load(m);
  }

  /** The error toast of the last model that failed to load: it goes once a model loads, or the session is back on the one shown. */
  private dismissFailure(): void {
    this.failureToast?.dismiss();
    this.failureToast = null;
  }

  /** Fetches and opens a model; the previous one stays until the new one is ready. */
  async load(info: ModelInfo, quiet = false): Promise<void> {
    const seq = ++this.seq;
    if (this.loading) this.client.cancel(this.loading.info.name);
    this.loading = { seq, info };
    modelActions.loadStarted(info.name);
    try {
      const res = await fetch(withToken(info.url), { cache: 'no-store' });
      if (!res.ok) throw new Error(`${info.name}: could not download the model (${await errorText(res)})`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (seq !== this.seq) return;
      const model = await this.client.open(bytes, { fileName: info.name, hash: info.hash }, (phase, fraction) => {
        if (seq === this.seq) modelActions.loadProgress(phase, fraction);
      });
      if (seq !== this.seq) return;
      this.scene?.dispose();
      const lookup = new ElementLookup(model.index, model.batches);
      this.scene = new ModelScene(model, lookup);
      this.ctx.viewport.scene.add(this.scene.root);
      this.currentHash = info.hash;
      this.current = info;
      this.failedHash = null;
      this.dismissFailure();
      modelActions.loaded(model.summary, model.storeys, lookup);
      this.ctx.viewport.setClippingPlanes([]);
      if (!quiet) this.ctx.viewport.fitTo(this.scene.box());
      this.status.set(modelStatusText(info.name, model.summary), modelStatusTitle(model.summary, this.scene.drawCalls));
      this.ctx.viewport.requestRender();
    } catch (e) {
      if (seq !== this.seq) return;
      const err = e instanceof Error ? e : new Error(String(e));
      const cancelled = err.name === 'IfcCancelledError';
      const message = err.message.replace(/^Ifc\w+Error: /, ''); // the class name is for code, the rest for people
      modelActions.loadFailed(cancelled ? null : message);
      if (!cancelled) this.failedHash = info.hash;
      // main took the file (it only checks that it looks like IFC) and made it the session's model: with a model still
      // shown here, the session goes back to it, so the top bar, the structure and the testbed follow what is shown.
      if (!cancelled && this.current) {
        this.reverting = true;
        void this.ctx.api.call('model.revert', { failed: info.hash }).catch((r: Error) => this.ctx.notify('warn', `Could not go back to ${this.current?.name ?? 'the previous model'}: ${r.message}`));
      }
      if (cancelled) this.ctx.notify('info', `Loading ${info.name} cancelled${this.scene ? '; the previous model stays' : ''}`);
      else {
        // The same failure again (the file opened once more) counts up on its toast (×2), as a retry the user can see;
        // dismissed first, it was swapped for a look-alike (and the e2e read ×2 only in the old one's 180 ms fade).
        const previous = this.failureToast;
        this.failureToast = this.ctx.notify('error', `${message}${this.scene ? ' — the previous model stays open' : ''}`);
        if (previous !== this.failureToast) previous?.dismiss();
      }
    } finally {
      if (this.loading?.seq === seq) this.loading = null;
    }
  }

  /**
   * Tries the session's model again after it failed (the user opened the same file again, or ran
   * the command): a session update with an unchanged hash does not reload, so that a broken file
   * is not retried on every update. `hash`: only when the session's model has that hash.
   */
  retry(hash?: string): void {
    const m = sessionStore.getState().info?.model;
    if (!m || (hash !== undefined && hash !== m.hash) || m.hash !== this.failedHash) return;
    this.failedHash = null;
    void this.load(m);
  }

  cancelLoad(): void {
    if (!this.loading) return;
    this.client.cancel(this.loading.info.name);
  }

  private pick(raycaster: THREE.Raycaster): void {
    if (!this.scene) return;
    const row = this.scene.pick(raycaster, modelStore.getState().sectionHeight);
    modelActions.select(row >= 0 ? this.scene.lookup.expressID(row) : null);
    if (row >= 0) this.ctx.showPanel('model.properties');
  }

  private onState(s: ModelState, prev: ModelState): void {
    const scene = this.scene;
    if (!scene || s.lookup !== scene.lookup) return;
    let render = false;
    if (s.hiddenStoreys !== prev.hiddenStoreys || s.hiddenRows !== prev.hiddenRows || s.isolatedRows !== prev.isolatedRows || s.xrayRows !== prev.xrayRows || s.lookup !== prev.lookup) {
      scene.applyVisibility(s);
      scene.syncOverlayVisibility();
      render = true;
    }
    if (s.selected !== prev.selected || s.lookup !== prev.lookup) {
      const row = s.selected === null ? -1 : scene.lookup.rowOf(s.selected);
      scene.highlight(row >= 0 ? [row] : []);
      scene.syncOverlayVisibility();
      render = true;
    }
    // Whenever the store asks for the selection's properties (a new selection, or a failed read picked again).
    if (s.properties !== prev.properties && s.properties?.state === 'loading') void this.fetchProperties(s.properties.expressID);
    if (s.sectionHeight !== prev.sectionHeight) {
      this.ctx.viewport.setClippingPlanes(s.sectionHeight === null ? [] : [new THREE.Plane(new THREE.Vector3(0, -1, 0), s.sectionHeight)]);
      render = true;
    }
    if (render) this.ctx.viewport.requestRender();
  }

  private async fetchProperties(expressID: number): Promise<void> {
    try {
      modelActions.propertiesLoaded(expressID, await this.client.properties(expressID));
    } catch (e) {
      modelActions.propertiesFailed(expressID, `Properties of #${expressID}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  fitSelection(): void {
    const { selected } = modelStore.getState();
    if (!this.scene) return;
    const row = selected === null ? -1 : this.scene.lookup.rowOf(selected);
    const box = row >= 0 ? this.scene.elementBox(row) : this.scene.box();
    if (!box.isEmpty()) this.ctx.viewport.fitTo(box);
  }

  fitStorey(slot: number): void {
    if (!this.scene) return;
    const box = this.scene.storeyBox(slot);
    if (!box.isEmpty()) this.ctx.viewport.fitTo(box);
  }

  fitAll(): void {
    if (this.scene) this.ctx.viewport.fitTo(this.scene.box());
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.client.dispose();
    this.scene?.dispose();
    this.scene = null;
    this.ctx.viewport.setClippingPlanes([]);
    modelActions.cleared();
  }
}

export const modelFeature: Feature = {
  id: 'model',
  activate(ctx: WorkbenchContext): Disposable {
    const controller = new ModelController(ctx);
    const disposers: Disposer[] = [];
    disposers.push(
      ctx.registerPanel({
        id: 'model.tree',
        title: 'Model',
        side: 'left',
        order: 10,
        mount: (el) =>
          mountModelTreePanel(el, {
            cancelLoad: () => controller.cancelLoad(),
            fitSelection: () => controller.fitSelection(),
            fitStorey: (s) => controller.fitStorey(s),
            fitAll: () => controller.fitAll(),
          }),
      }),
      ctx.registerPanel({ id: 'model.properties', title: 'Properties', side: 'right', order: 10, mount: (el) => mountPropertiesPanel(el) }),
      ctx.registerCommand({ id: 'model.fitSelection', title: 'Fit to selection', key: 'F', run: () => controller.fitSelection() }),
      ctx.registerCommand({ id: 'model.fitAll', title: 'Fit whole model', run: () => controller.fitAll() }),
      // Escape clears the selection as a click on empty space in the 3D view does (it did nothing).
      ctx.registerCommand({ id: 'model.clearSelection', title: 'Clear the model selection', key: 'Escape', run: () => modelActions.select(null) }),
      ctx.registerCommand({ id: 'model.cancelLoad', title: 'Cancel model loading', run: () => controller.cancelLoad() }),
      ctx.registerCommand({ id: 'model.retry', title: 'Retry loading the model', run: (hash) => controller.retry(hash || undefined) }),
      ctx.registerCommand({ id: 'model.showAll', title: 'Show all elements', run: () => showAll() }),
      ctx.registerCommand({
        id: 'model.section',
        title: 'Section plane (toggle, or height in metres)',
        run: (arg) => {
          const s = modelStore.getState();
          if (arg !== undefined && arg !== '' && Number.isFinite(Number(arg))) modelActions.setSection(Number(arg));
          else if (s.sectionHeight !== null) modelActions.setSection(null);
          else {
            const height = defaultSectionHeight(s, layoutStore.getState());
            if (height !== null) modelActions.setSection(height);
          }
        },
      }),
    );

    return {
      dispose() {
        for (const d of disposers.splice(0)) d();
        controller.dispose();
      },
    };
  },
};
