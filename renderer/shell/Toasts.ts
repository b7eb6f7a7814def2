/**
 * Toasts in the bottom-right corner. Info and warnings fade after a few seconds; errors stay
 * until dismissed (a person must see them). Identical messages in a row are merged with a count,
 * so a flapping source does not bury the screen.
 */
import { h } from './h.js';
import { icon } from './icon.js';

export type ToastLevel = 'info' | 'warn' | 'error';

/**
 * A toast on screen: whoever raised it can take it away when its condition has cleared. A message merged into the
 * toast before it (×2) gets that toast's very handle, so a caller replacing its own toast can tell the two apart.
 */
export interface ToastHandle {
  /** Removes the toast; true when it was still on screen (not dismissed or pushed out already). */
  dismiss(): boolean;
}

const LIFETIME_MS: Record<ToastLevel, number> = { info: 4000, warn: 7000, error: 0 };
const MAX_TOASTS = 5;

export class Toasts {
  readonly dom = h('div.toasts', { 'aria-live': 'polite', 'data-region': 'toasts' });
  private readonly handles = new WeakMap<HTMLElement, ToastHandle>();

  show(level: ToastLevel, message: string): ToastHandle {
    const last = this.dom.lastElementChild as HTMLElement | null;
    if (last && last.dataset.level === level && last.dataset.message === message && !last.classList.contains('leaving')) {
      const n = Number(last.dataset.count ?? '1') + 1;
      last.dataset.count = String(n);
      const badge = last.querySelector('.toast-count');
      if (badge) badge.textContent = `×${n}`;
      return this.handle(last);
    }
    const close = h('button.icon-button.toast-close', { type: 'button', title: 'Dismiss', 'aria-label': 'Dismiss' }, icon('close', 14));
    const el = h(`div.toast.toast-${level}`, { role: level === 'error' ? 'alert' : 'status', 'data-level': level, 'data-message': message },
      icon(level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info', 18),
      h('div.toast-text', {}, message),
      h('span.toast-count'),
      close);
    close.addEventListener('click', () => this.remove(el));
    this.dom.append(el);
    while (this.dom.children.length > MAX_TOASTS) this.dom.firstElementChild?.remove();
    const life = LIFETIME_MS[level];
    if (life > 0) setTimeout(() => this.remove(el), life);
    return this.handle(el);
  }

  private handle(el: HTMLElement): ToastHandle {
    let handle = this.handles.get(el);
    if (!handle) this.handles.set(el, (handle = { dismiss: () => this.remove(el) }));
    return handle;
  }

  private remove(el: HTMLElement): boolean {
    if (!el.isConnected || el.classList.contains('leaving')) return false;
    el.classList.add('leaving');
    setTimeout(() => el.remove(), 180);
    return true;
  }
}
