/**
 * The workbench shell: builds the layout, wires the API to the stores, registers the shell's
 * commands and keys, and hands features a `WorkbenchContext` (their only way in).
 *
 *   ┌ top bar: app · model · source · layout · theme · help ───────────────┐
 *   │ left dock │ storeys · fit                                 │ right    │
 *   │ (Model,   │ 3D viewport  ┃  plan (split / 3D / plan)       │ dock     │
 *   │ Entities) │ bottom dock (alerts…)                          │ (inspect)│
 *   ├ timeline: play · time · slider · speed · LIVE ───────────────────────┤
 *   └ status: connection · source · counts · recording · fps ──────────────┘
 */
import type { Disposable, Disposer } from '../../common/source.js';
import type { Settings } from '../../common/api.js';
import type { ApiClient } from '../api/ApiClient.js';
import type { ConnectionStatus } from '../api/ApiTransport.js';
import { layoutStore, planStorey, type LayoutMode, type LayoutState } from '../stores/layoutStore.js';
import { sessionStore } from '../stores/sessionStore.js';
import { settingsStore } from '../stores/settingsStore.js';
import { modelStore } from '../stores/modelStore.js';
import { ThreeViewport } from '../views/viewport/ThreeViewport.js';
import { DeckPlanView } from '../views/plan/DeckPlanView.js';
import { StoreySelector } from '../views/StoreySelector.js';
import type { CommandSpec, Feature, PanelSpec, WorkbenchContext } from './WorkbenchContext.js';
import { CommandRegistry } from './CommandRegistry.js';
import { PanelDock } from './PanelDock.js';
import { Splitter } from './Splitter.js';
import { Toasts, type ToastHandle } from './Toasts.js';
import { TopBar } from './TopBar.js';
import { StatusBar } from './StatusBar.js';
import { TimelineBar } from './TimelineBar.js';
import { ConnectDialog } from './ConnectDialog.js';
import { AboutDialog } from './AboutDialog.js';
import { ShortcutsOverlay } from './ShortcutsOverlay.js';
import { ModelOpener } from './ModelOpener.js';
import { readFrameHeader } from './frameHeader.js';
import { themeColors } from './themeColors.js';
import { panelSizes } from './panelSizes.js';
import { h } from './h.js';
import { icon } from './icon.js';
import { downloadCanvasPng } from './downloadFile.js';
import { captionText, composeViewImage, viewPngName, type ViewShot } from './saveViewPng.js';

/** How often headline counts from telemetry frames reach the stores (the UI needs no more), ms. */
const COUNTS_FLUSH_MS = 250;

export interface WorkbenchOptions {
  root: HTMLElement;
  api: ApiClient;
  electron: boolean;
}

export class Workbench implements WorkbenchContext {
  readonly api: ApiClient;
  readonly viewport: ThreeViewport;
  readonly plan: DeckPlanView;
  readonly commands = new CommandRegistry();
  private readonly docks: Record<'left' | 'right' | 'bottom', PanelDock>;
  private readonly toasts = new Toasts();
  private readonly statusBar = new StatusBar();
  private readonly topBar: TopBar;
  private readonly timeline: TimelineBar;
  private readonly storeys = new StoreySelector();
  private readonly connectDialog: ConnectDialog;
  private readonly aboutDialog = new AboutDialog();
  private readonly shortcuts: ShortcutsOverlay;
  private readonly opener: ModelOpener;
  private readonly dom: HTMLElement;
  private readonly views: HTMLElement;
  private readonly disposers: Disposer[] = [];
  private readonly features: { id: string; handle: Disposable }[] = [];

