/** The keyboard shortcuts overlay (`?`): every command with a key, as registered right now. */
import type { CommandRegistry } from './CommandRegistry.js';
import { Dialog } from './Dialog.js';
import { h } from './h.js';
import { keyChordLabels } from './keyChord.js';

export class ShortcutsOverlay {
  readonly dialog = new Dialog('shortcuts', 'Keyboard shortcuts', { wide: true });
  private readonly list = h('div.shortcut-grid', { 'data-testid': 'shortcut-list' });

  constructor(private readonly commands: CommandRegistry) {
    this.dialog.body.append(this.list, h('p.muted.small', {}, 'In the 3D view: drag to orbit, right-drag to pan, scroll to zoom. In the plan: drag to pan, scroll to zoom.'));
  }

  open(): void {
    const mac = /Mac|iPhone|iPad/.test(navigator.platform);
    this.list.replaceChildren(
      ...this.commands
        .shortcuts()
        .filter((s) => !s.shadowed)
        .map(({ spec }) =>
          h('div.shortcut-row', {}, h('span', {}, spec.title), h('span.keys', {}, ...keyChordLabels(spec.key!, mac).map((k) => h('kbd', {}, k))))),
    );
    this.dialog.open();
  }

  toggle(): void {
    if (this.dialog.isOpen) this.dialog.close();
    else this.open();
  }
}
