/** About: version, mode, transport, and the open-source parts the workbench is built on. */
import { sessionStore } from '../stores/sessionStore.js';
import { Dialog } from './Dialog.js';
import { h } from './h.js';
import { icon } from './icon.js';

const CREDITS = 'three.js · deck.gl · web-ifc · MCAP · zustand · Comlink · zod · Recast Navigation';

export class AboutDialog {
  readonly dialog = new Dialog('about', 'About Twin Workbench');
  private readonly facts = h('dl.facts');

  constructor() {
    this.dialog.body.append(
      h('div.about-hero', {}, icon('logo', 48), h('div', {}, h('div.about-name', {}, 'Twin Workbench'), h('div.muted', {}, 'Digital twin & simulation workbench for buildings and City OS telemetry'))),
      this.facts,
      h('p.muted.small', {}, `Built with ${CREDITS}. Licensed under MPL-2.0.`),
    );
    this.dialog.addButton('Close', 'primary', () => this.dialog.close());
  }

  open(): void {
    const s = sessionStore.getState();
    const rows: [string, string][] = [
      ['Version', s.info?.version ?? '—'],
      ['Mode', s.info ? (s.info.mode === 'electron' ? 'Desktop (Electron)' : 'Web (twin serve)') : '—'],
      ['Connection', `${s.connection.state}${s.transport ? ` over ${s.transport}` : ''}`],
      ['Model', s.info?.model ? `${s.info.model.name} (${s.info.model.hash.slice(0, 12)}…)` : 'none'],
      ['Source', s.source?.uri ?? 'none'],
    ];
    this.facts.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    this.dialog.open();
  }
}
