/**
 * The top bar: app name and the open model, the data source (click to connect), the view layout
 * switch (3D · Split · Plan), save view as PNG, theme, shortcuts and About. Every button runs a registered command,
 * so the bar, keys and native menus all do the same thing.
 */
import { sessionStore } from '../stores/sessionStore.js';
import { layoutStore, type LayoutMode } from '../stores/layoutStore.js';
import { settingsStore } from '../stores/settingsStore.js';
import { h } from './h.js';
import { icon, type IconName } from './icon.js';
import { sourceTone } from './sourceControls.js';

export class TopBar {
  readonly dom: HTMLElement;
  private readonly modelName = h('span.model-name', { 'data-testid': 'model-name' });
  private readonly sourceLabel = h('span.source-label');
  private readonly sourceDot = h('span.status-dot');
  private readonly themeButton: HTMLButtonElement;
  private readonly layoutButtons = new Map<LayoutMode, HTMLButtonElement>();
  private readonly disposers: (() => void)[] = [];

  constructor(run: (command: string, arg?: string) => void) {
    const button = (cls: string, iconName: IconName, title: string, command: string, arg?: string, label?: string) => {
      const b = h(`button.${cls}`, { type: 'button', title, 'aria-label': title, 'data-command': command }, icon(iconName, 16), label ? h('span', {}, label) : null);
      b.addEventListener('click', () => run(command, arg));
      return b;
    };
    const open = button('button.button-ghost', 'folder', 'Open an IFC model (Ctrl+O)', 'open-model', undefined, 'Open');
    const sourceBtn = h('button.source-button', { type: 'button', title: 'Data source — click to connect (Ctrl+K)', 'data-command': 'connect-dialog' },
      icon('plug', 15), this.sourceDot, this.sourceLabel, icon('chevronDown', 14));
    sourceBtn.addEventListener('click', () => run('connect-dialog'));

    const seg = h('div.segmented', { role: 'group', 'aria-label': 'View layout', 'data-testid': 'layout-switch' });
    const layouts: [LayoutMode, IconName, string, string][] = [
      ['3d', 'cube', '3D', '3D view (1)'],
      ['split', 'split', 'Split', '3D and plan side by side (3)'],
      ['plan', 'plan', 'Plan', 'Plan view (2)'],
    ];
    for (const [mode, ic, label, title] of layouts) {
      const b = h('button.segment', { type: 'button', title, 'data-layout': mode, 'aria-pressed': 'false' }, icon(ic, 15), h('span', {}, label));
      b.addEventListener('click', () => run('layout', mode));
      this.layoutButtons.set(mode, b);
      seg.append(b);
    }
    // No camera icon in icon.ts: the tray-and-arrow "export" glyph with a PNG label.
    const saveView = button('button.button-ghost', 'upload', 'Save view as PNG (Ctrl+Shift+S)', 'save-view-png', undefined, 'PNG');
    saveView.dataset.testid = 'save-view-png';
    this.themeButton = button('icon-button', 'moon', 'Toggle light/dark theme (T)', 'toggle-theme');
    this.themeButton.dataset.testid = 'theme-toggle';

    this.dom = h('header.topbar', { 'data-region': 'topbar' },
      h('div.brand', {}, icon('logo', 22), h('span.brand-name', {}, 'Twin Workbench')),
      h('div.topbar-sep'),
      h('div.model-chip', { title: 'Open model' }, icon('building', 15), this.modelName),
      open,
      h('div.topbar-spacer'),
      sourceBtn,
      h('div.topbar-spacer'),
      seg,
      saveView,
      h('div.topbar-sep'),
      this.themeButton,
      button('icon-button', 'keyboard', 'Keyboard shortcuts (?)', 'shortcuts'),
      button('icon-button', 'info', 'About Twin Workbench', 'about'));

    this.disposers.push(
      sessionStore.subscribe(() => this.renderSession()),
      layoutStore.subscribe((s, p) => s.mode !== p.mode && this.renderLayout()),
      settingsStore.subscribe((s, p) => s.settings.theme !== p.settings.theme && this.renderTheme()),
    );
    this.renderSession();
    this.renderLayout();
    this.renderTheme();
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
  }

  private renderSession(): void {
    const { info, source, connection } = sessionStore.getState();
    this.modelName.textContent = info?.model?.name ?? 'No model';
    this.modelName.classList.toggle('muted', !info?.model);
    this.sourceLabel.textContent = source ? source.uri : 'No source';
    this.sourceDot.dataset.tone = sourceTone(source?.state ?? 'none', connection.state === 'connected');
  }

  private renderLayout(): void {
    const mode = layoutStore.getState().mode;
    for (const [m, b] of this.layoutButtons) {
      b.classList.toggle('active', m === mode);
      b.setAttribute('aria-pressed', String(m === mode));
    }
  }

  private renderTheme(): void {
    const dark = settingsStore.getState().settings.theme === 'dark';
    this.themeButton.replaceChildren(icon(dark ? 'sun' : 'moon', 16));
    this.themeButton.title = dark ? 'Switch to the light theme (T)' : 'Switch to the dark theme (T)';
  }
}