  constructor(private readonly o: WorkbenchOptions) {
    this.api = o.api;
    const run = (id: string, arg?: string) => void this.runCommand(id, arg).catch((e: unknown) => this.notify('error', (e as Error).message));

    // ── docks ──────────────────────────────────────────────────
    const openBtn = h('button.button.button-primary', { type: 'button' }, icon('folder', 15), 'Open IFC…');
    openBtn.addEventListener('click', () => run('open-model'));
    const leftEmpty = h('div.empty-state', { 'data-testid': 'left-empty' },
      icon('building', 40),
      h('p', {}, 'No model loaded — open an IFC (Ctrl+O) or drop one here'),
      openBtn);
    const rightEmpty = h('div.empty-state', {}, icon('inspector', 36), h('strong', {}, 'Inspector'), h('p', {}, 'Select an element or an entity to see its properties here.'));
    this.docks = {
      left: new PanelDock('left', leftEmpty),
      right: new PanelDock('right', rightEmpty),
      bottom: new PanelDock('bottom', h('div')),
    };

    // ── views ──────────────────────────────────────────────────
    const viewportHost = h('div.view.view-3d', { 'data-region': 'viewport' });
    const planHost = h('div.view.view-plan', { 'data-region': 'plan' });
    const fitBtn = h('button.icon-button', { type: 'button', title: 'Fit to view (F)', 'aria-label': 'Fit to view', 'data-command': 'fit' }, icon('fit', 16));
    fitBtn.addEventListener('click', () => run('fit'));
    const viewSplit = new Splitter({
      orientation: 'vertical', label: 'Resize 3D and plan',
      onStart: () => (dragStart = layoutStore.getState().splitRatio),
      onDrag: (dx) => layoutStore.setState({ splitRatio: clamp(dragStart + dx / Math.max(1, this.views.clientWidth), 0.2, 0.8) }),
      onReset: () => layoutStore.setState({ splitRatio: 0.5 }),
    });
    let dragStart = 0;
    // Toasts sit in the views' corner (see .toasts in workbench.css), not over the panels' figures.
    this.views = h('div.views', {}, viewportHost, viewSplit.dom, planHost, this.toasts.dom);
    viewportHost.append(h('div.view-label', {}, icon('cube', 13), '3D'));
    const planLabel = h('div.view-label', {}, icon('plan', 13), h('span', { 'data-testid': 'plan-label' }, 'Plan'));
    planHost.append(planLabel);

    // ── splitters for docks ───────────────────────────────────
    const sizeSplitter = (key: 'leftWidth' | 'rightWidth' | 'bottomHeight', sign: 1 | -1, orientation: 'vertical' | 'horizontal', label: string, min: number, max: () => number, reset: number) => {
      let start = 0;
      return new Splitter({
        orientation, label,
        onStart: () => (start = layoutStore.getState()[key]),
        onDrag: (d) => {
          const v = start + sign * d;
          layoutStore.setState({ [key]: v < min / 2 ? 0 : clamp(v, min, max()) } as Partial<LayoutState>);
        },
        onEnd: () => panelSizes.save(layoutStore.getState()),
        onReset: () => {
          layoutStore.setState({ [key]: reset } as Partial<LayoutState>);
          panelSizes.save(layoutStore.getState());
        },
      });
    };
    const leftSplit = sizeSplitter('leftWidth', 1, 'vertical', 'Resize left panel', PANEL_MIN_WIDTH.left, () => window.innerWidth * 0.45, 280);
    const rightSplit = sizeSplitter('rightWidth', -1, 'vertical', 'Resize inspector', PANEL_MIN_WIDTH.right, () => window.innerWidth * 0.45, 300);
    const bottomSplit = sizeSplitter('bottomHeight', -1, 'horizontal', 'Resize bottom panel', 100, () => window.innerHeight * 0.6, 200);
    bottomSplit.dom.classList.add('bottom-splitter');

    const center = h('div.center', {},
      h('div.center-header', {}, this.storeys.dom, h('div.topbar-spacer'), fitBtn),
      this.views,
      bottomSplit.dom,
      this.docks.bottom.dom);
    this.connectDialog = new ConnectDialog(this.api, (l, m) => this.notify(l, m));
    this.shortcuts = new ShortcutsOverlay(this.commands);
    this.topBar = new TopBar(run);
    this.timeline = new TimelineBar(this.api, () => run('connect-dialog'), (m) => this.notify('error', m));
    this.dom = h('div.workbench', {},
      this.topBar.dom,
      h('div.main', {}, this.docks.left.dom, leftSplit.dom, center, rightSplit.dom, this.docks.right.dom),
      this.timeline.dom,
      this.statusBar.dom,
      this.connectDialog.dialog.dom,
      this.aboutDialog.dialog.dom,
      this.shortcuts.dialog.dom);
    o.root.replaceChildren(this.dom);

    this.viewport = new ThreeViewport(viewportHost);
    this.plan = new DeckPlanView(planHost, themeColors(document.documentElement).plan);
    this.opener = new ModelOpener(window, o.electron, (l, m) => this.notify(l, m), (hash) => {
      if (this.commands.has('model.retry')) void this.runCommand('model.retry', hash).catch(() => {});
    });

    // ── stores → DOM ──────────────────────────────────────────
    layoutStore.setState(panelSizes.load());
    this.disposers.push(
      layoutStore.subscribe((s, p) => {
        this.applyLayout();
        if (s.activeStorey !== p.activeStorey || s.storeys !== p.storeys) this.plan.requestRedraw();
      }),
      settingsStore.subscribe((s, p) => {
        if (s.settings.theme !== p.settings.theme) this.applyTheme();
        if (s.settings.layout !== p.settings.layout && s.settings.layout !== layoutStore.getState().mode) layoutStore.setState({ mode: s.settings.layout });
      }),
      this.docks.bottom.onDidChangePanels.add(() => this.applyLayout()),
    );
    const planName = () => {
      const st = planStorey(layoutStore.getState());
      planLabel.lastElementChild!.textContent = st ? `Plan · ${st.name}` : 'Plan';
    };
    this.disposers.push(
      layoutStore.subscribe(planName),
      // A building just finished loading: frame it in the plan too (the model feature frames the 3D view).
      modelStore.subscribe((st, prev) => {
        if (st.status === 'ready' && prev.status !== 'ready') {
          requestAnimationFrame(() => {
            const box = this.viewport.contentBox();
            if (!box.isEmpty()) this.viewport.setGroundLevel(Math.min(0, box.min.y));
            this.fitPlanToContent();
          });
        }
      }),
    );
    this.applyTheme();
    this.applyLayout();

    this.registerShellCommands();
    this.wireApi();
    this.wireKeys();
    const fpsTimer = setInterval(() => this.statusBar.setFps(this.viewport.fps()), 1000);
    this.disposers.push(() => clearInterval(fpsTimer));
    this.statusBar.setFps(0);
    this.viewport.fitAll();
    this.plan.fitBounds(-30, -30, 30, 30);
  }

