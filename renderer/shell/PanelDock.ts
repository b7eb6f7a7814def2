/**
 * One side of the workbench (left, right or bottom): a tab strip and the panels features register.
 * Panels are mounted once when registered and hidden when not in front, so their DOM (scroll
 * position, inputs) survives tab switches. With no panel, the dock shows its empty state.
 */
import type { Disposable, Disposer } from '../../common/source.js';
import type { PanelSide, PanelSpec } from './WorkbenchContext.js';
import { h } from './h.js';
import { ListenerSet } from '../api/ListenerSet.js';

interface Mounted {
  spec: PanelSpec;
  tab: HTMLButtonElement;
  body: HTMLElement;
  handle: Disposable;
}

export class PanelDock {
  readonly dom: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly bodies: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly panels: Mounted[] = [];
  private active: string | null = null;
  /** Fired with the id of the panel now in front (null when none). */
  readonly onDidChangeActive = new ListenerSet<string | null>();
  readonly onDidChangePanels = new ListenerSet<void>();

  constructor(readonly side: PanelSide, emptyState: HTMLElement, header?: HTMLElement) {
    this.tabs = h('div.dock-tabs', { role: 'tablist', 'aria-label': `${side} panels` });
    this.bodies = h('div.dock-bodies');
    this.empty = h('div.dock-empty', {}, emptyState);
    this.dom = h('section.dock', { 'data-region': `${side}-panel`, 'data-side': side }, header ?? null, this.tabs, this.bodies, this.empty);
    this.update();
  }

  get count(): number {
    return this.panels.length;
  }

  has(id: string): boolean {
    return this.panels.some((p) => p.spec.id === id);
  }

  add(spec: PanelSpec): Disposer {
    if (this.panels.some((p) => p.spec.id === spec.id)) throw new Error(`PanelDock: panel "${spec.id}" is already registered`);
    const tab = h('button.dock-tab', { role: 'tab', type: 'button', 'data-panel': spec.id }, spec.title);
    tab.addEventListener('click', () => this.show(spec.id));
    const body = h('div.dock-body', { role: 'tabpanel', 'data-panel': spec.id, hidden: true });
    let handle: Disposable;
    try {
      handle = spec.mount(body);
    } catch (e) {
      body.replaceChildren(h('div.panel-error', {}, `Panel "${spec.title}" failed to open: ${(e as Error).message}`));
      handle = { dispose() {} };
      console.error(`PanelDock: panel "${spec.id}" mount failed:`, e);
    }
    const entry: Mounted = { spec, tab, body, handle };
    this.panels.push(entry);
    this.panels.sort((a, b) => a.spec.order - b.spec.order || a.spec.title.localeCompare(b.spec.title));
    this.tabs.replaceChildren(...this.panels.map((p) => p.tab));
    this.bodies.append(body);
    if (this.active === null) this.show(spec.id);
    this.update();
    this.onDidChangePanels.fire();
    return () => this.remove(entry);
  }

  show(id: string): boolean {
    if (!this.panels.some((p) => p.spec.id === id)) return false;
    this.active = id;
    for (const p of this.panels) {
      const on = p.spec.id === id;
      p.tab.classList.toggle('active', on);
      p.tab.setAttribute('aria-selected', String(on));
      p.body.hidden = !on;
    }
    this.onDidChangeActive.fire(id);
    return true;
  }

  activeId(): string | null {
    return this.active;
  }

  dispose(): void {
    for (const p of [...this.panels]) this.remove(p);
    this.onDidChangeActive.clear();
    this.onDidChangePanels.clear();
  }

  private remove(entry: Mounted): void {
    const i = this.panels.indexOf(entry);
    if (i < 0) return;
    this.panels.splice(i, 1);
    try {
      entry.handle.dispose();
    } finally {
      entry.tab.remove();
      entry.body.remove();
    }
    if (this.active === entry.spec.id) {
      this.active = null;
      const next = this.panels[0];
      if (next) this.show(next.spec.id);
      else this.onDidChangeActive.fire(null);
    }
    this.update();
    this.onDidChangePanels.fire();
  }

  private update(): void {
    const none = this.panels.length === 0;
    this.empty.hidden = !none;
    this.tabs.hidden = none;
    this.dom.classList.toggle('is-empty', none);
  }
}
