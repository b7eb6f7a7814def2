/**
 * A modal dialog: a title bar with a close button, content, optional footer buttons. Escape or
 * a click on the backdrop closes it; focus moves into it and back to where it was on close.
 */
import { h } from './h.js';
import { icon } from './icon.js';

export class Dialog {
  readonly dom: HTMLElement;
  readonly body: HTMLElement;
  readonly footer: HTMLElement;
  private readonly box: HTMLElement;
  private previousFocus: Element | null = null;
  private onCloseCb: (() => void) | null = null;

  constructor(readonly id: string, title: string, opts: { wide?: boolean } = {}) {
    const close = h('button.icon-button', { type: 'button', title: 'Close (Esc)', 'aria-label': 'Close' }, icon('close', 16));
    close.addEventListener('click', () => this.close());
    this.body = h('div.dialog-body');
    this.footer = h('div.dialog-footer', { hidden: true });
    const box = h(`div.dialog${opts.wide ? '.dialog-wide' : ''}`, { role: 'dialog', tabindex: -1, 'aria-modal': 'true', 'aria-label': title, 'data-dialog': id },
      h('header.dialog-header', {}, h('h2', {}, title), close),
      this.body,
      this.footer);
    this.dom = h('div.dialog-backdrop', { hidden: true });
    this.dom.append(box);
    this.box = box;
    this.dom.addEventListener('mousedown', (e) => {
      if (e.target === this.dom) this.close();
    });
    this.dom.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        this.close();
      }
    });
  }

  get isOpen(): boolean {
    return !this.dom.hidden;
  }

  addButton(label: string, kind: 'primary' | 'secondary' | 'danger', run: () => void): HTMLButtonElement {
    const b = h(`button.button.button-${kind}`, { type: 'button' }, label);
    b.addEventListener('click', run);
    this.footer.hidden = false;
    this.footer.append(b);
    return b;
  }

  open(onClose?: () => void): void {
    this.onCloseCb = onClose ?? null;
    this.previousFocus = document.activeElement;
    this.dom.hidden = false;
    // Focus the first field; a dialog without fields takes focus itself (no stray focus ring).
    const first = this.dom.querySelector<HTMLElement>('input, select, textarea') ?? this.box;
    first.focus();
  }

  close(): void {
    if (this.dom.hidden) return;
    this.dom.hidden = true;
    const cb = this.onCloseCb;
    this.onCloseCb = null;
    cb?.();
    if (this.previousFocus instanceof HTMLElement) this.previousFocus.focus();
  }
}