  // ── WorkbenchContext ────────────────────────────────────────
  registerPanel(panel: PanelSpec): Disposer {
    return this.docks[panel.side].add(panel);
  }

  showPanel(id: string): void {
    for (const side of ['left', 'right', 'bottom'] as const) {
      if (!this.docks[side].has(id)) continue;
      this.docks[side].show(id);
      const s = layoutStore.getState();
      if (side === 'left' && s.leftWidth === 0) layoutStore.setState({ leftWidth: 280 });
      if (side === 'right' && s.rightWidth === 0) layoutStore.setState({ rightWidth: 300 });
      if (side === 'bottom' && s.bottomHeight === 0) layoutStore.setState({ bottomHeight: 200 });
      return;
    }
    console.warn(`Workbench.showPanel: no panel "${id}"`);
  }

  registerCommand(command: CommandSpec): Disposer {
    return this.commands.register(command);
  }

  runCommand(id: string, arg?: string): Promise<void> {
    return this.commands.run(id, arg);
  }

  notify(level: 'info' | 'warn' | 'error', message: string): ToastHandle {
    const toast = this.toasts.show(level, message);
    if (level !== 'info') this.api.call('app.log', { level, message: `renderer: ${message}` }).catch(() => {});
    return toast;
  }

  addStatusItem(id: string, order: number, keep?: number): { set(text: string, title?: string): void; dispose(): void } {
    return this.statusBar.addItem(id, order, keep);
  }

  /** Activates features in order; one failing feature is reported and the others still start. */
  activate(features: readonly Feature[]): void {
    for (const f of features) {
      try {
        this.features.push({ id: f.id, handle: f.activate(this) });
      } catch (e) {
        console.error(`feature "${f.id}" failed to start:`, e);
        this.notify('error', `The ${f.id} feature failed to start: ${(e as Error).message}`);
      }
    }
  }

  dispose(): void {
    for (const f of this.features.splice(0).reverse()) f.handle.dispose();
    for (const d of this.disposers.splice(0).reverse()) d();
    for (const dock of Object.values(this.docks)) dock.dispose();
    this.commands.dispose();
    this.topBar.dispose();
    this.statusBar.dispose();
    this.timeline.dispose();
    this.storeys.dispose();
    this.opener.dispose();
    this.viewport.dispose();
    this.plan.dispose();
    this.api.dispose();
  }

  // ── internals ───────────────────────────────────────────────
  private registerShellCommands(): void {
    const layout = (mode: string | undefined) => {
      if (mode !== '3d' && mode !== 'plan' && mode !== 'split') throw new Error(`layout: expected 3d, plan or split, got "${mode ?? ''}"`);
      this.setLayout(mode);
    };
    const cmds: CommandSpec[] = [
      { id: 'open-model', title: 'Open IFC model…', key: 'Ctrl+O', run: () => this.opener.pick() },
      { id: 'connect-dialog', title: 'Connect a data source…', key: 'Ctrl+K', run: () => this.connectDialog.open() },
      { id: 'layout', title: 'Set view layout', run: layout },
      { id: 'layout-3d', title: '3D view', key: '1', run: () => this.setLayout('3d') },
      { id: 'layout-plan', title: 'Plan view', key: '2', run: () => this.setLayout('plan') },
      { id: 'layout-split', title: '3D and plan side by side', key: '3', run: () => this.setLayout('split') },
      { id: 'toggle-theme', title: 'Toggle light / dark theme', key: 'T', run: () => this.setSettings({ theme: settingsStore.getState().settings.theme === 'dark' ? 'light' : 'dark' }) },
      { id: 'fit', title: 'Fit to view', key: 'F', run: () => this.fitViews() },
      { id: 'toggle-left', title: 'Show / hide the left panel', key: 'Ctrl+B', run: () => this.toggleSize('leftWidth', 280) },
      { id: 'toggle-right', title: 'Show / hide the inspector', key: 'Ctrl+I', run: () => this.toggleSize('rightWidth', 300) },
      { id: 'play-pause', title: 'Play / pause the replay', key: 'Space', run: () => this.timeline.togglePlay() },
      { id: 'shortcuts', title: 'Keyboard shortcuts', key: '?', run: () => this.shortcuts.toggle() },
      { id: 'about', title: 'About Twin Workbench', run: () => this.aboutDialog.open() },
      { id: 'save-view-png', title: 'Save view as PNG', key: 'Ctrl+Shift+S', run: () => this.saveViewPng() },
      {
        id: 'source.connect', title: 'Connect to a source URI', run: async (uri) => {
          if (!uri) return this.connectDialog.open();
          const status = await this.api.call('source.connect', { uri });
          sessionStore.setState({ source: status });
        },
      },
      { id: 'source.disconnect', title: 'Disconnect the data source', run: async () => void (await this.api.call('source.disconnect', {})) },
    ];
    for (const c of cmds) this.disposers.push(this.commands.register(c));
    for (const c of this.timeline.commands()) this.disposers.push(this.commands.register(c));
  }

  /** The views region as one PNG (3D, plan, or both side by side) with a caption line; see saveViewPng.ts. */
  private async saveViewPng(): Promise<void> {
    const mode = layoutStore.getState().mode;
    const shots: ViewShot[] = [];
    // Both captures draw and copy synchronously, in this task (WebGL canvases read later are blank).
    const take = (canvas: HTMLCanvasElement | null, host: HTMLElement) => {
      if (canvas) shots.push({ canvas, scale: canvas.width / Math.max(1, host.clientWidth) });
    };
    if (mode !== 'plan') take(this.viewport.capture(), this.viewport.dom);
    if (mode !== '3d') take(this.plan.capture(), this.plan.dom);
    const { info, source } = sessionStore.getState();
    const time = this.timeline.dom.querySelector('[data-testid="timeline-now"]')?.textContent ?? null;
    const image = composeViewImage(shots, captionText({ model: info?.model?.name ?? null, source: source?.uri ?? null, time }));
    const name = viewPngName();
    await downloadCanvasPng(image, name);
    this.notify('info', `Saved ${name} (${image.width}×${image.height})`);
  }

  private wireApi(): void {
    const api = this.api;
    // A page that cannot connect for a reason a person must act on (no token, a refused one) says so where it is
    // seen, not only in the status bar's tooltip; the toast goes once the page is connected.
    let cannotConnect: ToastHandle | null = null;
    const showConnection = (c: ConnectionStatus): void => {
      if (c.state === 'disconnected' && c.detail && !cannotConnect) cannotConnect = this.toasts.show('error', `Not connected to the workbench: ${c.detail}`);
      if (c.state === 'connected' && cannotConnect) { cannotConnect.dismiss(); cannotConnect = null; }
    };
    sessionStore.setState({ transport: api.transport.kind, connection: api.status() });
    showConnection(api.status());
    let counts = { entities: 0, people: 0, time: Number.NaN, frames: 0, sawFull: false, dirty: false };
    this.disposers.push(
      api.onStatus((connection) => {
        sessionStore.setState({ connection });
        showConnection(connection);
        if (connection.state === 'connected') void this.loadSession();
      }),
      api.on('session', (info) => sessionStore.setState({ info, source: info.source ?? sessionStore.getState().source })),
      api.on('source.status', (source) => sessionStore.setState({ source })),
      api.on('recording.status', (recording) => {
        const info = sessionStore.getState().info;
        if (info) sessionStore.setState({ info: { ...info, recording } });
      }),
      api.on('notice', (n) => this.notify(n.level, n.message)),
      api.on('command', (c) => {
        this.runCommand(c.id, c.arg).catch((e: unknown) => this.notify('error', (e as Error).message));
      }),
      api.onBinary('telemetry', (buf, offset) => {
        const hdr = readFrameHeader(buf, offset);
        if (!hdr) return;
        counts.frames++;
        counts.time = hdr.time;
        if (hdr.full) {
          counts.entities = hdr.entities;
          counts.people = hdr.positions;
          counts.sawFull = true;
        } else if (!counts.sawFull) {
          counts.entities = Math.max(counts.entities, hdr.entities);
          counts.people = Math.max(counts.people, hdr.positions);
        }
        counts.dirty = true;
      }),
    );
    const flush = setInterval(() => {
      if (!counts.dirty) return;
      counts.dirty = false;
      sessionStore.setState({ entityCount: counts.entities, peopleCount: counts.people, frameTime: counts.time, frames: counts.frames });
    }, COUNTS_FLUSH_MS);
    this.disposers.push(() => clearInterval(flush), () => (counts = { ...counts, dirty: false }));
    if (api.status().state === 'connected') void this.loadSession();
  }

  /**
   * Reads the session and settings after each (re)connect. A busy host may answer late (the
   * socket can hold a backlog of telemetry frames): retry while connected, and tell the user
   * only when it keeps failing.
   */
  private async loadSession(attempt = 1): Promise<void> {
    try {
      const [info, settings] = await Promise.all([this.api.call('session.info', {}), this.api.call('settings.get', {})]);
      sessionStore.setState({ info, source: info.source });
      settingsStore.setState({ settings, loaded: true });
      if (layoutStore.getState().mode !== settings.layout) layoutStore.setState({ mode: settings.layout });
    } catch (e) {
      if (this.api.status().state !== 'connected') return; // the next connect tries again
      if (attempt === 2) this.notify('warn', `The workbench is slow to answer (${(e as Error).message}); still trying`);
      setTimeout(() => void this.loadSession(attempt + 1), Math.min(10_000, 1000 * attempt));
    }
  }

  private wireKeys(): void {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const t = e.target as HTMLElement | null;
      const typing = !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
      if (typing) return;
      const modalOpen = !!this.dom.querySelector('.dialog-backdrop:not([hidden])');
      const cmd = this.commands.forKey(e);
      if (!cmd) return;
      // With a dialog open only the shortcuts toggle works (so "?" closes its own overlay).
      if (modalOpen && cmd.id !== 'shortcuts') return;
      e.preventDefault();
      this.runCommand(cmd.id).catch((err: unknown) => this.notify('error', (err as Error).message));
    };
    window.addEventListener('keydown', onKey);
    this.disposers.push(() => window.removeEventListener('keydown', onKey));
  }

  /** Plan framed on the 3D content seen from above (three → building frame: x = x, y = −z). */
  private fitPlanToContent(): void {
    const box = this.viewport.contentBox();
    if (!box.isEmpty()) this.plan.fitBounds(box.min.x, -box.max.z, box.max.x, -box.min.z);
  }

  /** Frames the scene's content in 3D and, seen from above, in the plan. */
  private fitViews(): void {
    this.viewport.fitAll();
    this.fitPlanToContent();
  }

  private setLayout(mode: LayoutMode): void {
    layoutStore.setState({ mode });
    this.setSettings({ layout: mode });
  }

  /** Applies a settings change at once, then persists it in main; reverts to main's copy if refused. */
  private setSettings(patch: Partial<Settings>): void {
    settingsStore.setState((s) => ({ settings: { ...s.settings, ...patch } }));
    if (this.api.status().state !== 'connected') return;
    this.api.call('settings.set', patch).then(
      (settings) => settingsStore.setState({ settings, loaded: true }),
      (e: unknown) => {
        this.notify('warn', `Could not save the setting: ${(e as Error).message}`);
        this.api.call('settings.get', {}).then((settings) => settingsStore.setState({ settings }), () => {});
      },
    );
  }

  private toggleSize(key: 'leftWidth' | 'rightWidth', open: number): void {
    layoutStore.setState({ [key]: layoutStore.getState()[key] > 0 ? 0 : open } as Partial<LayoutState>);
    panelSizes.save(layoutStore.getState());
  }

  private applyTheme(): void {
    const theme = settingsStore.getState().settings.theme;
    document.documentElement.dataset.theme = theme;
    const colors = themeColors(document.documentElement);
    this.viewport.setColors(colors.viewport);
    this.plan.setColors(colors.plan);
  }

  private applyLayout(): void {
    const s = layoutStore.getState();
    const hasBottom = this.docks.bottom.count > 0;
    const st = this.dom.style;
    st.setProperty('--left-w', `${s.leftWidth}px`);
    st.setProperty('--right-w', `${s.rightWidth}px`);
    // In a narrow window the side panels give way to the centre down to their minimum (CSS grid
    // minmax), so the views and the bottom panels keep CENTER_MIN_WIDTH; a collapsed panel is 0.
    st.setProperty('--left-min', `${s.leftWidth === 0 ? 0 : Math.min(s.leftWidth, PANEL_MIN_WIDTH.left)}px`);
    st.setProperty('--right-min', `${s.rightWidth === 0 ? 0 : Math.min(s.rightWidth, PANEL_MIN_WIDTH.right)}px`);
    st.setProperty('--center-min', `${CENTER_MIN_WIDTH}px`);
    st.setProperty('--bottom-h', hasBottom ? `${s.bottomHeight}px` : '0px');
    st.setProperty('--split', `${(s.splitRatio * 100).toFixed(2)}%`);
    this.dom.dataset.viewLayout = s.mode;
    this.dom.classList.toggle('left-collapsed', s.leftWidth === 0);
    this.dom.classList.toggle('right-collapsed', s.rightWidth === 0);
    this.dom.classList.toggle('no-bottom', !hasBottom || s.bottomHeight === 0);
    this.viewport.requestRender();
    this.plan.requestRedraw();
  }
}

/**
 * Narrowest the side panels get, by dragging or when the window is narrow (the Structure table's
 * seven columns need ~240 px), CSS px.
 */
export const PANEL_MIN_WIDTH = { left: 180, right: 240 } as const;
/**
 * Width the centre (3D, plan, Alerts and the other bottom panels) keeps before the side panels
 * shrink to their minimum: at 1024 px the side panels give way instead of the alert messages
 * wrapping one word per line.
 */
export const CENTER_MIN_WIDTH = 520;

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
